import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  createRng, dcganDiscriminator, dcganGenerator, gradientPenalty, mlpDiscriminator, mlpGenerator, nonSaturatingLoss,
} from '../src/index.js';

await tf.setBackend('cpu');

const labels = tf.tensor1d([0, 2, 1, 2], 'int32');

test('MLP generator and discriminator: shapes, conditioning with [N] and [N, 1] labels, ACGAN head', () => {
  const g = mlpGenerator({ latentDim: 3, outputDim: 5, hidden: [8], numClasses: 3, outputActivation: 'tanh', seed: 1 });
  const z = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
  const x = g.apply([z, labels]) as tf.Tensor;
  assert.deepEqual(x.shape, [4, 5]);
  assert.ok(x.dataSync().every((v) => Math.abs(v) <= 1), 'tanh range');
  assert.deepEqual((g.apply([z, tf.reshape(labels, [4, 1])]) as tf.Tensor).shape, [4, 5]);
  for (const conditioning of ['projection', 'concat'] as const) {
    const d = mlpDiscriminator({ inputDim: 5, hidden: [8], numClasses: 3, conditioning, auxClasses: 3, dropout: 0.1,
      minibatchDiscrimination: { kernels: 2, dims: 2 }, minibatchStddev: true, spectralNorm: true, seed: 2 });
    const [logits, classes] = d.apply([x, labels]) as tf.Tensor[];
    assert.deepEqual(logits.shape, [4, 1]);
    assert.deepEqual(classes.shape, [4, 3]);
  }
});

test('the label changes a conditional discriminator output (projection)', () => {
  const d = mlpDiscriminator({ inputDim: 2, hidden: [4], numClasses: 2, seed: 3 });
  const x = tf.tensor2d([[0.5, -0.5]]);
  const a = (d.apply([x, tf.tensor1d([0], 'int32')]) as tf.Tensor).dataSync()[0];
  const b = (d.apply([x, tf.tensor1d([1], 'int32')]) as tf.Tensor).dataSync()[0];
  assert.notEqual(a, b);
});

test('the same seed builds identical weights; another seed does not', () => {
  const w = (seed: number) => mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [4], seed }).getWeights()[0].dataSync();
  assert.deepEqual(Array.from(w(7)), Array.from(w(7)));
  assert.notDeepEqual(Array.from(w(7)), Array.from(w(8)));
});

test('bad options fail with errors that name them', () => {
  assert.throws(() => mlpGenerator({ latentDim: 0, outputDim: 2 }), /latentDim must be a positive integer/);
  assert.throws(() => mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [4, -1] }), /hidden\[1\]/);
  assert.throws(() => mlpGenerator({ latentDim: 2, outputDim: 2, outputActivation: 'relu' as never }), /outputActivation/);
  assert.throws(() => mlpDiscriminator({ inputDim: 2, dropout: 1 }), /dropout/);
  assert.throws(() => mlpDiscriminator({ inputDim: 2, conditioning: 'concat' }), /needs numClasses/);
  assert.throws(() => dcganGenerator({ imageSize: 48 as never, channels: 1 }), /imageSize must be 28, 32 or 64/);
  assert.throws(() => dcganDiscriminator({ imageSize: 28, channels: 1, normalization: 'group' as never }), /normalization/);
});

for (const imageSize of [28, 32, 64] as const) {
  test(`DCGAN ${imageSize}x${imageSize}: generator image shape and range, discriminator logits`, () => {
    const g = dcganGenerator({ imageSize, channels: 3, latentDim: 4, baseFilters: 2, numClasses: 3, seed: 1 });
    const img = g.apply([tf.randomNormal([4, 4], 0, 1, 'float32', 2), labels]) as tf.Tensor;
    assert.deepEqual(img.shape, [4, imageSize, imageSize, 3]);
    assert.ok(img.dataSync().every((v) => Math.abs(v) <= 1));
    const d = dcganDiscriminator({ imageSize, channels: 3, baseFilters: 2, numClasses: 3, conditioning: imageSize === 28 ? 'concat' : 'projection',
      minibatchStddev: true, auxClasses: 3, normalization: imageSize === 64 ? 'layer' : 'batch', spectralNorm: imageSize === 32, seed: 2 });
    const [logits, classes] = d.apply([img, labels]) as tf.Tensor[];
    assert.deepEqual(logits.shape, [4, 1]);
    assert.deepEqual(classes.shape, [4, 3]);
    const plain = dcganDiscriminator({ imageSize, channels: 3, baseFilters: 2 });
    assert.deepEqual((plain.apply(img) as tf.Tensor).shape, [4, 1]);
  });
}

test('a critic update with every custom layer and a gradient penalty leaks no tensors', () => {
  const d = mlpDiscriminator({ inputDim: 2, hidden: [4], minibatchDiscrimination: { kernels: 2, dims: 2 }, minibatchStddev: true, spectralNorm: true, seed: 4 });
  const vars = d.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const opt: tf.Optimizer = tf.train.adam(1e-3);
  const rng = createRng(1);
  const step = () => tf.tidy(() => {
    const real = tf.randomNormal([4, 2], 0, 1, 'float32', 1), fake = tf.randomNormal([4, 2], 0, 1, 'float32', 2);
    const critic = (x: tf.Tensor) => d.apply(x, { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => tf.add(nonSaturatingLoss.discriminator(critic(real), critic(fake)),
      gradientPenalty(critic, real, fake, rng)) as tf.Scalar, vars);
    opt.applyGradients(grads);
  });
  step(); // optimizer slots are created on the first update
  const before = tf.memory().numTensors;
  step(); step();
  assert.equal(tf.memory().numTensors, before);
});
