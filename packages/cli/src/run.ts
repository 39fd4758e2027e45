// A run directory as the CLI sees it: core's reader (@gantry/core/node owns the format and its checks),
// with a missing run turned into a usage error and damaged weights caught before anything is written.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  averagedCheckpointModel, checkpointModel, fileRunStore, firstNonFiniteSavedWeight, NotARunError, readRunConfig as readCoreRunConfig, type Checkpoint, type RunConfig,
} from '@gantry/core/node';
import { UsageError } from './args.js';

export { readLatestManifest, readMetrics, sampleFiles, writeRunConfig } from '@gantry/core/node';

export function readRunConfig(runDir: string): RunConfig {
  try {
    return readCoreRunConfig(runDir);
  } catch (e) {
    if (e instanceof NotARunError) throw new UsageError(e.message);
    throw e;
  }
}

/** The newest complete, verified checkpoint; a generator (`model`) holding NaN or Inf is refused (it can only give NaN samples). */
export async function latestCheckpoint(runDir: string, model = 'generator'): Promise<Checkpoint> {
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint yet (training has not written one)`);
  const bad = firstNonFiniteSavedWeight(checkpointModel(checkpoint, model));
  if (bad) throw new Error(`${runDir}: the ${model === 'generator' ? 'generator' : `generator ${model}`} of step ${checkpoint.state.step} has NaN or Inf in weight "${bad}"`);
  return checkpoint;
}

/**
 * A run's generator: 'generator', or a translation run's gAB / gBA; with `averaged`, its EMA weights where the run
 * keeps them (`averaged` says whether it did).
 */
export async function loadGenerator(runDir: string, model = 'generator', o: { averaged?: boolean } = {}): Promise<{ generator: tfl.LayersModel; step: number; averaged: boolean }> {
  const checkpoint = await latestCheckpoint(runDir, model);
  const averaged = (o.averaged ?? false) && checkpoint.ema[model] !== undefined;
  return { generator: await averagedCheckpointModel(checkpoint, model, { averaged, where: runDir }), step: checkpoint.state.step, averaged };
}

/** Output that is not finite everywhere is an error, never a file of NaNs with exit code 0. */
export function assertFiniteOutput(output: tf.Tensor, what: string): void {
  const finite = tf.tidy(() => tf.all(tf.isFinite(output)).dataSync()[0]);
  if (!finite) throw new Error(`${what} holds NaN or Inf; nothing was written`);
}

/** Generator output as examples shaped like the data ([N, ...itemShape]). */
export function asItems(output: tf.Tensor, config: RunConfig): tf.Tensor {
  return tf.reshape(output, [output.shape[0], ...config.data.itemShape]);
}
