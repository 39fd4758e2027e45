// Translating with a trained pix2pix G, and scoring translations against the true targets. As the
// authors' test.py (without --eval), G runs in training mode: batch norm on each image's own
// statistics (their test batch is 1 image) and dropout on, its masks drawn from a seeded RNG so that a
// translation is repeatable.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ArrayDataset } from '../../data/dataset.js';
import type { PairedDataset } from '../../data/paired.js';
import { datasetImages, pairedImageMetrics } from '../../metrics/image-quality.js';
import { createRng } from '../../random.js';
import { withSeededMathRandom } from '../../train/seeded-math-random.js';

export interface TranslateOptions {
  /** seeds the dropout masks, default 0 */
  seed?: number;
}

/** G(x) for every image of `images` ([N, H, W, C] values in [-1, 1]), one image per forward pass. */
export function translateImages(generator: tfl.LayersModel, images: ArrayDataset, o: TranslateOptions = {}): tf.Tensor4D {
  const rng = createRng(o.seed ?? 0);
  const [h, w, c] = images.itemShape;
  if (images.itemShape.length !== 3) throw new Error(`translateImages: images must be [H, W, C], got [${images.itemShape}]`);
  const size = h * w * c;
  const outputs: tf.Tensor[] = [];
  try {
    for (let i = 0; i < images.count; i++) {
      outputs.push(tf.tidy(() => withSeededMathRandom(rng, () =>
        generator.apply(tf.tensor4d(images.values.subarray(i * size, (i + 1) * size), [1, h, w, c]), { training: true }) as tf.Tensor)));
    }
    return tf.concat(outputs, 0) as tf.Tensor4D;
  } finally {
    tf.dispose(outputs);
  }
}

/** Mean L1, PSNR and SSIM (metrics/image-quality.ts) of G's translations of pairs' sources against their targets. */
export function translationMetrics(generator: tfl.LayersModel, pairs: PairedDataset, o: TranslateOptions = {}): { l1: number; psnr: number; ssim: number; count: number } {
  const output = translateImages(generator, pairs.source, o);
  try {
    const t = pairs.target;
    const m = pairedImageMetrics(output, datasetImages(t));
    return { l1: m.l1.mean, psnr: m.psnr.mean, ssim: m.ssim.mean, count: t.count };
  } finally {
    output.dispose();
  }
}
