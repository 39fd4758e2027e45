// gantry's dense layer (FusedDense) and fused relu and sigmoid gradients: on cpu they must be tfjs's Dense and
// gradients exactly; on the torch backend (one GantryDense kernel per forward, GantryLeakyReluGrad and GantrySigmoidGrad in
// backward) they must give the cpu backend's numbers for outputs, gradients and the second-order
// gradients a gradient penalty takes, and actually take the fused kernels.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { dense, DENSE_KERNEL, FusedDense, LEAKY_RELU_GRAD_KERNEL, leakyReluGrad, SIGMOID_GRAD_KERNEL } from '../src/index.js';

const torchAvailable = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);

type Factory = (args: Parameters<typeof tfl.layers.dense>[0]) => tfl.layers.Layer;
const HIDDEN_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

/** dense(8, activation) -> leakyReLU(0.2) -> dense(1), seeded weights, inputs [5]. */
function critic(make: Factory, activation: (typeof HIDDEN_ACTIVATIONS)[number]): tfl.Sequential {
  const init = (seed: number) => tfl.initializers.randomNormal({ seed, stddev: 0.7 });
  return tfl.sequential({
    layers: [
      make({ units: 8, activation, inputShape: [5], kernelInitializer: init(1), biasInitializer: init(2) }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      make({ units: 1, kernelInitializer: init(3), biasInitializer: init(4) }),
    ],
  });
}

/** Output, the weights' gradients of a loss with an R1-style penalty (second order), and the input gradient. */
function outputsAndGradients(model: tfl.Sequential, x: tf.Tensor2D): Float32Array[] {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const inputGrad = tf.grad((xx: tf.Tensor) => tf.sum(model.apply(xx) as tf.Tensor));
    const { grads } = tf.variableGrads(() =>
      tf.add(tf.mean(model.apply(x) as tf.Tensor), tf.mul(10, tf.mean(tf.square(inputGrad(x))))) as tf.Scalar, vars);
    return [model.apply(x) as tf.Tensor, inputGrad(x), ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  });
}

function inputs(): tf.Tensor2D {
  // includes exact zeros of the pre-activations' inputs and both signs
  return tf.tensor2d(Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(1.3 * i) * 2)), [6, 5]);
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(...expected.map(Math.abs));
  assert.ok(scale > 1e-6, `${what}: all zero, the comparison would be vacuous`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, scale), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('FusedDense is a Dense: same config, serialised as Dense, loads back with the same weights', async () => {
  await tf.setBackend('cpu');
  const ours = critic(dense, 'relu');
  const theirs = critic(tfl.layers.dense, 'relu');
  assert.ok(ours.layers[0] instanceof FusedDense);
  assert.equal(ours.layers[0].getClassName(), 'Dense');
  const withoutName = (l: tfl.layers.Layer) => ({ ...l.getConfig(), name: undefined });
  assert.deepEqual(withoutName(ours.layers[0]), withoutName(theirs.layers[0]));
  const json = ours.toJSON(null, false) as unknown as { config: { layers: { class_name: string }[] } };
  assert.deepEqual(json.config.layers.map((l) => l.class_name), ['Dense', 'LeakyReLU', 'Dense']);
  const loaded = await tfl.models.modelFromJSON({ modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'] });
  loaded.setWeights(ours.getWeights());
  const x = inputs();
  assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), (ours.predict(x) as tf.Tensor).dataSync());
});

test('on cpu (no fused kernels) FusedDense gives tfjs Dense\'s numbers exactly, second order included', async () => {
  await tf.setBackend('cpu');
  assert.equal(tf.getKernel(DENSE_KERNEL, 'cpu'), undefined);
  for (const activation of HIDDEN_ACTIVATIONS) {
    const x = inputs();
    const ours = outputsAndGradients(critic(dense, activation), x);
    const theirs = outputsAndGradients(critic(tfl.layers.dense, activation), x);
    assert.deepEqual(ours, theirs, activation);
  }
});

