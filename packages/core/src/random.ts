// Seeded, serialisable random numbers. Every source of randomness in training (latent noise,
// interpolation epsilons, hint masks, shuffles) draws from an Rng so that a run is reproducible
// from its seed, and resumable from a saved state, on the same backend.
import * as tf from '@tensorflow/tfjs-core';

/** Everything needed to continue a generator's stream exactly where it stopped. JSON-safe. */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
  /** Box-Muller yields normals in pairs; the unused second one is part of the state. */
  readonly spareNormal: number | null;
}

export interface Rng {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  state(): RngState;
}

// splitmix32 spreads a small integer seed over the 128-bit state; xoshiro must not start at all zeros.
function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null;

  constructor(s: readonly [number, number, number, number], spare: number | null) {
    [this.s0, this.s1, this.s2, this.s3] = s.map((v) => v >>> 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new Error('Rng state must not be all zeros');
    this.spare = spare;
  }

  private nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0; this.s1 >>>= 0; this.s2 >>>= 0; this.s3 >>>= 0;
    return result;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int needs a positive integer bound, got ${n}`);
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    // 1 - next() lies in (0, 1], so the log is finite.
    const u1 = 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  state(): RngState {
    return { algorithm: 'xoshiro128**', s: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spare };
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`createRng needs a finite numeric seed, got ${seed}`);
  const mix = splitmix32(Math.floor(seed));
  return new Xoshiro128StarStar([mix(), mix(), mix(), mix()], null);
}

export function restoreRng(state: RngState): Rng {
  if (state?.algorithm !== 'xoshiro128**' || !Array.isArray(state.s) || state.s.length !== 4) {
    throw new Error(`restoreRng: not an xoshiro128** state: ${JSON.stringify(state)}`);
  }
  return new Xoshiro128StarStar(state.s as [number, number, number, number], state.spareNormal ?? null);
}

/** A child generator whose stream does not overlap its parent's in practice; for giving subsystems their own stream. */
export function forkRng(rng: Rng): Rng {
  const mix = splitmix32(Math.floor(rng.next() * 4294967296));
  return new Xoshiro128StarStar([mix(), mix(), mix(), mix()], null);
}

function sizeOf(shape: number[]): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape [${shape.join(', ')}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

export function randomNormal(rng: Rng, shape: number[], mean = 0, std = 1): tf.Tensor {
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * rng.normal();
  return tf.tensor(values, shape, 'float32');
}

export function randomUniform(rng: Rng, shape: number[], lo = 0, hi = 1): tf.Tensor {
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * rng.next();
  return tf.tensor(values, shape, 'float32');
}

/** Integers uniform in [0, n) as an int32 tensor (class labels for conditional sampling). */
export function randomInt(rng: Rng, shape: number[], n: number): tf.Tensor {
  const values = new Int32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.int(n);
  return tf.tensor(values, shape, 'int32');
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
