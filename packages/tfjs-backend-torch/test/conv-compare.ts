// Shared by the conv/pool/norm/image tests: run the same tfjs computation on the torch backend and
// on tfjs's own cpu backend (the independent reference) and compare.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';  // registers tfjs's gradients
import '../src/index.js';

import { fallbackCounts, nativeKernels, resetFallbackCounts } from '../src/index.js';

export { tf };

/** Seeded uniform generator (mulberry32) so that failures reproduce. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randInt = (rand: () => number, lo: number, hi: number): number =>
  lo + Math.floor(rand() * (hi - lo + 1));
export const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

/** Values in [-1, 1) for a tensor of the given shape. */
export function randomValues(rand: () => number, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => 2 * rand() - 1);
}

/** Runs fn on a backend and returns every output's values (tensors disposed). */
export async function runOn(backend: 'torch' | 'cpu', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

/** max |a - b| / max |b|, failing with the label and the worst index. */
export function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, label: string): number {
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} values vs ${expected.length}`);
  let scale = 1e-6;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < actual.length; i++) {
    // Identical values (infinities, NaN from an all-padding window) count as agreement.
    const same = Object.is(actual[i], expected[i]) || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]));
    const err = same ? 0 : Math.abs(actual[i] - expected[i]);
    if (!(err <= worst)) { worst = err; worstAt = i; }
  }
  const relative = worst / scale;
  assert.ok(relative <= tolerance,
    `${label}: relative error ${relative.toExponential(2)} at ${worstAt} (${actual[worstAt]} vs ${expected[worstAt]})`);
  return relative;
}

/** Compares fn's outputs on torch against cpu; `mustBeNative` kernels may not use the cpu fallback. */
export async function compareBackends(fn: () => tf.Tensor | tf.Tensor[], tolerance: number, label: string,
  mustBeNative: string[] = []): Promise<void> {
  const expected = await runOn('cpu', fn);
  resetFallbackCounts();
  const actual = await runOn('torch', fn);
  const fellBack = mustBeNative.filter((name) => (fallbackCounts()[name] ?? 0) > 0);
  assert.deepEqual(fellBack, [], `${label}: ran on the cpu fallback`);
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assertClose(a, expected[i], tolerance, `${label} [output ${i}]`));
}

/** Asserts that these kernels run natively (not through the cpu fallback). */
export function assertNative(...kernelNames: string[]): void {
  const native = new Set(nativeKernels());
  for (const name of kernelNames) assert.ok(native.has(name), `${name} is not a native torch kernel`);
}

export const TOLERANCE = 1e-4;
