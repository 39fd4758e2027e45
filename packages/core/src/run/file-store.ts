// Node-only run directory:
//   metrics.jsonl                      one JSON object per line
//   samples/step-000100.png            sample grids (fixed noise)
//   checkpoints/step-000100/           generator/{model.json,weights.bin}, discriminator/..., optimizer-*.{json,bin},
//                                      ema.{json,bin}, state.json (written last)
//   latest.json                        manifest naming the newest complete checkpoint (written last of all)
// A checkpoint is assembled in a temporary directory, every file fsynced, then renamed into place;
// a crash leaves either the previous manifest or the new one, never half a checkpoint.
import {
  closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, appendFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { writeImageGrid } from '../image/png.js';
import type { Checkpoint, ModelBlob, TensorBlob } from './checkpoint.js';
import type { RunStore } from './run-store.js';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

function writeSynced(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data);
  fsyncPath(path);
}

/** temp file, fsync, rename, fsync the directory */
export function writeFileAtomic(path: string, data: string | Uint8Array, dir: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeSynced(tmp, data);
  renameSync(tmp, path);
  fsyncPath(dir);
}

const stepName = (step: number): string => `step-${String(step).padStart(6, '0')}`;

function writeModel(dir: string, blob: ModelBlob): void {
  mkdirSync(dir, { recursive: true });
  // the standard tfjs layers-model layout, loadable with tf.loadLayersModel('file://.../model.json')
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'gantry',
    convertedBy: null,
    modelTopology: blob.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: blob.weightSpecs }],
  };
  writeSynced(join(dir, 'weights.bin'), new Uint8Array(blob.weightData));
  writeSynced(join(dir, 'model.json'), JSON.stringify(modelJson));
  fsyncPath(dir);
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function readModel(dir: string): ModelBlob {
  const json = readJson(join(dir, 'model.json')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: toArrayBuffer(readFileSync(join(dir, 'weights.bin'))),
  };
}

function writeTensors(dir: string, name: string, blob: TensorBlob): void {
  writeSynced(join(dir, `${name}.bin`), new Uint8Array(blob.data));
  writeSynced(join(dir, `${name}.json`), JSON.stringify(blob.specs));
}

function readTensors(dir: string, name: string): TensorBlob {
  return { specs: readJson(join(dir, `${name}.json`)) as TensorBlob['specs'], data: toArrayBuffer(readFileSync(join(dir, `${name}.bin`))) };
}

export function fileRunStore(runDir: string): RunStore {
  const checkpointsDir = join(runDir, 'checkpoints');
  const manifest = join(runDir, 'latest.json');
  const completeSteps = (): string[] => (existsSync(checkpointsDir) ? readdirSync(checkpointsDir) : [])
    .filter((d) => /^step-\d+$/.test(d) && existsSync(join(checkpointsDir, d, 'state.json')))
    .sort();
  return {
    location: runDir,
    async saveCheckpoint(c, keep) {
      mkdirSync(checkpointsDir, { recursive: true });
      const name = stepName(c.state.step);
      const tmp = join(checkpointsDir, `.tmp-${name}-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      writeModel(join(tmp, 'generator'), c.generator);
      writeModel(join(tmp, 'discriminator'), c.discriminator);
      writeTensors(tmp, 'optimizer-generator', c.generatorOptimizer);
      writeTensors(tmp, 'optimizer-discriminator', c.discriminatorOptimizer);
      if (c.ema) writeTensors(tmp, 'ema', c.ema);
      writeSynced(join(tmp, 'state.json'), JSON.stringify(c.state, null, 1));
      fsyncPath(tmp);
      const final = join(checkpointsDir, name);
      rmSync(final, { recursive: true, force: true });
      renameSync(tmp, final);
      fsyncPath(checkpointsDir);
      writeFileAtomic(manifest, JSON.stringify({ checkpoint: `checkpoints/${name}`, step: c.state.step }), runDir);
      for (const old of completeSteps().slice(0, -keep)) rmSync(join(checkpointsDir, old), { recursive: true, force: true });
      return final;
    },
    async loadLatestCheckpoint() {
      let dir: string | undefined;
      if (existsSync(manifest)) {
        dir = join(runDir, (readJson(manifest) as { checkpoint: string }).checkpoint);
      } else {
        // no manifest (killed between rename and manifest): newest directory with its state.json
        const steps = completeSteps();
        if (steps.length) dir = join(checkpointsDir, steps[steps.length - 1]);
      }
      if (!dir) return null;
      const c: Checkpoint = {
        state: readJson(join(dir, 'state.json')) as Checkpoint['state'],
        generator: readModel(join(dir, 'generator')),
        discriminator: readModel(join(dir, 'discriminator')),
        generatorOptimizer: readTensors(dir, 'optimizer-generator'),
        discriminatorOptimizer: readTensors(dir, 'optimizer-discriminator'),
        ema: existsSync(join(dir, 'ema.json')) ? readTensors(dir, 'ema') : undefined,
      };
      return c;
    },
    async appendMetrics(record) {
      mkdirSync(runDir, { recursive: true });
      appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
    },
    async saveSamples(step, images) {
      if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3)) return undefined;
      const path = join(runDir, 'samples', `${stepName(step)}.png`);
      writeImageGrid(path, images, { scale: (images.shape[1] ?? 0) < 32 ? 2 : 1 });
      return path;
    },
  };
}
