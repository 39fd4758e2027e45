// Node-only run directory (names in ./format.ts):
//   metrics.jsonl                      one JSON object per line
//   samples/step-000100.png            sample grids (fixed noise)
//   checkpoints/step-000100/           <model>/{model.json,weights.bin} per named model (generator/, discriminator/, ...),
//                                      params-<name>.{json,bin} per parameter set (a variant's own variables),
//                                      optimizer-<name>.{json,bin}, ema-<model>.{json,bin}, state.json (which lists
//                                      them), checksums.json (sizes and SHA-256 of the rest)
//   latest.json                        manifest naming the newest complete checkpoint
// A checkpoint is assembled in a temporary directory, every file fsynced, then renamed into place, so a
// checkpoints/step-* directory is always complete; a crash leaves at most a temporary, which the next
// writer removes. Reading checks every file's size and checksum and names the file that does not match.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { writeImageGrid } from '../image/png.node.js';
import type { Checkpoint, ModelBlob, TensorBlob } from '../train/checkpoint.js';
import { keptOnRestart, type RunStore } from '../train/run-store.js';
import {
  CHECKSUMS_FILE, checkWeightBytes, parseCheckpointState, parseChecksums, parseModelJson, parseTensorSpecs, type Checksums,
} from './checkpoint-format.js';
import {
  assertInsideRun, fsyncPath, readBytes, readJsonFile, relativeTo, removeTemporaries, sha256, TEMP_MARK, writeFileAtomic, writeSynced,
} from './files.node.js';
import { parseLatestManifest, RUN_FILES, STEP_DIR, stepName } from './format.js';
import { RunFileError } from './schema.js';

/** Writes files into one checkpoint directory and remembers their digests. */
class CheckpointWriter {
  readonly digests: Checksums = {};
  constructor(readonly dir: string) {}

  write(name: string, data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    writeSynced(join(this.dir, name), bytes);
    this.digests[name] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
  }

  model(name: string, blob: ModelBlob): void {
    mkdirSync(join(this.dir, name));
    // the standard tfjs layers-model layout, loadable with tf.loadLayersModel('file://.../model.json')
    const modelJson = {
      format: 'layers-model', generatedBy: 'gantry', convertedBy: null,
      modelTopology: blob.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: blob.weightSpecs }],
    };
    this.write(`${name}/weights.bin`, new Uint8Array(blob.weightData));
    this.write(`${name}/model.json`, JSON.stringify(modelJson));
    fsyncPath(join(this.dir, name));
  }

  tensors(name: string, blob: TensorBlob): void {
    this.write(`${name}.bin`, new Uint8Array(blob.data));
    this.write(`${name}.json`, JSON.stringify(blob.specs));
  }
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Reads files of one checkpoint directory, each checked against checksums.json when there is one. */
class CheckpointReader {
  private readonly digests?: Checksums;
  constructor(readonly dir: string) {
    const listed = join(dir, CHECKSUMS_FILE);
    // checkpoints written before checksums existed are still read, with size checks only
    this.digests = existsSync(listed) ? readJsonFile(listed, parseChecksums) : undefined;
  }

  bytes(name: string): Buffer {
    const path = join(this.dir, name);
    const data = readBytes(path);
    const want = this.digests?.[name];
    if (this.digests && !want) throw new RunFileError(path, `not listed in ${CHECKSUMS_FILE}; the checkpoint is damaged`);
    if (want && want.bytes !== data.byteLength) {
      throw new RunFileError(path, `${data.byteLength} bytes, but ${CHECKSUMS_FILE} says ${want.bytes} (${data.byteLength < want.bytes ? 'truncated' : 'trailing bytes'}); the checkpoint is damaged`);
    }
    if (want && want.sha256 !== sha256(data)) throw new RunFileError(path, `its SHA-256 does not match ${CHECKSUMS_FILE}; the checkpoint is damaged`);
    return data;
  }

  json<T>(name: string, parse: (v: unknown, file: string) => T): T {
    const path = join(this.dir, name);
    let value: unknown;
    try {
      value = JSON.parse(this.bytes(name).toString('utf8'));
    } catch (e) {
      if (e instanceof RunFileError) throw e;
      throw new RunFileError(path, `not valid JSON (${(e as Error).message})`);
    }
    return parse(value, path);
  }

  model(name: string): ModelBlob {
    const json = this.json(`${name}/model.json`, parseModelJson);
    const weightSpecs = json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
    const data = this.bytes(`${name}/weights.bin`);
    checkWeightBytes(weightSpecs, data.byteLength, join(this.dir, name, 'weights.bin'));
    return { modelTopology: json.modelTopology, weightSpecs, weightData: toArrayBuffer(data) };
  }

  tensors(name: string): TensorBlob {
    const specs = this.json(`${name}.json`, parseTensorSpecs);
    const data = this.bytes(`${name}.bin`);
    checkWeightBytes(specs, data.byteLength, join(this.dir, `${name}.bin`));
    return { specs, data: toArrayBuffer(data) };
  }
}

