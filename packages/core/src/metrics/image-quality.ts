// Paired image metrics: a translated (or super-resolved) image against its true target, pixel by pixel.
// L1 (mean absolute error), PSNR and SSIM (Wang et al. 2004), per image and averaged over the batch.
// Plain float64 loops, not tf ops: the numbers must agree with numpy/scipy references to round-off,
// and a batch of a few hundred 64 x 64 images takes well under a second. Browser-safe.
import type * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../data/dataset.js';

/** Images [N, H, W, C] (NHWC), as a tensor (read, not disposed) or as flat values with their shape. */
export type ImageInput = tf.Tensor4D | ImageValues;
export interface ImageValues { values: Float32Array | Float64Array; shape: [number, number, number, number] }

/** A dataset of [H, W, C] images as ImageValues (its own values, not a copy). */
export function datasetImages(ds: ArrayDataset): ImageValues {
  const [h, w, c] = ds.itemShape;
  if (ds.itemShape.length !== 3) throw new Error(`dataset ${ds.name}: images must be [H, W, C], got [${ds.itemShape}]`);
  return { values: ds.values, shape: [ds.count, h, w, c] };
}

export interface PerImageMetric {
  /** one value per image, in batch order */
  perImage: Float64Array;
  /** the mean of perImage (the number papers report) */
  mean: number;
}

export interface ImageQualityOptions {
  /**
   * [min, max] of the pixel scale: [-1, 1] for gantry's images (the default), [0, 255] for bytes, [0, 1].
   * PSNR's peak is max - min (2 for [-1, 1]). SSIM is computed on the images mapped to [0, 1] (data
   * range 1), which equals SSIM on 8-bit images with range 255, as papers report it: SSIM is not
   * invariant to shifting the values (its luminance term compares the means with their magnitude), so
   * [-1, 1] taken as it is, with range 2, would give another number. L1 is in the images' own units.
   */
  valueRange?: readonly [number, number];
}

export interface SsimOptions extends ImageQualityOptions {
  /** the Gaussian window's sigma (default 1.5); its radius is round(3.5 sigma) as skimage's: 5, an 11 x 11 window */
  sigma?: number;
  k1?: number;
  k2?: number;
}

interface Batch { data: ArrayLike<number>; n: number; h: number; w: number; c: number }

function isTensor(x: ImageInput): x is tf.Tensor4D {
  return 'dataSync' in x;
}

function readBatch(x: ImageInput, what: string): Batch {
  const shape = isTensor(x) ? x.shape : x.shape;
  if (shape.length !== 4) throw new Error(`${what}: images must be [N, H, W, C], got shape [${shape.join(', ')}]`);
  const data = isTensor(x) ? x.dataSync() : x.values;
  const [n, h, w, c] = shape;
  if (data.length !== n * h * w * c) throw new Error(`${what}: ${data.length} values for shape [${shape.join(', ')}]`);
  if (n < 1) throw new Error(`${what}: the batch is empty`);
  return { data, n, h, w, c };
}

function readPair(a: ImageInput, b: ImageInput, what: string): [Batch, Batch] {
  const x = readBatch(a, `${what} images`);
  const y = readBatch(b, `${what} targets`);
  if (x.n !== y.n || x.h !== y.h || x.w !== y.w || x.c !== y.c) {
    throw new Error(`${what}: images [${x.n}, ${x.h}, ${x.w}, ${x.c}] and targets [${y.n}, ${y.h}, ${y.w}, ${y.c}] differ in shape`);
  }
  return [x, y];
}

function valueRangeOf(o: ImageQualityOptions, what: string): { lo: number; range: number } {
  const [lo, hi] = o.valueRange ?? [-1, 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new Error(`${what}: valueRange must be [min, max] with min < max, got [${lo}, ${hi}]`);
  return { lo, range: hi - lo };
}

function summarise(perImage: Float64Array): PerImageMetric {
  return { perImage, mean: perImage.reduce((s, v) => s + v, 0) / perImage.length };
}

// Per image: the mean over its pixels and channels of f(x, y).
function pixelMean(x: Batch, y: Batch, f: (d: number) => number): Float64Array {
  const size = x.h * x.w * x.c;
  return Float64Array.from({ length: x.n }, (_, i) => {
    let s = 0;
    for (let k = i * size; k < (i + 1) * size; k++) s += f(x.data[k] - y.data[k]);
    return s / size;
  });
}

/** Mean absolute error per image (pix2pix's L1 term), in the images' units. */
export function imageL1(images: ImageInput, targets: ImageInput): PerImageMetric {
  const [x, y] = readPair(images, targets, 'imageL1');
  return summarise(pixelMean(x, y, Math.abs));
}

/**
 * PSNR per image, 10 log10(R^2 / MSE) in dB with R = max - min of valueRange (2 for [-1, 1]). An image equal to its
 * target has MSE 0 and PSNR Infinity (as skimage's peak_signal_noise_ratio), so the mean is then Infinity.
 */
export function imagePsnr(images: ImageInput, targets: ImageInput, options: ImageQualityOptions = {}): PerImageMetric {
  const [x, y] = readPair(images, targets, 'imagePsnr');
  const r = valueRangeOf(options, 'imagePsnr').range;
  return summarise(pixelMean(x, y, (d) => d * d).map((mse) => (mse === 0 ? Infinity : 10 * Math.log10((r * r) / mse))));
}

/** The normalised 1-D Gaussian exp(-t^2 / 2 sigma^2), t = -radius..radius (scipy.ndimage's kernel). */
export function gaussianKernel1d(sigma: number, radius: number): Float64Array {
  const k = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const s = k.reduce((a, v) => a + v, 0);
  return k.map((v) => v / s);
}

/**
 * Separable filter of one h x w plane. 'valid': only positions whose whole window is inside, output
 * (h - 2r) x (w - 2r); 'reflect': same size, edges mirrored with the edge pixel repeated (scipy.ndimage's
 * 'reflect', its default).
 */
function filterPlane(plane: Float64Array, h: number, w: number, k: Float64Array, mode: 'valid' | 'reflect'): { out: Float64Array; h: number; w: number } {
  const r = (k.length - 1) / 2;
  const shrink = mode === 'valid' ? 2 * r : 0;
  const off = mode === 'valid' ? 0 : -r;
  const at = (i: number, n: number) => (i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i);
  const ow = w - shrink;
  const oh = h - shrink;
  const rows = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k.length; t++) s += k[t] * plane[y * w + at(x + t + off, w)];
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k.length; t++) s += k[t] * rows[at(y + t + off, h) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return { out, h: oh, w: ow };
}

