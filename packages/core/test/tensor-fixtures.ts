// Shared by the layer tests that compare a layer with the tfjs ops or layer it replaces.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

/** Every element of got within tol (relative above 1, absolute below) of want, shapes equal. */
export function assertClose(got: tf.Tensor, want: tf.Tensor, what: string, tol = 2e-5): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const [g, w] = [got.dataSync(), want.dataSync()];
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(g[i] - w[i]) <= tol * Math.max(1, Math.abs(w[i])), `${what} [${i}]: ${g[i]} vs ${w[i]}`);
  }
}

/** Deterministic values in (-2, 2) times scale, plus offset (a linear congruential sequence from seed). */
export function tensor(shape: number[], seed: number, scale = 1, offset = 0): tf.Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2) * scale + offset), shape);
}
