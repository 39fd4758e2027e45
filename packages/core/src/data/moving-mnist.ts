// Moving MNIST (Srivastava, Mansimov and Salakhutdinov 2015) made from 28 x 28 digits: each sequence puts
// `digits` digits at uniform random positions of a 64 x 64 canvas, each with a random direction and a fixed
// speed, and moves them; a digit that would leave the canvas reflects off its edge (the velocity component
// flips). Digits are combined by the pixel-wise max, as the paper's generator does. Everything is drawn
// from a seeded Rng, so a seed names a set of sequences. `size` 32 is the same 64 x 64 motion, area-averaged
// 2 x 2 (a documented downscale for small machines). Values in [0, 1]. Browser-safe: the digits come in.
import type { ArrayDataset } from './dataset.js';
import { createRng, type Rng } from '../random.js';

const CANVAS = 64;
const DIGIT = 28;
/** The paper's step: 0.1 of the free range (64 - 28 = 36 px) per frame, 3.6 px. */
const STEP_FRACTION = 0.1;

export interface MovingMnistOptions {
  /** sequences to make */
  count: number;
  seed: number;
  /** frames per sequence, default 20 (10 in, 10 out) */
  frames?: number;
  /** digits per sequence, default 2 */
  digits?: number;
  /** side of the frames: 64 (default) or 32 (the 64 x 64 motion area-averaged 2 x 2) */
  size?: 64 | 32;
}

/** Frame sequences: values[((s * frames + t) * size + y) * size + x] in [0, 1]. */
export interface FrameSequences {
  count: number;
  frames: number;
  size: number;
  values: Float32Array;
}

export const MOVING_MNIST_SIZES = [64, 32] as const;

function requireDigits(bank: ArrayDataset): void {
  const [h, w, c] = bank.itemShape;
  if (h !== DIGIT || w !== DIGIT || c !== 1 || bank.count < 1) {
    throw new Error(`Moving MNIST: digits must be 28 x 28 x 1 (at least one), got ${bank.count} of [${bank.itemShape.join(', ')}] from ${bank.name}`);
  }
}

/** Draws one sequence into out (frames * 64 * 64), digits read from bank (values in [-1, 1]). */
function drawSequence(bank: ArrayDataset, rng: Rng, frames: number, digits: number, out: Float32Array): void {
  const free = CANVAS - DIGIT;
  for (let d = 0; d < digits; d++) {
    const digit = rng.int(bank.count) * DIGIT * DIGIT;
    // positions in [0, 1] of the free range, as the paper's generator keeps them
    let y = rng.next();
    let x = rng.next();
    const theta = rng.next() * 2 * Math.PI;
    let vy = Math.sin(theta) * STEP_FRACTION;
    let vx = Math.cos(theta) * STEP_FRACTION;
    for (let t = 0; t < frames; t++) {
      const top = Math.round(y * free);
      const left = Math.round(x * free);
      const frame = t * CANVAS * CANVAS;
      for (let i = 0; i < DIGIT; i++) {
        for (let j = 0; j < DIGIT; j++) {
          const v = (bank.values[digit + i * DIGIT + j] + 1) / 2;
          const k = frame + (top + i) * CANVAS + left + j;
          if (v > out[k]) out[k] = v;
        }
      }
      y += vy;
      x += vx;
      if (y < 0) { y = -y; vy = -vy; }
      if (y > 1) { y = 2 - y; vy = -vy; }
      if (x < 0) { x = -x; vx = -vx; }
      if (x > 1) { x = 2 - x; vx = -vx; }
    }
  }
}

function halve(full: Float32Array, frames: number, into: Float32Array, offset: number): void {
  const half = CANVAS / 2;
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < half; j++) {
        const k = t * CANVAS * CANVAS + 2 * i * CANVAS + 2 * j;
        into[offset + (t * half + i) * half + j] = (full[k] + full[k + 1] + full[k + CANVAS] + full[k + CANVAS + 1]) / 4;
      }
    }
  }
}

/** `count` sequences drawn with `rng` (the training loop's, so that steps draw fresh sequences reproducibly). */
export function drawMovingMnist(bank: ArrayDataset, rng: Rng, o: Omit<MovingMnistOptions, 'seed'>): FrameSequences {
  requireDigits(bank);
  const frames = o.frames ?? 20;
  const digits = o.digits ?? 2;
  const size = o.size ?? 64;
  if (!Number.isInteger(o.count) || o.count < 1) throw new Error(`Moving MNIST: count must be an integer >= 1, got ${o.count}`);
  if (!Number.isInteger(frames) || frames < 1) throw new Error(`Moving MNIST: frames must be an integer >= 1, got ${frames}`);
  if (!Number.isInteger(digits) || digits < 1) throw new Error(`Moving MNIST: digits must be an integer >= 1, got ${digits}`);
  if (!(MOVING_MNIST_SIZES as readonly number[]).includes(size)) throw new Error(`Moving MNIST: size must be 64 or 32, got ${size}`);
  const values = new Float32Array(o.count * frames * size * size);
  const full = new Float32Array(frames * CANVAS * CANVAS);
  for (let s = 0; s < o.count; s++) {
    const offset = s * frames * size * size;
    if (size === CANVAS) {
      drawSequence(bank, rng, frames, digits, values.subarray(offset, offset + frames * CANVAS * CANVAS));
    } else {
      full.fill(0);
      drawSequence(bank, rng, frames, digits, full);
      halve(full, frames, values, offset);
    }
  }
  return { count: o.count, frames, size, values };
}

/** A fixed set of sequences: the same seed and digits give the same values. */
export function movingMnist(bank: ArrayDataset, o: MovingMnistOptions): FrameSequences {
  return drawMovingMnist(bank, createRng(o.seed), o);
}

/** Sequence s's frames [from, to) as one [to - from, size, size] block (a view, not a copy). */
export function framesOf(seqs: FrameSequences, s: number, from = 0, to = seqs.frames): Float32Array {
  const area = seqs.size * seqs.size;
  const start = (s * seqs.frames + from) * area;
  return seqs.values.subarray(start, start + (to - from) * area);
}
