import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gaussianBlur, imageL1, imagePsnr, imageSsim, pairedImageMetrics, type ImageValues } from '../src/metrics/index.js';
import { createRng } from '../src/random.js';
import { python, scipyMissing } from './metrics-python.js';

// Images in [-1, 1] with structure (a smooth gradient per image) and per-pixel noise, and targets that
// differ from them by a smaller noise, clipped to [-1, 1] as generator outputs are.
type F32Images = ImageValues & { values: Float32Array };
function pair(seed: number, shape: [number, number, number, number], noise = 0.2): { x: F32Images; y: F32Images } {
  const rng = createRng(seed);
  const [n, h, w, c] = shape;
  const x = new Float32Array(n * h * w * c);
  const y = new Float32Array(x.length);
  const clip = (v: number) => Math.max(-1, Math.min(1, v));
  for (let i = 0; i < x.length; i++) {
    const p = Math.floor(i / c) % (h * w);
    x[i] = clip(0.8 * Math.sin((p % w) / 5 + Math.floor(p / w) / 7 + (i % c)) + 0.3 * rng.normal());
    y[i] = clip(x[i] + noise * rng.normal());
  }
  return { x: { values: x, shape }, y: { values: y, shape } };
}

// The reference: numpy for L1 and PSNR; SSIM written out from Wang et al. with scipy.ndimage.gaussian_filter
// (sigma 1.5, truncate 3.5: radius 5, the 11 x 11 window), population (co)variances, the 5 px border
// cropped before the mean, per channel then averaged: skimage's structural_similarity(gaussian_weights=True,
// use_sample_covariance=False), which this machine does not have.
const REFERENCE = `
from scipy.ndimage import gaussian_filter
shape = D['shape']
x = np.array(D['x'], dtype=np.float64).reshape(shape)
y = np.array(D['y'], dtype=np.float64).reshape(shape)
lo, hi = D['range']
R = hi - lo
f = lambda a: gaussian_filter(a, 1.5, truncate=3.5)
def ssim_plane(a, b):
    # on [0, 1], data range 1, as papers compute it on 8-bit images
    a, b = (a - lo) / R, (b - lo) / R
    ua, ub = f(a), f(b)
    va, vb, vab = f(a * a) - ua * ua, f(b * b) - ub * ub, f(a * b) - ua * ub
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = (2 * ua * ub + c1) * (2 * vab + c2) / ((ua ** 2 + ub ** 2 + c1) * (va + vb + c2))
    return s[5:-5, 5:-5].mean()
mse = ((x - y) ** 2).mean(axis=(1, 2, 3))
print(json.dumps({
  "l1": np.abs(x - y).mean(axis=(1, 2, 3)).tolist(),
  "psnr": (10 * np.log10(R ** 2 / mse)).tolist(),
  "ssim": [float(np.mean([ssim_plane(x[i, :, :, c], y[i, :, :, c]) for c in range(shape[3])])) for i in range(shape[0])],
}))
`;

