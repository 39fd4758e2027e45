// What super-resolution is measured against, and how its training pairs are made. Browser-safe.
// - Low-resolution images are area averages of the high-resolution ones (scale x scale block means), the
//   way emoji:<style>:16 is made from the 64 px emoji, so that pairs from any image folder are made alike.
// - The floors: 'area' (each low-res pixel repeated over its block: the exact inverse of the averaging's
//   footprint, i.e. nearest neighbour), 'bilinear' and 'bicubic'. Both interpolations are separable and
//   written as two products with fixed [out, in] matrices (tf.matMul runs natively on the torch backend,
//   and there is no bicubic resize in tfjs). Sampling follows half-pixel centres (x_in = (x_out + 0.5) /
//   scale - 0.5), edge pixels repeated. Bicubic is Keys' cubic with a = -0.5 (MATLAB's imresize and PIL;
//   PyTorch and OpenCV use -0.75); bilinear equals tf.image.resizeBilinear with halfPixelCenters.
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../../data/dataset.js';
import { resizeImage } from '../../data/images.js';
import type { PairedDataset } from '../../data/paired.js';
import { NearestUpsampling2D } from '../../layers/upsample.js';

export const UPSAMPLING_FLOORS = ['area', 'bilinear', 'bicubic'] as const;
export type UpsamplingFloor = (typeof UPSAMPLING_FLOORS)[number];

/** Keys (1981) cubic convolution kernel with parameter a. */
export function cubicKernel(t: number, a = -0.5): number {
  const x = Math.abs(t);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return a * (((x - 5) * x + 8) * x - 4);
  return 0;
}

const linearKernel = (t: number) => Math.max(0, 1 - Math.abs(t));

/** The [outN, inN] matrix of a 1-D resampling by `kernel` (support 2 for cubic, 1 for linear), edges repeated. */
export function resampleMatrix(inN: number, outN: number, kernel: (t: number) => number, support: number): Float32Array {
  const m = new Float32Array(outN * inN);
  const scale = outN / inN;
  for (let o = 0; o < outN; o++) {
    const centre = (o + 0.5) / scale - 0.5;
    for (let i = Math.floor(centre) - support + 1; i <= Math.floor(centre) + support; i++) {
      const weight = kernel(centre - i);
      if (weight !== 0) m[o * inN + Math.min(Math.max(i, 0), inN - 1)] += weight;
    }
  }
  return m;
}

// y[n, oy, ox, c] = sum_iy,ix A[oy, iy] B[ox, ix] x[n, iy, ix, c], as two matrix products.
function separable(x: tf.Tensor4D, a: Float32Array, b: Float32Array, outH: number, outW: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const rows = tf.matMul(tf.tensor2d(a, [outH, h]), tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]));
    const byColumn = tf.transpose(tf.reshape(rows, [outH, n, w, c]), [2, 1, 0, 3]);
    const cols = tf.matMul(tf.tensor2d(b, [outW, w]), tf.reshape(byColumn, [w, n * outH * c]));
    return tf.transpose(tf.reshape(cols, [outW, n, outH, c]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** Images [N, h, w, C] upscaled by an integer factor with one of the floors. */
export function upsampleImages(x: tf.Tensor4D, scale: number, method: UpsamplingFloor): tf.Tensor4D {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`upsampleImages: scale must be a positive integer, got ${scale}`);
  const [, h, w] = x.shape;
  if (method === 'area') return tf.tidy(() => new NearestUpsampling2D({ scale }).apply(x) as tf.Tensor4D);
  if (method !== 'bilinear' && method !== 'bicubic') throw new Error(`upsampleImages: method must be one of ${UPSAMPLING_FLOORS.join(', ')}, got ${String(method)}`);
  const [kernel, support] = method === 'bicubic' ? [(t: number) => cubicKernel(t), 2] : [linearKernel, 1];
  return separable(x, resampleMatrix(h, h * scale, kernel, support), resampleMatrix(w, w * scale, kernel, support), h * scale, w * scale);
}

/** The high-resolution images' scale x scale block means (sides must divide). */
export function areaDownsample(images: ArrayDataset, scale: number): ArrayDataset {
  const [h, w, c] = images.itemShape;
  if (images.itemShape.length !== 3 || h % scale !== 0 || w % scale !== 0) {
    throw new Error(`areaDownsample: images [${images.itemShape}] must be [H, W, C] with H and W divisible by ${scale}`);
  }
  const [lh, lw] = [h / scale, w / scale];
  const size = h * w * c;
  const values = new Float32Array(images.count * lh * lw * c);
  for (let i = 0; i < images.count; i++) {
    values.set(resizeImage(images.values.subarray(i * size, (i + 1) * size), h, w, c, lh, lw, 'area'), i * lh * lw * c);
  }
  return { ...images, name: `${images.name} /${scale}`, itemShape: [lh, lw, c], values };
}

/** Super-resolution pairs: source = the area-averaged low-resolution image, target = the image itself. */
export function superResolutionPairs(highRes: ArrayDataset, scale: number, names?: string[]): PairedDataset {
  return {
    name: `${highRes.name} x${scale}`, source: areaDownsample(highRes, scale), target: highRes,
    names: names ?? Array.from({ length: highRes.count }, (_, i) => String(i)),
  };
}
