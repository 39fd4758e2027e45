// The direct clone (src/engine-clone.ts) that saves tensors for gradients on the torch backend without an
// Identity dispatch: saves no longer run a kernel, gradients stay right at first and second order (the
// second needs the clone's tape node back to the saved input), every saved tensor and its data are freed
// after the backward pass, and tensors this backend does not hold still go through the engine's own clone.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-layers'; // registers tfjs's gradients
import * as tf from '@tensorflow/tfjs-core';
import '@gantry/tfjs-backend-torch';

/** f(x) = sum(x^3 sin(x)): Multiply saves both inputs, Sin its input. */
const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.mul(tf.mul(x, x), x), tf.sin(x)));
const VALUES = [-1.3, -0.4, 0.2, 0.9, 1.7];

/** d/dx f and d2/dx2 f in float64, by hand. */
function reference(x: number): { first: number; second: number } {
  const [sin, cos] = [Math.sin(x), Math.cos(x)];
  return { first: 3 * x * x * sin + x ** 3 * cos, second: 6 * x * sin + 6 * x * x * cos - x ** 3 * sin };
}

test('saving a tensor for a gradient runs no Identity kernel on torch', async () => {
  await tf.setBackend('torch');
  const x = tf.tensor1d(VALUES);
  const profile = await tf.profile(() => { tf.dispose(tf.grad(f)(x)); });
  const identities = profile.kernels.filter((k) => k.name === 'Identity').length;
  assert.equal(identities, 0, `${identities} Identity kernel calls`);
  assert.ok(Object.prototype.hasOwnProperty.call(tf.engine(), 'clone'), 'the engine has no own clone');
  x.dispose();
});

test('first and second derivatives through saved tensors match float64 on torch', async () => {
  await tf.setBackend('torch');
  const x = tf.tensor1d(VALUES);
  const first = tf.grad(f)(x);
  const second = tf.grad((z: tf.Tensor) => tf.sum(tf.grad(f)(z)))(x);
  const [d1, d2] = [first.dataSync(), second.dataSync()];
  VALUES.forEach((v, i) => {
    const want = reference(v);
    assert.ok(Math.abs(d1[i] - want.first) < 1e-5 * (1 + Math.abs(want.first)), `f'(${v}) = ${d1[i]}, want ${want.first}`);
    assert.ok(Math.abs(d2[i] - want.second) < 1e-4 * (1 + Math.abs(want.second)), `f''(${v}) = ${d2[i]}, want ${want.second}`);
  });
  tf.dispose([x, first, second]);
});

test('saved tensors and their data are freed after the backward pass', async () => {
  await tf.setBackend('torch');
  const x = tf.variable(tf.tensor1d(VALUES));
  const backend = tf.backend();
  const before = { tensors: tf.memory().numTensors, data: backend.numDataIds() };
  for (let i = 0; i < 3; i++) {
    tf.dispose(tf.grad(f)(x));
    tf.dispose(tf.grad((z: tf.Tensor) => tf.sum(tf.grad(f)(z)))(x));
  }
  assert.deepEqual({ tensors: tf.memory().numTensors, data: backend.numDataIds() }, before);
  x.dispose();
});

test('a tensor on another backend is saved by the engine own clone', async () => {
  await tf.setBackend('cpu');
  const x = tf.tensor1d(VALUES);
  await tf.setBackend('torch');
  const gradient = tf.grad(f)(x).dataSync();
  VALUES.forEach((v, i) => assert.ok(Math.abs(gradient[i] - reference(v).first) < 1e-5 * (1 + Math.abs(reference(v).first))));
  x.dispose();
});