/** Complete checkpoint directories, oldest first (numerically: step 1,000,000 sorts after 999,999). */
function completeCheckpoints(checkpointsDir: string): { name: string; step: number }[] {
  if (!existsSync(checkpointsDir)) return [];
  return readdirSync(checkpointsDir).flatMap((name) => {
    const m = STEP_DIR.exec(name);
    return m && existsSync(join(checkpointsDir, name, 'state.json')) ? [{ name, step: Number(m[1]) }] : [];
  }).sort((a, b) => a.step - b.step);
}

/** A checkpoint directory's content, every file verified. */
export function readCheckpointDir(dir: string): Checkpoint {
  const r = new CheckpointReader(dir);
  const state = r.json('state.json', parseCheckpointState);
  const each = <T>(names: string[], read: (name: string) => T) => Object.fromEntries(names.map((name) => [name, read(name)]));
  return {
    state,
    models: each(state.models, (name) => r.model(name)),
    parameters: each(state.parameters, (name) => r.tensors(`params-${name}`)),
    optimizers: each(state.optimizers, (name) => r.tensors(`optimizer-${name}`)),
    ema: each(state.ema, (name) => r.tensors(`ema-${name}`)),
  };
}

/**
 * The newest complete checkpoint directory of a run, or undefined when none was completed. latest.json is
 * checked (a manifest naming anything but a checkpoint of this run is refused), but a complete checkpoint
 * newer than it (a crash between the rename and the manifest) wins: it is as whole as any other.
 */
export function newestCheckpointDir(runDir: string): string | undefined {
  const manifestPath = join(runDir, RUN_FILES.latest);
  assertInsideRun(runDir, manifestPath);
  const manifest = existsSync(manifestPath) ? readJsonFile(manifestPath, parseLatestManifest) : undefined;
  const checkpointsDir = join(runDir, RUN_FILES.checkpoints);
  const newest = completeCheckpoints(checkpointsDir).at(-1);
  const named = manifest && existsSync(join(runDir, manifest.checkpoint, 'state.json')) ? manifest : undefined;
  const pick = newest && (!named || newest.step >= named.step) ? join(checkpointsDir, newest.name) : named && join(runDir, named.checkpoint);
  if (pick) assertInsideRun(runDir, pick);
  return pick;
}

/** Drops per-step metrics records after `step`: steps replayed after a resume must not be recorded twice. */
function truncateMetrics(runDir: string, step: number): void {
  const path = join(runDir, RUN_FILES.metrics);
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const kept = lines.filter((line) => {
    try {
      return keptOnRestart(JSON.parse(line) as { event?: unknown; step?: unknown }, step);
    } catch {
      return false; // half a line from a killed writer
    }
  });
  if (kept.length !== lines.length) writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''), runDir);
}

export function fileRunStore(runDir: string): RunStore {
  const checkpointsDir = join(runDir, RUN_FILES.checkpoints);
  const manifest = join(runDir, RUN_FILES.latest);
  return {
    location: runDir,
    async beginRun(step) {
      mkdirSync(runDir, { recursive: true });
      removeTemporaries(runDir);
      removeTemporaries(checkpointsDir);
      truncateMetrics(runDir, step);
    },
    async saveCheckpoint(c, keep) {
      mkdirSync(checkpointsDir, { recursive: true });
      const name = stepName(c.state.step);
      const tmp = join(checkpointsDir, `${TEMP_MARK}${name}-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      const final = join(checkpointsDir, name);
      try {
        const w = new CheckpointWriter(tmp);
        for (const [name, blob] of Object.entries(c.models)) w.model(name, blob);
        for (const [name, blob] of Object.entries(c.parameters)) w.tensors(`params-${name}`, blob);
        for (const [name, blob] of Object.entries(c.optimizers)) w.tensors(`optimizer-${name}`, blob);
        for (const [name, blob] of Object.entries(c.ema)) w.tensors(`ema-${name}`, blob);
        w.write('state.json', JSON.stringify(c.state, null, 1));
        writeSynced(join(tmp, CHECKSUMS_FILE), JSON.stringify(w.digests, null, 1));
        fsyncPath(tmp);
        rmSync(final, { recursive: true, force: true });
        renameSync(tmp, final);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      fsyncPath(checkpointsDir);
      writeFileAtomic(manifest, JSON.stringify({ checkpoint: relativeTo(runDir, final), step: c.state.step }), runDir);
      for (const old of completeCheckpoints(checkpointsDir).slice(0, -keep)) rmSync(join(checkpointsDir, old.name), { recursive: true, force: true });
      return final;
    },
    async loadLatestCheckpoint() {
      const dir = newestCheckpointDir(runDir);
      return dir ? readCheckpointDir(dir) : null;
    },
    async appendMetrics(record) {
      mkdirSync(runDir, { recursive: true });
      const path = join(runDir, RUN_FILES.metrics);
      try {
        appendFileSync(path, `${JSON.stringify(record)}\n`);
      } catch (e) {
        throw new RunFileError(path, `cannot append: ${(e as Error).message}`);
      }
    },
    async saveSamples(step, images, columns) {
      if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3)) return undefined;
      const path = join(runDir, RUN_FILES.samples, `${stepName(step)}.png`);
      writeImageGrid(path, images, { scale: (images.shape[1] ?? 0) < 32 ? 2 : 1, ...(columns ? { columns } : {}) });
      return path;
    },
  };
}