test('on torch FusedDense runs GantryDense and GantryLeakyReluGrad and matches tfjs Dense on cpu', { skip: !torchAvailable }, async () => {
  for (const activation of HIDDEN_ACTIVATIONS) {
    await tf.setBackend('cpu');
    const reference = outputsAndGradients(critic(tfl.layers.dense, activation), inputs());
    await tf.setBackend('torch');
    const model = critic(dense, activation);
    const x = inputs();
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => { outputsAndGradients(model, x); });
    assert.equal(tf.memory().numTensors, before, `${activation}: no tensor leaked`);
    const kernels = new Set(profile.kernels.map((k) => k.name));
    assert.ok(kernels.has(DENSE_KERNEL), `${activation}: ran ${[...kernels].join(', ')}`);
    assert.ok(kernels.has(LEAKY_RELU_GRAD_KERNEL), `${activation}: leakyReLU's gradient is the fused kernel`);
    assert.ok(!kernels.has('_FusedMatMul'), `${activation}: no tfjs fused matmul left`);
    if (activation === 'sigmoid') assert.ok(kernels.has(SIGMOID_GRAD_KERNEL), 'sigmoid\'s gradient is the fused kernel');
    const ours = outputsAndGradients(model, x);
    const names = ['output', 'input gradient', 'kernel 1', 'bias 1', 'kernel 2', 'bias 2'];
    ours.forEach((values, i) => assertClose(values, reference[i], `${activation} ${names[i]}`));
    tf.dispose(x);
  }
});

test('leakyReluGrad: dy where x > 0, else alpha * dy, on torch as in the fallback ops, and as relu\'s gradient', { skip: !torchAvailable }, async () => {
  const xs = [2, 0, -1, NaN, -0, 3e-8, -3e-8, 5];
  const dys = [1, 2, 3, 4, 5, 6, 7, -8];
  const expected = (alpha: number) => xs.map((x, i) => (x > 0 ? dys[i] : Math.fround(alpha * dys[i])));
  for (const backend of ['cpu', 'torch']) {
    await tf.setBackend(backend);
    for (const alpha of [0, 0.2]) {
      const got = tf.tidy(() => leakyReluGrad(tf.tensor1d(dys), tf.tensor1d(xs), alpha).dataSync());
      assert.deepEqual(Array.from(got), expected(alpha), `${backend} alpha ${alpha}`);
    }
    // a strided (transposed) input takes the native op's general path
    const t = tf.tidy(() => leakyReluGrad(tf.ones([3, 2]), tf.transpose(tf.tensor2d([[1, -1, 2], [-2, 3, -3]])), 0.5).dataSync());
    assert.deepEqual(Array.from(t), [1, 0.5, 0.5, 1, 1, 0.5], `${backend} strided`);
  }
  await tf.setBackend('torch');
  const finite = xs.map((v) => (Number.isNaN(v) ? 1 : v));
  const reluGrad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), tf.tensor1d(dys))))(tf.tensor1d(finite)).dataSync());
  assert.deepEqual(Array.from(reluGrad), finite.map((x, i) => (x > 0 ? dys[i] : 0)));
});

test('sigmoid\'s fused gradient: first, second and third derivatives on torch match cpu\'s ops', { skip: !torchAvailable }, async () => {
  const xs = [-30, -4, -1, -0.25, 0, 0.5, 2, 7, 40];
  // d^k/dx^k sum(w * sigmoid(x)) for k = 1, 2, 3; the weights keep the upstream gradient non-trivial
  const derivatives = (): Float32Array[] => tf.tidy(() => {
    const w = tf.tensor1d(xs.map((_, i) => 1 + 0.5 * i));
    const first = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, tf.sigmoid(x))));
    const second = tf.grad((x: tf.Tensor) => tf.sum(first(x)));
    const third = tf.grad((x: tf.Tensor) => tf.sum(second(x)));
    const x = tf.tensor1d(xs);
    return [first(x), second(x), third(x)].map((t) => t.dataSync() as Float32Array);
  });
  await tf.setBackend('cpu');
  const reference = derivatives();
  await tf.setBackend('torch');
  const profile = await tf.profile(() => { derivatives(); });
  assert.ok(profile.kernels.some((k) => k.name === SIGMOID_GRAD_KERNEL), 'the fused kernel ran');
  derivatives().forEach((values, k) => assertClose(values, reference[k], `derivative ${k + 1}`));
  // and the closed forms: s', s'' = s'(1 - 2s), s''' = s'(1 - 6s + 6s^2), times the weights
  const s = xs.map((x) => 1 / (1 + Math.exp(-x)));
  const closed = [
    s.map((v, i) => (1 + 0.5 * i) * v * (1 - v)),
    s.map((v, i) => (1 + 0.5 * i) * v * (1 - v) * (1 - 2 * v)),
    s.map((v, i) => (1 + 0.5 * i) * v * (1 - v) * (1 - 6 * v + 6 * v * v)),
  ].map((a) => Float32Array.from(a));
  derivatives().forEach((values, k) => assertClose(values, closed[k], `closed form ${k + 1}`, 1e-5));
});
