// A run directory as the CLI and the studio see it: config.json (written by gantry train) next to what
// core's trainer writes (metrics.jsonl, checkpoints/, latest.json, samples/).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fileRunStore, modelFromBlob, type Checkpoint, type LossName } from '@gantry/core/node';
import { UsageError } from './args.js';
import type { DataInfo } from './data.js';
import type { PlotRange } from './plot.js';

export const RUN_FORMAT = 'gantry-run-v1';

export interface RunConfig {
  format: typeof RUN_FORMAT;
  data: DataInfo;
  model: {
    preset: 'mlp' | 'dcgan'; latentDim: number; conditional: boolean; flatten: boolean; hidden?: number[];
    /** 2D points: G's output is multiplied by this and D's input divided by it (the data's spread) */
    scale?: number;
  };
  train: {
    loss: LossName; steps: number; batch: number; lrG: number; lrD: number; seed: number; sampleEvery: number; checkpointEvery: number;
    /** fraction of the run, at its end, over which both learning rates fall linearly to 0 (absent or 0: constant) */
    lrDecay?: number;
    /** R1 penalty weight gamma on real data (absent or 0: none) */
    r1?: number;
  };
  /** axes of the 2D scatter plots */
  plot?: PlotRange;
  createdAt: string;
}

export function configPath(runDir: string): string {
  return join(runDir, 'config.json');
}

export function writeRunConfig(runDir: string, config: RunConfig): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(configPath(runDir), `${JSON.stringify(config, null, 2)}\n`);
}

export function readRunConfig(runDir: string): RunConfig {
  const path = configPath(runDir);
  if (!existsSync(path)) throw new UsageError(`${runDir} is not a gantry run directory (no config.json; create one with gantry train --out ${runDir})`);
  let config: RunConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as RunConfig;
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (config.format !== RUN_FORMAT) throw new Error(`${path}: unknown run format ${JSON.stringify(config.format)} (expected ${RUN_FORMAT})`);
  return config;
}

/** latest.json, the run store's manifest of the newest complete checkpoint, or undefined before the first one. */
export function readLatestCheckpoint(runDir: string): { checkpoint: string; step: number } | undefined {
  const path = join(runDir, 'latest.json');
  if (!existsSync(path)) return undefined;
  let manifest: { checkpoint?: unknown; step?: unknown };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as typeof manifest;
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (typeof manifest.checkpoint !== 'string' || typeof manifest.step !== 'number') {
    throw new Error(`${path}: expected {"checkpoint": string, "step": number}, got ${JSON.stringify(manifest)}`);
  }
  return { checkpoint: manifest.checkpoint, step: manifest.step };
}

export async function latestCheckpoint(runDir: string): Promise<Checkpoint> {
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint yet (training has not written one)`);
  return checkpoint;
}

export async function loadGenerator(runDir: string): Promise<{ generator: tfl.LayersModel; step: number }> {
  const checkpoint = await latestCheckpoint(runDir);
  return { generator: await modelFromBlob(checkpoint.generator), step: checkpoint.state.step };
}

export function readMetrics(runDir: string): Record<string, unknown>[] {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').flatMap((line) => {
    try { return [JSON.parse(line) as Record<string, unknown>]; } catch { return []; } // a line being written
  });
}

export function sampleFiles(runDir: string): string[] {
  const dir = join(runDir, 'samples');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^step-\d+\.png$/.test(f)).sort() : [];
}

/** Generator output as examples shaped like the data ([N, ...itemShape]). */
export function asItems(output: tf.Tensor, config: RunConfig): tf.Tensor {
  return tf.reshape(output, [output.shape[0], ...config.data.itemShape]);
}
