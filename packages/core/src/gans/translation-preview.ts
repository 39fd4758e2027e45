// The sample grids of a translation run (pix2pix, CycleGAN, DiscoGAN), written by the loop every sampleEvery
// steps and shown by the studio: triplets of the first images of the training data, input | output | third
// (pix2pix: the true target; unpaired: the translation back), two triplets per grid row. Fixed images and
// a fixed dropout seed, so the grids of a run compare step to step; the run's RNG is never drawn from.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ArrayDataset } from '../data/dataset.js';
import { createRng } from '../random.js';
import { withSeededMathRandom } from '../train/seeded-math-random.js';

/** Grid columns of a triplet preview: two triplets per row. */
export const TRIPLET_COLUMNS = 6;

/** The first `count` images of a dataset, [count, H, W, C]. */
export function firstImages(images: ArrayDataset, count: number): tf.Tensor4D {
  const [h, w, c] = images.itemShape;
  const n = Math.min(count, images.count);
  return tf.tensor4d(images.values.subarray(0, n * h * w * c), [n, h, w, c]);
}

/** G(x) as `gantry translate` runs it: training mode, dropout masks from `seed`. */
export function translateForPreview(generator: tfl.LayersModel, x: tf.Tensor, seed: number): tf.Tensor4D {
  return withSeededMathRandom(createRng(seed), () => generator.apply(x, { training: true }) as tf.Tensor4D);
}

/** [a0, b0, c0, a1, b1, c1, ...] from three batches of the same shape. */
export function triplets(a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, ch] = a.shape;
  return tf.reshape(tf.stack([a, b, c], 1), [3 * n, h, w, ch]);
}
