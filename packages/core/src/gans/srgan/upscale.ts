// Upscaling with a trained SRResNet / SRGAN generator, and scoring any upscaler against the true images.
// G runs in inference mode (batch norm on its moving statistics, as the paper's test), a batch at a time,
// on images of any size (the generator is fully convolutional).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ArrayDataset } from '../../data/dataset.js';
import type { PairedDataset } from '../../data/paired.js';
import { datasetImages, pairedImageMetrics } from '../../metrics/image-quality.js';
import { upsampleImages, type UpsamplingFloor } from './resample.js';

export interface SuperResolutionScores { l1: number; psnr: number; ssim: number; count: number }

function batches(images: ArrayDataset, batchSize: number, f: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const [h, w, c] = images.itemShape;
  if (images.itemShape.length !== 3) throw new Error(`upscaling: images must be [H, W, C], got [${images.itemShape}]`);
  const size = h * w * c;
  const outputs: tf.Tensor[] = [];
  try {
    for (let start = 0; start < images.count; start += batchSize) {
      const n = Math.min(batchSize, images.count - start);
      outputs.push(tf.tidy(() => f(tf.tensor4d(images.values.subarray(start * size, (start + n) * size), [n, h, w, c]))));
    }
    return tf.concat(outputs, 0) as tf.Tensor4D;
  } finally {
    tf.dispose(outputs);
  }
}

/** G(x) for every image of `images` ([N, h, w, C] in [-1, 1]), in inference mode, `batchSize` (default 32) at a time. */
export function upscaleImages(generator: tfl.LayersModel, images: ArrayDataset, batchSize = 32): tf.Tensor4D {
  return batches(images, batchSize, (x) => generator.apply(x, { training: false }) as tf.Tensor4D);
}

/** The floors: area (nearest), bilinear or bicubic upscaling, clipped to [-1, 1] as an 8-bit image would be. */
export function upsampleDataset(images: ArrayDataset, scale: number, method: UpsamplingFloor, batchSize = 64): tf.Tensor4D {
  return batches(images, batchSize, (x) => tf.clipByValue(upsampleImages(x, scale, method), -1, 1) as tf.Tensor4D);
}

/** Mean L1, PSNR and SSIM (metrics/image-quality.ts) of upscaled images against the pairs' targets. */
export function superResolutionScores(output: tf.Tensor4D, pairs: PairedDataset): SuperResolutionScores {
  const t = pairs.target;
  const m = pairedImageMetrics(output, datasetImages(t));
  return { l1: m.l1.mean, psnr: m.psnr.mean, ssim: m.ssim.mean, count: t.count };
}

/**
 * The rows of a comparison grid: image i of every column side by side, for the first `rows` images
 * ([rows * columns, H, W, C], for writeImageGrid with `columns: columns.length`). Every column must have
 * one shape: show low-resolution inputs through upsampleImages(x, scale, 'area') beside the outputs.
 */
export function comparisonRows(columns: readonly tf.Tensor4D[], rows: number): tf.Tensor4D {
  const [, h, w, c] = columns[0].shape;
  for (const col of columns) {
    if (col.shape.slice(1).join() !== `${h},${w},${c}`) throw new Error(`comparisonRows: columns of [${columns[0].shape}] and [${col.shape}] differ`);
  }
  const n = Math.min(rows, ...columns.map((col) => col.shape[0]));
  return tf.tidy(() => tf.reshape(tf.stack(columns.map((col) => tf.slice(col, 0, n)), 1), [n * columns.length, h, w, c]) as tf.Tensor4D);
}
