// Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
// Training"): D sees real and fake images through the same random policy of colour, translation and cutout,
// and G is trained through the augmentation (every transform here is differentiable in the image), so D
// cannot memorise a small training set and G is not taught to produce augmented images.
// Transforms as in the paper's reference code, for NHWC images in [-1, 1]:
//   colour:      brightness + U(-0.5, 0.5); saturation (x - channel mean) * U(0, 2); contrast (x - mean) * U(0.5, 1.5)
//   translation: an integer shift of up to 1/8 of the side in each axis, zero filled
//   cutout:      a zeroed square of half the side at a random centre
// Every random number comes from the caller's Rng (so training resumes exactly). Browser-safe.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';

export const DIFF_AUGMENT_TRANSFORMS = ['color', 'translation', 'cutout'] as const;
export type DiffAugmentTransform = (typeof DIFF_AUGMENT_TRANSFORMS)[number];

/** One draw of the policy's random parameters for a batch: apply it to any images of that shape. */
export interface Augmentation {
  apply(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/** Parses 'color,translation,cutout' (the default when empty), naming `what` in the error. */
export function parseDiffAugmentPolicy(text: string, what = 'DiffAugment policy'): DiffAugmentTransform[] {
  const names = text.trim() === '' ? [...DIFF_AUGMENT_TRANSFORMS] : text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(DIFF_AUGMENT_TRANSFORMS as readonly string[]).includes(n)) {
      throw new Error(`${what}: unknown transform "${n}" (known: ${DIFF_AUGMENT_TRANSFORMS.join(', ')})`);
    }
  }
  return names as DiffAugmentTransform[];
}

/** A transform of one draw, and the tensors it holds until the augmentation is disposed. */
interface Transform { f: (x: tf.Tensor) => tf.Tensor; held: tf.Tensor[] }

function uniform(rng: Rng, n: number, lo: number, hi: number): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next()), [n, 1, 1, 1]);
}

/** Per-example shift matrices [N, S, S]: row i picks source i - shift (zero when outside). */
function shiftMatrices(shifts: number[], size: number): tf.Tensor3D {
  const m = new Float32Array(shifts.length * size * size);
  shifts.forEach((s, n) => {
    for (let i = 0; i < size; i++) {
      const j = i - s;
      if (j >= 0 && j < size) m[n * size * size + i * size + j] = 1;
    }
  });
  return tf.tensor3d(m, [shifts.length, size, size]);
}

function colorTransform(rng: Rng, n: number): Transform {
  const brightness = uniform(rng, n, -0.5, 0.5);
  const saturation = uniform(rng, n, 0, 2);
  const contrast = uniform(rng, n, 0.5, 1.5);
  const f = (x: tf.Tensor) => {
    let y = tf.add(x, brightness);
    const channelMean = tf.mean(y, 3, true);
    y = tf.add(tf.mul(tf.sub(y, channelMean), saturation), channelMean);
    const mean = tf.mean(y, [1, 2, 3], true);
    return tf.add(tf.mul(tf.sub(y, mean), contrast), mean);
  };
  return { f, held: [brightness, saturation, contrast] };
}

// Shifting rows then columns as batched matrix products keeps the transform a plain, differentiable
// kernel on every backend (no per-example gather or crop).
function translationTransform(rng: Rng, n: number, h: number, w: number): Transform {
  const shift = (size: number) => {
    const max = Math.floor(size / 8 + 0.5);
    return Array.from({ length: n }, () => rng.int(2 * max + 1) - max);
  };
  const rows = shiftMatrices(shift(h), h);
  const cols = shiftMatrices(shift(w), w);
  const f = (x: tf.Tensor) => {
    const c = x.shape[3]!;
    const byRows = tf.matMul(rows, tf.reshape(x, [n, h, w * c]) as tf.Tensor3D);
    const transposed = tf.reshape(tf.transpose(tf.reshape(byRows, [n, h, w, c]), [0, 2, 1, 3]), [n, w, h * c]);
    const byCols = tf.matMul(cols, transposed as tf.Tensor3D);
    return tf.transpose(tf.reshape(byCols, [n, w, h, c]), [0, 2, 1, 3]);
  };
  return { f, held: [rows, cols] };
}

function cutoutTransform(rng: Rng, n: number, h: number, w: number): Transform {
  const [ch, cw] = [Math.floor(h / 2 + 0.5), Math.floor(w / 2 + 0.5)];
  const mask = new Float32Array(n * h * w).fill(1);
  for (let k = 0; k < n; k++) {
    const cy = rng.int(h + (1 - (ch % 2)));
    const cx = rng.int(w + (1 - (cw % 2)));
    for (let y = Math.max(0, cy - Math.floor(ch / 2)); y < Math.min(h, cy - Math.floor(ch / 2) + ch); y++) {
      for (let x = Math.max(0, cx - Math.floor(cw / 2)); x < Math.min(w, cx - Math.floor(cw / 2) + cw); x++) mask[(k * h + y) * w + x] = 0;
    }
  }
  const m = tf.tensor4d(mask, [n, h, w, 1]);
  return { f: (x) => tf.mul(x, m), held: [m] };
}

/**
 * Draws the policy's parameters for a batch of `shape` [N, H, W, C] from rng. The returned augmentation applies
 * the same draw every time, so a penalty's inner gradient sees the images D was judged on.
 */
export function drawAugmentation(rng: Rng, shape: number[], policy: readonly DiffAugmentTransform[] = DIFF_AUGMENT_TRANSFORMS): Augmentation {
  if (shape.length !== 4) throw new Error(`DiffAugment takes [N, H, W, C] images, got [${shape.join(', ')}]`);
  const [n, h, w] = shape;
  const steps = DIFF_AUGMENT_TRANSFORMS.filter((t) => policy.includes(t)).map((t) =>
    t === 'color' ? colorTransform(rng, n) : t === 'translation' ? translationTransform(rng, n, h, w) : cutoutTransform(rng, n, h, w));
  return {
    apply(x) {
      if (x.shape.some((d, i) => d !== shape[i])) throw new Error(`DiffAugment drawn for [${shape.join(', ')}] applied to [${x.shape.join(', ')}]`);
      return tf.tidy(() => steps.reduce((y, t) => t.f(y), x));
    },
    dispose() {
      for (const t of steps) tf.dispose(t.held);
    },
  };
}

/** One-shot: `x` through a fresh draw of the policy. */
export function diffAugment(x: tf.Tensor, rng: Rng, policy: readonly DiffAugmentTransform[] = DIFF_AUGMENT_TRANSFORMS): tf.Tensor {
  const a = drawAugmentation(rng, x.shape, policy);
  try {
    return a.apply(x);
  } finally {
    a.dispose();
  }
}
