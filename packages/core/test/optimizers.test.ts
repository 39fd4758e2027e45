// core's adam(): on cpu it is tf.AdamOptimizer's own update; on the torch backend one fused native
// kernel, which must agree with tf.train.adam within float32 rounding, keep tensors that share a
// variable's data unchanged, and save/restore the same state layout as tfjs Adam.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs' gradients

import { ADAM_UPDATE_KERNEL, adam, FusedAdamOptimizer } from '../src/optimizers.js';

const torchAvailable = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);

interface Run { weights: Float32Array[]; slots: Float32Array[]; scalars: number[] }

/** Trains two variables (one without a gradient in the second minimize) for a few steps. */
function train(makeOptimizer: () => tf.Optimizer, steps: number, seed: number): Run {
  const w = tf.tidy(() => tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', seed), true, `w${seed}`));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([3], 0, 1, 'float32', seed + 1), true, `b${seed}`));
  const x = tf.randomNormal([8, 5], 0, 1, 'float32', seed + 2);
  const opt = makeOptimizer();
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.mean(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar, false, [w, b])?.dispose();
    // a step where only w gets a gradient
    opt.minimize(() => tf.sum(tf.sigmoid(w)) as tf.Scalar, false, [w])?.dispose();
  }
  const slotVars = Object.values(opt).filter((v): v is tf.Variable => v instanceof tf.Variable);
  const adamSlots = opt as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] };
  const run: Run = {
    weights: [w.dataSync() as Float32Array, b.dataSync() as Float32Array],
    slots: [...adamSlots.accumulatedFirstMoment, ...adamSlots.accumulatedSecondMoment].map((s) => s.variable.dataSync() as Float32Array),
    scalars: slotVars.map((v) => v.dataSync()[0]),
  };
  tf.dispose([w, b, x]);
  opt.dispose();
  return run;
}

function assertClose(actual: Float32Array, expected: Float32Array, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= tol * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('adam() on cpu is bit-identical to tf.train.adam (same ops)', async () => {
  await tf.setBackend('cpu');
  assert.equal(tf.getKernel(ADAM_UPDATE_KERNEL, 'cpu'), undefined);
  const ours = train(() => adam(0.01, 0.5, 0.9), 5, 1);
  const theirs = train(() => tf.train.adam(0.01, 0.5, 0.9), 5, 1);
  assert.deepEqual(ours, theirs);
});

test('adam() fused on torch trains like tf.train.adam on cpu (within float32 rounding)', { skip: !torchAvailable }, async () => {
  await tf.setBackend('cpu');
  const reference = train(() => tf.train.adam(0.01, 0.5, 0.9), 6, 3);
  await tf.setBackend('torch');
  assert.ok(tf.getKernel(ADAM_UPDATE_KERNEL, 'torch') != null, 'the torch backend registers the fused kernel');
  const before = tf.memory().numTensors;
  const fused = train(() => adam(0.01, 0.5, 0.9), 6, 3);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  // The native update does tfjs' float32 operations in tfjs' order; the forward and backward
  // kernels differ from cpu in the last bits, so the weights are compared with a tolerance and a
  // single update on identical inputs exactly (below).
  reference.weights.forEach((w, i) => assertClose(fused.weights[i], w, 2e-5, `weight ${i}`));
  reference.slots.forEach((s, i) => assertClose(fused.slots[i], s, 2e-5, `slot ${i}`));
  assert.deepEqual(fused.scalars, reference.scalars, 'beta powers are the same float32 products');
  await tf.setBackend('cpu');
});

test('one fused update on given gradients is bit-identical to tf.train.adam on cpu', { skip: !torchAvailable }, async () => {
  const update = async (backend: string, makeOptimizer: () => tf.Optimizer): Promise<Float32Array[]> => {
    await tf.setBackend(backend);
    const w = tf.tidy(() => tf.variable(tf.randomNormal([64, 33], 0, 1, 'float32', 7), true, 'exact-w'));
    const grads = [0, 1, 2].map((k) => tf.randomNormal([64, 33], 0, 10 ** -k, 'float32', 8 + k));
    const opt = makeOptimizer();
    const history: Float32Array[] = [];
    for (const g of grads) {
      opt.applyGradients({ 'exact-w': g });
      history.push(w.dataSync() as Float32Array);
    }
    tf.dispose([w, ...grads]);
    opt.dispose();
    return history;
  };
  const reference = await update('cpu', () => tf.train.adam(0.01, 0.5, 0.9));
  const fused = await update('torch', () => adam(0.01, 0.5, 0.9));
  assert.deepEqual(fused, reference);
  await tf.setBackend('cpu');
});

test('the fused update leaves tensors that share a variable\'s data unchanged', { skip: !torchAvailable }, async () => {
  await tf.setBackend('torch');
  const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'shared-w');
  const alias = tf.clone(w); // same dataId as w (Identity shares data)
  const view = tf.reshape(w, [3, 1]); // a native view of w's storage
  const opt = adam(0.1);
  opt.applyGradients({ 'shared-w': tf.ones([3]) });
  assert.deepEqual([...alias.dataSync()], [1, 2, 3]);
  assert.deepEqual([...view.dataSync()], [1, 2, 3]);
  assertClose(w.dataSync() as Float32Array, new Float32Array([0.9, 1.9, 2.9]), 1e-6, 'w after one step');
  tf.dispose([alias, view]);
  // now w is alone: updated in place, the result must still be right
  opt.applyGradients({ 'shared-w': tf.ones([3]) });
  assertClose(w.dataSync() as Float32Array, new Float32Array([0.8, 1.8, 2.8]), 1e-5, 'w after two steps');
  opt.dispose();
  w.dispose();
  await tf.setBackend('cpu');
});