/**
 * SSIM per image (Wang et al. 2004) of the images mapped to [0, 1] (see ImageQualityOptions), as skimage's
 * structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1,
 * channel_axis=-1) on them: local means, variances and covariance under an 11 x 11 Gaussian window
 * (sigma 1.5), C1 = 0.01^2, C2 = 0.03^2, the SSIM map averaged over the positions whose whole window lies
 * inside the image (skimage crops the 5 px border the same way), per channel, then over channels.
 * Images must be at least 11 x 11.
 */
export function imageSsim(images: ImageInput, targets: ImageInput, options: SsimOptions = {}): PerImageMetric {
  const [x, y] = readPair(images, targets, 'imageSsim');
  // shifting to min 0 and keeping R = max - min is the [0, 1] mapping up to a scale, which SSIM ignores
  const { lo, range: r } = valueRangeOf(options, 'imageSsim');
  const sigma = options.sigma ?? 1.5;
  const radius = Math.floor(3.5 * sigma + 0.5);
  if (x.h < 2 * radius + 1 || x.w < 2 * radius + 1) {
    throw new Error(`imageSsim: images of ${x.h} x ${x.w} are smaller than the ${2 * radius + 1} x ${2 * radius + 1} window`);
  }
  const kernel = gaussianKernel1d(sigma, radius);
  const c1 = ((options.k1 ?? 0.01) * r) ** 2;
  const c2 = ((options.k2 ?? 0.03) * r) ** 2;
  const { h, w, c } = x;
  const planes = ['x', 'y', 'xx', 'yy', 'xy'].map(() => new Float64Array(h * w));
  const perImage = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) {
    let total = 0;
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) {
        const a = x.data[(i * h * w + p) * c + ch] - lo;
        const b = y.data[(i * h * w + p) * c + ch] - lo;
        planes[0][p] = a; planes[1][p] = b; planes[2][p] = a * a; planes[3][p] = b * b; planes[4][p] = a * b;
      }
      const [mx, my, mxx, myy, mxy] = planes.map((pl) => filterPlane(pl, h, w, kernel, 'valid').out);
      let s = 0;
      for (let q = 0; q < mx.length; q++) {
        const vx = mxx[q] - mx[q] * mx[q];
        const vy = myy[q] - my[q] * my[q];
        const vxy = mxy[q] - mx[q] * my[q];
        s += ((2 * mx[q] * my[q] + c1) * (2 * vxy + c2)) / ((mx[q] * mx[q] + my[q] * my[q] + c1) * (vx + vy + c2));
      }
      total += s / mx.length;
    }
    perImage[i] = total / c;
  }
  return summarise(perImage);
}

/** The three paired metrics at once (SSIM with its default window, the same valueRange). */
export function pairedImageMetrics(images: ImageInput, targets: ImageInput, options: ImageQualityOptions = {}): { l1: PerImageMetric; psnr: PerImageMetric; ssim: PerImageMetric } {
  return { l1: imageL1(images, targets), psnr: imagePsnr(images, targets, options), ssim: imageSsim(images, targets, options) };
}

/**
 * Gaussian blur of every image and channel (scipy.ndimage.gaussian_filter with its defaults: 'reflect'
 * edges, radius round(4 sigma)); a degradation of known strength, used to check that a feature-space
 * distance grows with it.
 */
export function gaussianBlur(images: ImageInput, sigma: number): ImageValues & { values: Float32Array } {
  const x = readBatch(images, 'gaussianBlur');
  if (!(sigma > 0)) throw new Error(`gaussianBlur: sigma must be positive, got ${sigma}`);
  const radius = Math.floor(4 * sigma + 0.5);
  if (radius >= x.h || radius >= x.w) throw new Error(`gaussianBlur: sigma ${sigma} needs images larger than ${radius} px`);
  const kernel = gaussianKernel1d(sigma, radius);
  const { n, h, w, c } = x;
  const values = new Float32Array(n * h * w * c);
  const plane = new Float64Array(h * w);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) plane[p] = x.data[(i * h * w + p) * c + ch];
      const { out } = filterPlane(plane, h, w, kernel, 'reflect');
      for (let p = 0; p < h * w; p++) values[(i * h * w + p) * c + ch] = out[p];
    }
  }
  return { values, shape: [n, h, w, c] };
}
