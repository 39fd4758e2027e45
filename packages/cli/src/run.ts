// A run directory as the CLI sees it: core's reader (@gantry/core/node owns the format and its checks),
// with a missing run turned into a usage error and damaged weights caught before anything is written.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  checkpointModel, fileRunStore, firstNonFiniteSavedWeight, modelFromBlob, NotARunError, readRunConfig as readCoreRunConfig, type Checkpoint, type RunConfig,
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

/** A run's generator: 'generator', or a translation run's gAB / gBA. */
export async function loadGenerator(runDir: string, model = 'generator'): Promise<{ generator: tfl.LayersModel; step: number }> {
  const checkpoint = await latestCheckpoint(runDir, model);
  return { generator: await modelFromBlob(checkpointModel(checkpoint, model)), step: checkpoint.state.step };
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
