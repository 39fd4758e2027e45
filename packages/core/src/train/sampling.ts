// Drawing from a trained generator and scoring data with a trained discriminator.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, randomNormal, type Rng } from '../random.js';
import { runDiscriminator, runGenerator, takesLabels } from './model-io.js';

export interface SampleOptions {
  /** noise source; default a fresh Rng seeded with `seed` (default 0) */
  rng?: Rng;
  seed?: number;
  /** class labels for conditional generators: one number for all, or one per sample */
  labels?: number | number[] | tf.Tensor;
  /** latent size; default read from the generator's input */
  latentDim?: number;
}

function latentSize(generator: tfl.LayersModel, given?: number): number {
  const d = given ?? generator.inputs[0].shape[1];
  if (d == null) throw new Error(`cannot tell the latent size of generator "${generator.name}"; pass latentDim`);
  return d;
}

function labelTensor(n: number, labels: SampleOptions['labels']): tf.Tensor | undefined {
  if (labels === undefined) return undefined;
  if (labels instanceof tf.Tensor) {
    if (labels.size !== n) throw new Error(`sample: ${labels.size} labels for ${n} samples`);
    return tf.cast(tf.reshape(labels, [n]), 'int32');
  }
  const list = typeof labels === 'number' ? new Array<number>(n).fill(labels) : labels;
  if (list.length !== n) throw new Error(`sample: ${list.length} labels for ${n} samples`);
  return tf.tensor1d(list, 'int32');
}

/** n samples from G in inference mode; conditional generators need `labels`. */
export function sample(generator: tfl.LayersModel, n: number, options: SampleOptions = {}): tf.Tensor {
  if (!Number.isInteger(n) || n < 1) throw new Error(`sample: n must be a positive integer, got ${n}`);
  if (takesLabels(generator) && options.labels === undefined) {
    throw new Error(`sample: generator "${generator.name}" is class-conditional; pass {labels}`);
  }
  const rng = options.rng ?? createRng(options.seed ?? 0);
  return tf.tidy(() => {
    const z = randomNormal(rng, [n, latentSize(generator, options.latentDim)]);
    return runGenerator(generator, z, labelTensor(n, options.labels), false);
  });
}

/** D's raw output (logits; higher = more "real") for new data, shape [N]. */
export function score(discriminator: tfl.LayersModel, x: tf.Tensor, labels?: tf.Tensor | number[]): tf.Tensor1D {
  const dIn = discriminator.inputs[0].shape;
  if (x.rank !== dIn.length || x.shape.some((d, i) => i > 0 && dIn[i] != null && dIn[i] !== d)) {
    throw new Error(`score: data shape [${x.shape.join(', ')}] does not fit discriminator input [${dIn.map((d) => d ?? 'batch').join(', ')}]`);
  }
  return tf.tidy(() => {
    const l = labels === undefined ? undefined : labelTensor(x.shape[0], labels);
    return tf.reshape(runDiscriminator(discriminator, x, l, false).logits, [-1]) as tf.Tensor1D;
  });
}

/**
 * The fixed noise (and labels) used for every sample grid of a run, derived from the seed alone
 * so that grids stay comparable across steps and across a resume.
 */
export function fixedSampleInputs(seed: number, count: number, latentDim: number, numClasses?: number):
  { z: tf.Tensor; labels?: tf.Tensor; count: number } {
  const rows = numClasses ? Math.max(1, Math.round(count / numClasses)) : 0;
  const n = numClasses ? rows * numClasses : count;
  const rng = createRng((seed ^ 0x5a3e1) >>> 0);
  const z = randomNormal(rng, [n, latentDim]);
  // one class per column when the grid has numClasses columns
  const labels = numClasses ? tf.tensor1d(Array.from({ length: n }, (_, i) => i % numClasses), 'int32') : undefined;
  return { z, labels, count: n };
}
