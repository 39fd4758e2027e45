// A small conditional GAN built with tfjs-layers trains on the torch backend for a few hundred steps
// without any cpu fallback, and without leaking JS tensors or native tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { fallbackCounts, nativeTensorCount, resetFallbackCounts, setFallbackPolicy, setShapeChecks } from '@gantry/tfjs-backend-torch';

setShapeChecks(true);

function buildModels(): { generator: tfl.LayersModel; discriminator: tfl.LayersModel } {
  const noise = tfl.input({ shape: [8] });
  const label = tfl.input({ shape: [1] });
  const labelEmbedding = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: 3, outputDim: 4 }).apply(label)) as tfl.SymbolicTensor;
  let h = tfl.layers.concatenate().apply([noise, labelEmbedding]) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: 32 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
  const fake = tfl.layers.dense({ units: 2, activation: 'tanh' }).apply(h) as tfl.SymbolicTensor;
  const generator = tfl.model({ inputs: [noise, label], outputs: fake });

  const sample = tfl.input({ shape: [2] });
  const dLabel = tfl.input({ shape: [1] });
  const dEmbedding = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: 3, outputDim: 4 }).apply(dLabel)) as tfl.SymbolicTensor;
  let d = tfl.layers.concatenate().apply([sample, dEmbedding]) as tfl.SymbolicTensor;
  d = tfl.layers.dense({ units: 32 }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.dropout({ rate: 0.2 }).apply(d) as tfl.SymbolicTensor;
  const logit = tfl.layers.dense({ units: 1 }).apply(d) as tfl.SymbolicTensor;
  const discriminator = tfl.model({ inputs: [sample, dLabel], outputs: logit });
  return { generator, discriminator };
}

test('a conditional GAN trains without fallback and without leaking tensors', async () => {
  await tf.setBackend('torch');
  tf.setBackend('torch');
  setFallbackPolicy('throw');
  resetFallbackCounts();
  try {
    const { generator, discriminator } = buildModels();
    const dOpt = tf.train.adam(2e-3, 0.5);
    const gOpt = tf.train.rmsprop(1e-3);
    const batch = 32;
    const bce = (logits: tf.Tensor, target: number) =>
      tf.mean(tf.sub(tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), tf.mul(logits, target)));
    const step = (i: number): number => {
      const labels = tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([batch, 1], 0, 3, 'float32', i)), 'float32'));
      const real = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([batch, 2], 0, 0.1, 'float32', i), 1), tf.concat([labels, labels], 1)));
      const noise = tf.randomNormal([batch, 8], 0, 1, 'float32', 1000 + i);
      const dLoss = dOpt.minimize(() => {
        const fake = generator.apply([noise, labels], { training: true }) as tf.Tensor;
        const realLogits = discriminator.apply([real, labels], { training: true }) as tf.Tensor;
        const fakeLogits = discriminator.apply([fake, labels], { training: true }) as tf.Tensor;
        return tf.add(bce(realLogits, 1), bce(fakeLogits, 0)) as tf.Scalar;
      }, true, discriminator.trainableWeights.map((w) => w.read() as tf.Variable)) as tf.Scalar;
      const gLoss = gOpt.minimize(() => {
        const fake = generator.apply([noise, labels], { training: true }) as tf.Tensor;
        return bce(discriminator.apply([fake, labels], { training: true }) as tf.Tensor, 1) as tf.Scalar;
      }, true, generator.trainableWeights.map((w) => w.read() as tf.Variable)) as tf.Scalar;
      const value = dLoss.dataSync()[0] + gLoss.dataSync()[0];
      tf.dispose([labels, real, noise, dLoss, gLoss]);
      return value;
    };
    for (let i = 0; i < 20; i++) step(i); // optimizer slots and weights exist from here on
    const tensorsAfterWarmup = tf.memory().numTensors;
    const nativeAfterWarmup = nativeTensorCount();
    for (let i = 20; i < 220; i++) {
      const loss = step(i);
      assert.ok(Number.isFinite(loss), `step ${i}: loss ${loss}`);
    }
    assert.equal(tf.memory().numTensors, tensorsAfterWarmup, 'JS tensors leak');
    assert.equal(nativeTensorCount(), nativeAfterWarmup, 'native tensors leak');
    assert.deepEqual(fallbackCounts(), {});
  } finally {
    setFallbackPolicy('allow');
  }
});

test('a DCGAN-style step (conv, transposed conv, batch norm, upsampling, pooling) runs natively without leaks', async () => {
  await tf.setBackend('torch');
  setFallbackPolicy('throw');
  resetFallbackCounts();
  try {
    const generator = tfl.sequential({ layers: [
      tfl.layers.dense({ inputShape: [16], units: 7 * 7 * 8 }), tfl.layers.batchNormalization(), tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.reshape({ targetShape: [7, 7, 8] }), tfl.layers.upSampling2d({ size: [2, 2] }),
      tfl.layers.conv2dTranspose({ filters: 8, kernelSize: 5, strides: 2, padding: 'same' }), tfl.layers.batchNormalization(),
      tfl.layers.leakyReLU({ alpha: 0.2 }), tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'tanh' }),
    ] });
    const discriminator = tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, strides: 2, padding: 'same' }),
      tfl.layers.leakyReLU({ alpha: 0.2 }), tfl.layers.dropout({ rate: 0.3 }), tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(), tfl.layers.dense({ units: 1 }),
    ] });
    const optimizer = tf.train.adam(1e-3, 0.5);
    const step = (seed: number): number => {
      const loss = optimizer.minimize(() => {
        const fake = generator.apply(tf.randomNormal([8, 16], 0, 1, 'float32', seed), { training: true }) as tf.Tensor;
        return tf.mean(tf.square(discriminator.apply(fake, { training: true }) as tf.Tensor)) as tf.Scalar;
      }, true) as tf.Scalar;
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    };
    for (let i = 0; i < 3; i++) step(i);
    const tensorsAfterWarmup = tf.memory().numTensors;
    const nativeAfterWarmup = nativeTensorCount();
    for (let i = 3; i < 8; i++) assert.ok(Number.isFinite(step(i)));
    assert.equal(tf.memory().numTensors, tensorsAfterWarmup, 'JS tensors leak');
    assert.equal(nativeTensorCount(), nativeAfterWarmup, 'native tensors leak');
    assert.deepEqual(fallbackCounts(), {});
  } finally {
    setFallbackPolicy('allow');
  }
});