function closeAll(actual: Float64Array, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: count`);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i] - v) <= tol * (1 + Math.abs(v)), `${what}[${i}]: ${actual[i]} vs ${v}`));
}

for (const [label, shape, range] of [
  ['64 x 64 RGB in [-1, 1]', [3, 64, 64, 3], [-1, 1]],
  ['non-square, 1 channel', [2, 13, 21, 1], [-1, 1]],
  ['bytes in [0, 255]', [2, 20, 17, 3], [0, 255]],
] as const) {
  test(`image-quality: L1, PSNR and SSIM agree with numpy/scipy (${label})`, { skip: scipyMissing }, () => {
    const unit = pair(shape[1] + shape[3], [...shape], 0.2);
    const toBytes = (v: ImageValues): ImageValues => ({ values: v.values.map((p) => (p + 1) * 127.5), shape: v.shape });
    const { x, y } = range[1] === 255 ? { x: toBytes(unit.x), y: toBytes(unit.y) } : unit;
    const ref = python<{ l1: number[]; psnr: number[]; ssim: number[] }>(REFERENCE, { x: x.values, y: y.values, shape, range });
    const m = pairedImageMetrics(x, y, { valueRange: range });
    closeAll(m.l1.perImage, ref.l1, 1e-12, 'L1');
    closeAll(m.psnr.perImage, ref.psnr, 1e-10, 'PSNR');
    closeAll(m.ssim.perImage, ref.ssim, 1e-10, 'SSIM');
    assert.ok(Math.abs(m.ssim.mean - ref.ssim.reduce((a, v) => a + v, 0) / ref.ssim.length) < 1e-10, 'SSIM mean');
    // SSIM must actually be below 1 here, or the comparison would not test much
    assert.ok(m.ssim.mean < 0.99, `SSIM ${m.ssim.mean}`);
    if (range[1] === 255) {
      // the same images as bytes: PSNR and SSIM must not change
      const same = pairedImageMetrics(unit.x, unit.y);
      closeAll(m.ssim.perImage, Array.from(same.ssim.perImage), 1e-7, 'SSIM in [-1, 1] vs bytes'); // bytes rounded to float32
      closeAll(m.psnr.perImage, Array.from(same.psnr.perImage), 1e-7, 'PSNR in [-1, 1] vs bytes');
    }
  });
}

test('image-quality: tensors give the same numbers as arrays; SSIM falls and PSNR falls as the noise grows', () => {
  const small = pair(1, [2, 16, 16, 3], 0.05);
  const big = pair(1, [2, 16, 16, 3], 0.4);
  const tx = tf.tensor4d(small.x.values, small.x.shape);
  const ty = tf.tensor4d(small.y.values, small.y.shape);
  assert.deepEqual(imageSsim(tx, ty).perImage, imageSsim(small.x, small.y).perImage);
  assert.deepEqual(imagePsnr(tx, ty).perImage, imagePsnr(small.x, small.y).perImage);
  tf.dispose([tx, ty]);
  assert.ok(imageSsim(big.x, big.y).mean < imageSsim(small.x, small.y).mean);
  assert.ok(imagePsnr(big.x, big.y).mean < imagePsnr(small.x, small.y).mean);
  assert.ok(imageL1(big.x, big.y).mean > imageL1(small.x, small.y).mean);
});

test('image-quality: identical images give SSIM 1, L1 0 and PSNR Infinity; constant images SSIM 1', () => {
  const { x } = pair(3, [2, 12, 12, 3]);
  const m = pairedImageMetrics(x, x);
  for (const v of m.ssim.perImage) assert.ok(Math.abs(v - 1) < 1e-12, `SSIM ${v}`);
  assert.deepEqual(Array.from(m.l1.perImage), [0, 0]);
  assert.deepEqual(Array.from(m.psnr.perImage), [Infinity, Infinity]);
  assert.equal(m.psnr.mean, Infinity);
  const flat: ImageValues = { values: new Float32Array(11 * 11 * 3).fill(0.5), shape: [1, 11, 11, 3] };
  assert.equal(imageSsim(flat, flat).mean, 1);
});

test('image-quality: errors name the shapes, the window and the range', () => {
  const a = pair(4, [2, 16, 16, 3]).x;
  const b = pair(4, [2, 16, 12, 3]).x;
  assert.throws(() => imageSsim(a, b), /imageSsim: images \[2, 16, 16, 3\] and targets \[2, 16, 12, 3\] differ in shape/);
  assert.throws(() => imageL1(a, pair(4, [1, 16, 16, 3]).x), /imageL1: images \[2, 16, 16, 3\] and targets \[1, 16, 16, 3\]/);
  assert.throws(() => imagePsnr(a, { values: a.values.subarray(1), shape: a.shape }), /imagePsnr targets: 1535 values for shape \[2, 16, 16, 3\]/);
  const tiny = pair(4, [1, 10, 16, 3]).x;
  assert.throws(() => imageSsim(tiny, tiny), /images of 10 x 16 are smaller than the 11 x 11 window/);
  assert.throws(() => imagePsnr(a, a, { valueRange: [1, 1] }), /valueRange must be \[min, max\] with min < max, got \[1, 1\]/);
  const t3 = tf.zeros([2, 16, 16]);
  assert.throws(() => imageL1(t3 as unknown as tf.Tensor4D, a), /imageL1 images: images must be \[N, H, W, C\], got shape \[2, 16, 16\]/);
  t3.dispose();
});

test('gaussianBlur agrees with scipy.ndimage.gaussian_filter (reflect edges, truncate 4)', { skip: scipyMissing }, () => {
  const { x } = pair(5, [2, 14, 18, 3]);
  for (const sigma of [0.7, 2]) {
    const ref = python<number[]>(`
from scipy.ndimage import gaussian_filter
x = np.array(D['x'], dtype=np.float64).reshape(D['shape'])
print(json.dumps(gaussian_filter(x, (0, D['sigma'], D['sigma'], 0)).reshape(-1).tolist()))
`, { x: x.values, shape: x.shape, sigma });
    const out = gaussianBlur(x, sigma).values;
    ref.forEach((v, i) => assert.ok(Math.abs(out[i] - v) < 1e-6, `sigma ${sigma} value ${i}: ${out[i]} vs ${v}`));
  }
});
