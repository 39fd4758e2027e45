import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { applyDenseNetwork, denseNetwork, denseNetworkWithFeatures, drawDenseWeights, type DenseOutputActivation } from '../src/models/dense-network.js';
import { createRng } from '../src/random.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

const squash: Record<DenseOutputActivation, (v: number) => number> = {
  linear: (v) => v, sigmoid: (v) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh,
};

test('every output activation: the fast path, the tfjs-layers model and plain JS agree; features are the last hidden layer', () => {
  const x = [[0.5, -1, 2], [0, 0.25, -0.75]];
  for (const output of ['linear', 'sigmoid', 'tanh'] as const) {
    const net = denseNetwork(createRng(4), [3, 5, 2], { outputActivation: output });
    const [k0, b0, k1, b1] = net.getWeights().map((w) => Array.from(w.dataSync()));
    const hidden = x.map((row) => Array.from({ length: 5 }, (_, j) => Math.max(0, b0[j] + row.reduce((s, v, i) => s + v * k0[i * 5 + j], 0))));
    const expected = hidden.map((h) => Array.from({ length: 2 }, (_, j) => squash[output](b1[j] + h.reduce((s, v, i) => s + v * k1[i * 2 + j], 0))));
    const [fast, features, layers] = tf.tidy(() => {
      const input = tf.tensor2d(x);
      const both = denseNetworkWithFeatures(net, input);
      return [applyDenseNetwork(net, input).arraySync(), both.features.arraySync(), (net.apply(input) as tf.Tensor).arraySync()] as number[][][];
    });
    expected.flat().forEach((v, i) => {
      assert.ok(Math.abs(fast.flat()[i] - v) < 1e-5, `${output}: fast path ${fast.flat()[i]} vs ${v}`);
      assert.ok(Math.abs(layers.flat()[i] - v) < 1e-5, `${output}: model ${layers.flat()[i]} vs ${v}`);
    });
    hidden.flat().forEach((v, i) => assert.ok(Math.abs(features.flat()[i] - v) < 1e-5));
    assert.equal(net.layers[1].getConfig().activation, output);
    net.dispose();
  }
  assert.throws(() => denseNetwork(createRng(1), [3, 2], { outputActivation: 'relu' as 'tanh' }), /output activation must be 'linear', 'sigmoid' or 'tanh', got "relu"/);
});

test('initialisations: He normal (zero bias) and PyTorch\'s uniform, drawn in the network\'s order', () => {
  const [fanIn, fanOut] = [400, 300];
  const he = drawDenseWeights(createRng(1), fanIn, fanOut);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const variance = (a: Float32Array) => { const m = mean(a); return a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length; };
  // 120,000 draws: the sample std is within 1% of sqrt(2 / fanIn) with overwhelming probability.
  assert.ok(Math.abs(Math.sqrt(variance(he.kernel)) / Math.sqrt(2 / fanIn) - 1) < 0.01);
  assert.ok(he.bias.every((b) => b === 0));
  const uniform = drawDenseWeights(createRng(1), fanIn, fanOut, 'torch-uniform');
  const bound = 1 / Math.sqrt(fanIn);
  for (const a of [uniform.kernel, uniform.bias]) assert.ok(a.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.abs(variance(uniform.kernel) / (bound * bound / 3) - 1) < 0.02);
  assert.ok(uniform.bias.some((b) => b !== 0));
  assert.throws(() => drawDenseWeights(createRng(1), 2, 2, 'xavier' as 'he-normal'), /init must be 'he-normal' or 'torch-uniform'/);

  // A network draws layer after layer, kernel then bias, from one stream.
  const rng = createRng(6);
  const expected = [drawDenseWeights(rng, 3, 4, 'torch-uniform'), drawDenseWeights(rng, 4, 2, 'torch-uniform')];
  const net = denseNetwork(createRng(6), [3, 4, 2], { init: 'torch-uniform' });
  const got = net.getWeights().map((w) => w.dataSync() as Float32Array);
  assert.deepEqual(got, expected.flatMap((l) => [l.kernel, l.bias]));
  net.dispose();
});
