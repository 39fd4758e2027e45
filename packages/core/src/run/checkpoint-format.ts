// Schemas of a checkpoint directory's JSON files (state.json, model.json, the tensor lists of optimizer
// slots and EMA, checksums.json), and the size check of a weights file against its list. Browser-safe.
import { CHECKPOINT_FORMAT, type CheckpointState, type TensorSpec } from '../train/checkpoint.js';
import type { RngState } from '../random.js';
import {
  arrayOf, FieldError, finiteNumber, integer, matching, nullable, object, oneOf, parseFile, recordOf, RunFileError, string, type Check,
} from './schema.js';

/** Written last into every checkpoint: the size and SHA-256 of each of its other files. */
export const CHECKSUMS_FILE = 'checksums.json';
export interface FileDigest { bytes: number; sha256: string }
export type Checksums = Record<string, FileDigest>;

const tensorSpec: Check<TensorSpec> = object<TensorSpec>({ name: string, shape: arrayOf(integer(0)), dtype: oneOf(['float32', 'int32']) });

/** A weight list as tfjs writes it (dtype may be any tfjs dtype; only 4-byte ones are used here). */
export interface WeightEntry { name: string; shape: number[]; dtype: string }
const weightEntry: Check<WeightEntry> = object<WeightEntry>({ name: string, shape: arrayOf(integer(0)), dtype: string });

export interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

const anObject: Check<object> = (v, f) => recordOf((x) => x)(v, f);

const modelJson: Check<ModelJson> = object<ModelJson>({
  modelTopology: anObject,
  weightsManifest: arrayOf(object<ModelJson['weightsManifest'][number]>({ paths: arrayOf(string), weights: arrayOf(weightEntry) })),
});

const rngState: Check<RngState> = object<RngState>({
  algorithm: oneOf(['xoshiro128**']),
  s: (v, f) => {
    const s = arrayOf(integer(-(2 ** 31)))(v, f);
    if (s.length !== 4) throw new FieldError(f, '4 integers', v);
    return s as unknown as RngState['s'];
  },
  spareNormal: nullable(finiteNumber),
});

/** Model and optimizer names become file names in the checkpoint directory: letters, digits, '_' only. */
export const PART_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const partName = matching(PART_NAME, 'a name of letters, digits and "_"');

const formatOf: Check<CheckpointState['format']> = (v, f) => {
  if (v === 'gantry-checkpoint-v1') throw new FieldError(f, `"${CHECKPOINT_FORMAT}" (this checkpoint was written by an older gantry; train the run again)`, v);
  return oneOf([CHECKPOINT_FORMAT])(v, f);
};

const checkpointState: Check<CheckpointState> = (v, f) => {
  const state = object<CheckpointState>({
    format: formatOf,
    kind: string,
    step: integer(0),
    totalSteps: integer(0),
    rng: rngState,
    config: anObject,
    losses: recordOf(finiteNumber),
    createdAt: string,
    models: arrayOf(partName),
    parameters: arrayOf(partName),
    optimizers: arrayOf(partName),
    ema: arrayOf(partName),
    optimizerScalars: recordOf(recordOf(finiteNumber)),
  })(v, f);
  const unknownEma = state.ema.find((name) => !state.models.includes(name));
  if (unknownEma) throw new FieldError('ema', `names of the checkpoint's models (${state.models.join(', ')})`, state.ema);
  return state;
};

const checksums: Check<Checksums> = recordOf(object<FileDigest>({ bytes: integer(0), sha256: matching(/^[0-9a-f]{64}$/, 'a SHA-256 in hex') }));

export const parseCheckpointState = (v: unknown, file: string) => parseFile(checkpointState, v, file);
export const parseModelJson = (v: unknown, file: string) => parseFile(modelJson, v, file);
export const parseTensorSpecs = (v: unknown, file: string) => parseFile(arrayOf(tensorSpec), v, file);
export const parseChecksums = (v: unknown, file: string) => parseFile(checksums, v, file);

/** Bytes a weight list needs (4 per element: float32 and int32). */
export function bytesFor(specs: readonly { shape: number[] }[]): number {
  return specs.reduce((sum, s) => sum + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
}

/** A weights file must be exactly as long as its list says: shorter is truncated, longer is not ours. */
export function checkWeightBytes(specs: readonly { shape: number[] }[], bytes: number, file: string): void {
  const want = bytesFor(specs);
  if (bytes !== want) {
    throw new RunFileError(file, `${bytes} bytes, but its weight list needs ${want} (${bytes < want ? 'truncated' : 'trailing bytes'}); the checkpoint is damaged`);
  }
}
