// The run directory's format, in one place for the trainer, the CLI and the studio: file names, the
// run config (config.json), the manifest of the newest checkpoint (latest.json) and their schemas.
// Browser-safe: reading and writing the files is in ./run-dir.ts (Node).
import { DIFF_AUGMENT_TRANSFORMS, type DiffAugmentTransform } from '../augment/diff-augment.js';
import { LOSS_NAMES, type LossName } from '../losses.js';
import {
  arrayOf, boolean, FieldError, finiteNumber, integer, matching, nullable, object, oneOf, optional, parseFile, RunFileError, string,
  taggedUnion, type Check,
} from './schema.js';

export const RUN_FORMAT = 'gantry-run-v1';

/** Names inside a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  latest: 'latest.json',
  metrics: 'metrics.jsonl',
  samples: 'samples',
  checkpoints: 'checkpoints',
} as const;

/** `step-000100`: checkpoint directories and sample grids share the step's name. */
export function stepName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** Checkpoint directory names, and sample grid file names, with their step. */
export const STEP_DIR = /^step-(\d{6,})$/;
export const SAMPLE_FILE = /^step-(\d{6,})\.png$/;

export type DataKind = 'points' | 'image' | 'table';

/** How one CSV column maps to model features: a standardised number, or a one-hot category. */
export type ColumnCoding =
  | { name: string; type: 'numeric'; mean: number; std: number; /** all observed values are integers: round when decoding */ integer: boolean }
  | { name: string; type: 'categorical'; categories: string[] };

/** What a run remembers about its data. */
export interface DataInfo {
  spec: string;
  kind: DataKind;
  /** shape of one example as the models see it before flattening */
  itemShape: number[];
  numClasses?: number;
  classNames?: string[];
  /** CSV data: column names; for 2D points also the standardisation applied (x - mean) / std */
  columns?: string[];
  mean?: number[];
  std?: number[];
  /** tables: how each CSV column maps to the model's features */
  coding?: ColumnCoding[];
  /** CSV data: columns declared categorical (--categorical); loading the data again needs the same list */
  categorical?: string[];
  /** examples available (Infinity, for the 2D mixtures, is stored as null) */
  count: number | null;
}

export const MODEL_PRESETS = ['mlp', 'dcgan'] as const;
export type ModelPreset = (typeof MODEL_PRESETS)[number];

/** Axes of a 2D run's scatter plots. */
export interface PlotRange { lo: number; hi: number }

export interface RunConfig {
  format: typeof RUN_FORMAT;
  data: DataInfo;
  model: {
    preset: ModelPreset; latentDim: number; conditional: boolean; flatten: boolean; hidden?: number[];
    /** 2D points: G's output is multiplied by this and D's input divided by it (the data's spread) */
    scale?: number;
  };
  train: {
    loss: LossName; steps: number; batch: number; lrG: number; lrD: number; seed: number; sampleEvery: number; checkpointEvery: number;
    /** fraction of the run, at its end, over which both learning rates fall linearly to 0 (absent or 0: constant) */
    lrDecay?: number;
    /** R1 penalty weight gamma on real data (absent or 0: none) */
    r1?: number;
    /** data-parallel runs: batch norm over all ranks' rows (absent or false: per rank) */
    syncBatchNorm?: boolean;
    /** DiffAugment transforms of D's inputs (image data; absent: none) */
    augment?: DiffAugmentTransform[];
    /** EMA decay of G's weights (absent: no averaged generator) */
    ema?: number;
  };
  plot?: PlotRange;
  createdAt: string;
}

/** latest.json: the newest complete checkpoint, as a path inside the run directory. */
export interface LatestManifest { checkpoint: string; step: number }

const positive: Check<number> = (v, f) => {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new FieldError(f, 'a positive number', v);
  return v;
};

const columnCoding: Check<ColumnCoding> = taggedUnion<ColumnCoding>('type', {
  numeric: object<Extract<ColumnCoding, { type: 'numeric' }>>({ name: string, type: oneOf(['numeric']), mean: finiteNumber, std: finiteNumber, integer: boolean }),
  categorical: object<Extract<ColumnCoding, { type: 'categorical' }>>({ name: string, type: oneOf(['categorical']), categories: arrayOf(string) }),
});

const dataInfo: Check<DataInfo> = object<DataInfo>({
  spec: string,
  kind: oneOf(['points', 'image', 'table']),
  itemShape: arrayOf(integer(1)),
  numClasses: optional(integer(1)),
  classNames: optional(arrayOf(string)),
  columns: optional(arrayOf(string)),
  mean: optional(arrayOf(finiteNumber)),
  std: optional(arrayOf(finiteNumber)),
  coding: optional(arrayOf(columnCoding)),
  categorical: optional(arrayOf(string)),
  count: nullable(integer(0)),
});

const runConfig: Check<RunConfig> = object<RunConfig>({
  format: oneOf([RUN_FORMAT]),
  data: dataInfo,
  model: object<RunConfig['model']>({
    preset: oneOf(MODEL_PRESETS),
    latentDim: integer(1),
    conditional: boolean,
    flatten: boolean,
    hidden: optional(arrayOf(integer(1))),
    scale: optional(finiteNumber),
  }),
  train: object<RunConfig['train']>({
    loss: oneOf(LOSS_NAMES),
    steps: integer(1),
    batch: integer(1),
    lrG: positive,
    lrD: positive,
    seed: integer(0),
    sampleEvery: integer(0),
    checkpointEvery: integer(0),
    lrDecay: optional(finiteNumber),
    r1: optional(finiteNumber),
    syncBatchNorm: optional(boolean),
    augment: optional(arrayOf(oneOf(DIFF_AUGMENT_TRANSFORMS))),
    ema: optional(finiteNumber),
  }),
  plot: optional(object<PlotRange>({ lo: finiteNumber, hi: finiteNumber })),
  createdAt: string,
});

/** A manifest may name only a checkpoint directory of its own run: nothing with '..', '/' at the start or another folder. */
const latestManifest: Check<LatestManifest> = object<LatestManifest>({
  checkpoint: matching(/^checkpoints\/step-\d{6,}$/, 'a checkpoint of this run ("checkpoints/step-NNNNNN")'),
  step: integer(0),
});

export function parseRunConfig(value: unknown, file: string): RunConfig {
  return parseFile(runConfig, value, file);
}

export function parseLatestManifest(value: unknown, file: string): LatestManifest {
  const manifest = parseFile(latestManifest, value, file);
  const named = Number(manifest.checkpoint.slice(`${RUN_FILES.checkpoints}/step-`.length));
  if (named !== manifest.step) throw new RunFileError(file, `field "step" is ${manifest.step} but the checkpoint it names is step ${named}`);
  return manifest;
}
