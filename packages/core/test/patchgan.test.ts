// The PatchGAN discriminator: the authors' layer plan and output grid, the 70 x 70 receptive field
// measured through gradients, and the forward pass against plain tf ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { instanceNorm, patchGanDiscriminator, patchGanOutputSize, patchGanReceptiveField } from '../src/index.js';

await tf.setBackend('cpu');

test('patchGanDiscriminator: the NLayerDiscriminator plan (64-128-256-512-1 filters), 30 x 30 logits on 256 px, 6 x 6 on 64 px', () => {
  const d = patchGanDiscriminator({ inputShape: [256, 256, 3], seed: 1 });
  assert.deepEqual(d.outputs[0].shape, [null, 30, 30, 1]);
  const convs = d.layers.filter((l) => l.getClassName() === 'Conv2D');
  assert.deepEqual(convs.map((l) => (l.getConfig() as { filters: number }).filters), [64, 128, 256, 512, 1]);
  assert.deepEqual(convs.map((l) => (l.getConfig() as { strides: number[] }).strides[0]), [2, 2, 2, 1, 1]);
  assert.equal(d.layers.filter((l) => l.getClassName() === 'InstanceNormalization').length, 3);
  assert.equal(patchGanOutputSize(256, 3), 30);
  assert.deepEqual(patchGanDiscriminator({ inputShape: [64, 64, 3], baseFilters: 8 }).outputs[0].shape, [null, 6, 6, 1]);
  assert.deepEqual([1, 2, 3, 4].map(patchGanReceptiveField), [16, 34, 70, 142]);
  // pix2pix's batch-norm variant has no conv biases before its norms
  const batchNorm = patchGanDiscriminator({ inputShape: [64, 64, 3], baseFilters: 8, normalization: 'batch' });
  assert.deepEqual(batchNorm.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => (l.getConfig() as { useBias: boolean }).useBias), [true, false, false, false, true]);
  assert.throws(() => patchGanDiscriminator({ inputShape: [16, 16, 3] }), /16 x 16 images are too small for 3 layers \(at least 24 pixels a side\)/);
});

test('patchGanDiscriminator: one logit depends on exactly a receptive-field square of the input', () => {
  for (const layers of [1, 2]) {
    const field = patchGanReceptiveField(layers);
    const side = 2 * field;
    const d = patchGanDiscriminator({ inputShape: [side, side, 1], layers, baseFilters: 2, normalization: 'none', seed: 2 });
    // positive weights and inputs: every path contributes, so the gradient is non-zero on the whole field
    d.setWeights(d.getWeights().map((w) => tf.onesLike(w)));
    const out = patchGanOutputSize(side, layers);
    const c = Math.floor(out / 2);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(d.apply(x) as tf.Tensor, [0, c, c, 0], [1, 1, 1, 1])))(tf.ones([1, side, side, 1]));
    const g = grad.dataSync();
    const rows = new Set<number>(), cols = new Set<number>();
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) if (g[y * side + x] !== 0) { rows.add(y); cols.add(x); }
    assert.equal(rows.size, field, `${layers} layers: rows`);
    assert.equal(cols.size, field, `${layers} layers: columns`);
  }
});

test('patchGanDiscriminator: conditional [condition, image] as plain ops compute it (zero pad 1, 4x4 conv, IN, leaky ReLU)', () => {
  const d = patchGanDiscriminator({ inputShape: [24, 24, 3], conditionChannels: 1, layers: 2, baseFilters: 4, seed: 3 });
  assert.equal(d.inputs.length, 2);
  const condition = tf.randomUniform([2, 24, 24, 1], -1, 1, 'float32', 4);
  const image = tf.randomUniform([2, 24, 24, 3], -1, 1, 'float32', 5);
  const w = d.getWeights();
  const conv = (x: tf.Tensor, k: tf.Tensor, b: tf.Tensor, stride: number) =>
    tf.add(tf.conv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]) as tf.Tensor4D, k as tf.Tensor4D, stride, 'valid'), b);
  let h = tf.leakyRelu(conv(tf.concat([condition, image], 3), w[0], w[1], 2), 0.2);
  h = tf.leakyRelu(instanceNorm(conv(h, w[2], w[3], 2)), 0.2);
  h = tf.leakyRelu(instanceNorm(conv(h, w[4], w[5], 1)), 0.2);
  const want = conv(h, w[6], w[7], 1);
  const got = d.apply([condition, image]) as tf.Tensor;
  assert.deepEqual(got.shape, [2, 4, 4, 1]);
  const [a, b] = [got.dataSync(), want.dataSync()];
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4, `logit ${i}: ${a[i]} vs ${b[i]}`);
});
