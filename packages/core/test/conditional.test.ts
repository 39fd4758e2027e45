import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { trainGan, sample, score, type GanConfig, type LossValues } from '../src/train/index.js';
import { tinyDiscriminator, tinyGenerator, gaussianSource } from './train-fixtures.js';

tf.setBackend('cpu');

const config: GanConfig = { loss: 'nonsaturating', latentDim: 2, seed: 3, batchSize: 64, numClasses: 2,
  optimizers: { generator: { kind: 'adam', learningRate: 0.01, beta1: 0.5 }, discriminator: { kind: 'adam', learningRate: 0.01, beta1: 0.5 } } };
const data = () => gaussianSource({ classMeans: [-2, 2], std: 0.3 });
const mean = (t: tf.Tensor) => tf.mean(t).dataSync()[0];

test('cGAN: labels into G and D; class-conditional sampling follows each class', async () => {
  const generator = tinyGenerator({ latentDim: 2, outputDim: 1, seed: 1, numClasses: 2 });
  const discriminator = tinyDiscriminator({ inputDim: 1, seed: 2, numClasses: 2 });
  await trainGan({ generator, discriminator, data: data(), config, steps: 200, progress: 'off' });
  const m0 = mean(sample(generator, 500, { labels: 0, seed: 1 }));
  const m1 = mean(sample(generator, 500, { labels: 1, seed: 1 }));
  assert.ok(m0 < -1 && m1 > 1, `class means ${m0.toFixed(2)} and ${m1.toFixed(2)} should be near -2 and 2`);
  const mixed = sample(generator, 4, { labels: [0, 1, 0, 1], seed: 2 }).dataSync();
  assert.ok(mixed[0] < mixed[1] && mixed[2] < mixed[3]);
  assert.throws(() => sample(generator, 4), /class-conditional; pass \{labels\}/);
  assert.throws(() => sample(generator, 4, { labels: [0, 1] }), /2 labels for 4 samples/);
});

test('ACGAN: auxiliary class loss on D and G; D learns to classify real data', async () => {
  const generator = tinyGenerator({ latentDim: 2, outputDim: 1, seed: 4, numClasses: 2 });
  const discriminator = tinyDiscriminator({ inputDim: 1, seed: 5, auxClasses: 2 });
  let last: LossValues = {};
  await trainGan({ generator, discriminator, data: data(), config, steps: 150, progress: 'off', callbacks: { onStep: (i) => { last = i.losses; } } });
  assert.ok('d/aux' in last && 'g/aux' in last, `losses ${Object.keys(last)}`);
  // independent check of the class head on fresh real points
  const xs = tf.tensor2d([-2.2, -1.9, -1.5, 1.5, 2, 2.3], [6, 1]);
  const [, classLogits] = discriminator.predict(xs) as tf.Tensor[];
  assert.deepEqual(Array.from(tf.argMax(classLogits, 1).dataSync()), [0, 0, 0, 1, 1, 1]);
  const m0 = mean(sample(generator, 300, { labels: 0, seed: 3 }));
  const m1 = mean(sample(generator, 300, { labels: 1, seed: 3 }));
  assert.ok(m0 < m1, `ACGAN class means ${m0} and ${m1} are not ordered`);
});

test('score returns D logits per example, equal to a direct forward pass; mismatched data is refused', async () => {
  const d = tinyDiscriminator({ inputDim: 3, seed: 9 });
  const x = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
  const s = score(d, x);
  assert.deepEqual(s.shape, [5]);
  assert.deepEqual(Array.from(s.dataSync()), Array.from((d.predict(x) as tf.Tensor).dataSync()));
  assert.throws(() => score(d, tf.zeros([2, 4])), /data shape \[2, 4\] does not fit discriminator input \[batch, 3\]/);
  const cd = tinyDiscriminator({ inputDim: 1, seed: 9, numClasses: 2 });
  const cs = score(cd, tf.zeros([2, 1]), [0, 1]);
  assert.deepEqual(Array.from(cs.dataSync()), Array.from((cd.predict([tf.zeros([2, 1]), tf.tensor2d([0, 1], [2, 1], 'int32')]) as tf.Tensor).dataSync()));
});
