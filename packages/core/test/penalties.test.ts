import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { clipWeights, createRng, gradientPenalty, r1Penalty } from '../src/index.js';

await tf.setBackend('cpu');

test('gradient penalty of a linear critic is weight * (|w| - 1)^2 whatever the interpolation', () => {
  const w = tf.tensor2d([0.6, -1.2, 2.0], [3, 1]);
  const critic = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
  const real = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
  const fake = tf.randomNormal([8, 3], 0, 1, 'float32', 2);
  const norm = Math.hypot(0.6, -1.2, 2.0);
  const gp = gradientPenalty(critic, real, fake, createRng(1), 10).dataSync()[0];
  assert.ok(Math.abs(gp - 10 * (norm - 1) ** 2) < 1e-4, `${gp}`);
  assert.throws(() => gradientPenalty(critic, real, tf.zeros([4, 3]), createRng(1)), /same shape/);
});

test('gradient penalty interpolates per sample with rng-drawn epsilon (quadratic critic)', () => {
  // critic(x) = sum(x^2) / 2 -> grad = x_hat; with real = 0, x_hat = eps * fake
  const critic = (x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(x), 1));
  const fake = tf.tensor2d([[3, 4], [0, 1]]);
  const gp = gradientPenalty(critic, tf.zeros([2, 2]), fake, createRng(5), 1).dataSync()[0];
  const rng = createRng(5);
  const eps = [rng.next(), rng.next()];
  const expected = ((5 * eps[0] - 1) ** 2 + (1 * eps[1] - 1) ** 2) / 2;
  assert.ok(Math.abs(gp - expected) < 1e-5, `${gp} vs ${expected}`);
});

test('R1 penalty is gamma/2 * mean squared input-gradient norm on reals', () => {
  const critic = (x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(x), 1)); // grad = x
  const real = tf.tensor2d([[1, 2], [3, 0]]);
  const r1 = r1Penalty(critic, real, 4).dataSync()[0];
  assert.ok(Math.abs(r1 - 2 * ((1 + 4) + 9) / 2) < 1e-5, `${r1}`);
});

test('clipWeights clamps every trainable weight and leaves small ones alone', () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] });
  model.setWeights([tf.tensor2d([[0.5, -0.001], [0.002, -3]]), tf.tensor1d([0.004, 7])]);
  clipWeights(model, 0.01);
  const [k, b] = model.getWeights().map((t) => Array.from(t.dataSync()));
  assert.deepEqual(k.map((v) => Math.round(v * 1e4) / 1e4), [0.01, -0.001, 0.002, -0.01]);
  assert.deepEqual(b.map((v) => Math.round(v * 1e4) / 1e4), [0.004, 0.01]);
  assert.throws(() => clipWeights(model, 0), /positive limit/);
});