test('getWeights()/setWeights() keep tfjs Adam\'s layout, and state moves between the two', { skip: !torchAvailable }, async () => {
  await tf.setBackend('torch');
  const w = tf.variable(tf.tensor1d([0.5, -1]), true, 'layout-w');
  const loss = (): tf.Scalar => tf.sum(tf.square(w));
  const fused = new FusedAdamOptimizer(0.05, 0.8, 0.95);
  for (let i = 0; i < 3; i++) fused.minimize(loss)?.dispose();
  const saved = await fused.getWeights();
  assert.deepEqual(saved.map((s) => s.name), ['iter', 'layout-w/m', 'layout-w/v']);
  // continue with tfjs Adam from the saved state: same next update as the fused optimizer
  const plain = tf.train.adam(0.05, 0.8, 0.95);
  await plain.setWeights(saved.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) })));
  const start = tf.clone(w);
  fused.minimize(loss)?.dispose();
  const fusedNext = w.dataSync().slice() as Float32Array;
  w.assign(start);
  plain.minimize(loss)?.dispose();
  assertClose(w.dataSync() as Float32Array, fusedNext, 1e-5, 'next update');
  tf.dispose([w, start]);
  fused.dispose();
  plain.dispose();
  await tf.setBackend('cpu');
});

test('a fused update after setWeights uses the restored beta powers, not the ones it last wrote', { skip: !torchAvailable }, async () => {
  await tf.setBackend('torch');
  const w = tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'rewind-w');
  const loss = (): tf.Scalar => tf.sum(tf.square(w));
  const opt = new FusedAdamOptimizer(0.05, 0.8, 0.95);
  opt.minimize(loss)?.dispose();
  const afterOne = { w: tf.clone(w), state: (await opt.getWeights()).map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) })) };
  opt.minimize(loss)?.dispose();
  const afterTwo = w.dataSync().slice() as Float32Array;
  for (let i = 0; i < 3; i++) opt.minimize(loss)?.dispose();
  // rewind to step one and redo step two: with stale beta powers (step five's) this update would differ
  w.assign(afterOne.w);
  await opt.setWeights(afterOne.state);
  opt.minimize(loss)?.dispose();
  assertClose(w.dataSync() as Float32Array, afterTwo, 1e-6, 'step two redone');
  tf.dispose([w, afterOne.w, ...afterOne.state.map((s) => s.tensor)]);
  opt.dispose();
  await tf.setBackend('cpu');
});
