// Maxout units and PacGAN packing in the MLP discriminator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  Maxout, PackSamples, mlpDiscriminator, mlpGenerator, modelFromBlob, modelToBlob, ring8, trainGan,
} from '../src/index.js';

await tf.setBackend('cpu');

test('Maxout returns the largest of each unit\'s consecutive pieces', () => {
  const values = [3, -1, 7, 2, 0, 5, -4, -2, 1, 1, 9, -9];
  const y = new Maxout({ pieces: 3 }).apply(tf.tensor2d(values, [2, 6])) as tf.Tensor;
  const expected: number[] = [];
  for (let start = 0; start < values.length; start += 3) expected.push(Math.max(...values.slice(start, start + 3)));
  assert.deepEqual(y.shape, [2, 2]);
  assert.deepEqual(Array.from(y.dataSync()), expected);
  assert.throws(() => new Maxout({ pieces: 4 }).computeOutputShape([null, 6]), /divisible by 4/);
});

test('PackSamples puts each pack of consecutive samples side by side and rejects ragged batches', () => {
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]);
  const packed = new PackSamples({ pack: 3 }).apply(x) as tf.Tensor;
  assert.deepEqual(packed.arraySync(), [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
  assert.throws(() => new PackSamples({ pack: 4 }).apply(x), /6 samples cannot be split into packs of 4/);
});

test('a packed maxout discriminator gives one logit per pack that depends on every sample in it', () => {
  const d = mlpDiscriminator({ inputDim: 2, hidden: [8, 8], maxout: 5, pack: 2, seed: 3 });
  assert.deepEqual(d.inputs[0].shape, [null, 2]);
  const x = tf.randomNormal([6, 2], 0, 1, 'float32', 1);
  const out = d.predict(x) as tf.Tensor;
  assert.deepEqual(out.shape, [3, 1]);
  // Changing the second sample of the first pack changes the first logit only.
  const changed = tf.tensor2d([...x.arraySync() as number[][]].map((row, i) => (i === 1 ? [row[0] + 1, row[1] - 1] : row)));
  const out2 = (d.predict(changed) as tf.Tensor).dataSync();
  const base = out.dataSync();
  assert.notEqual(out2[0], base[0]);
  assert.equal(out2[1], base[1]);
  assert.equal(out2[2], base[2]);
  // The dense layers see pack * inputDim features and maxout's pieces.
  assert.deepEqual(d.getLayer('d_dense0').getWeights()[0].shape, [4, 40]);
});

test('outputScale multiplies G\'s samples and inputScale scales what D sees, with the same weights otherwise', () => {
  const z = tf.randomNormal([5, 2], 0, 1, 'float32', 3);
  const plainG = mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [8], seed: 9 });
  const scaledG = mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [8], seed: 9, outputScale: 3 });
  const a = (plainG.predict(z) as tf.Tensor).dataSync();
  const b = (scaledG.predict(z) as tf.Tensor).dataSync();
  a.forEach((v, i) => assert.ok(Math.abs(3 * v - b[i]) < 1e-5, `${3 * v} vs ${b[i]}`));
  const x = tf.randomNormal([5, 2], 0, 3, 'float32', 4);
  const plainD = mlpDiscriminator({ inputDim: 2, hidden: [8], seed: 10 });
  const scaledD = mlpDiscriminator({ inputDim: 2, hidden: [8], seed: 10, inputScale: 0.25 });
  const c = (plainD.predict(tf.mul(x, 0.25)) as tf.Tensor).dataSync();
  const d = (scaledD.predict(x) as tf.Tensor).dataSync();
  c.forEach((v, i) => assert.ok(Math.abs(v - d[i]) < 1e-5, `${v} vs ${d[i]}`));
  assert.throws(() => mlpGenerator({ latentDim: 2, outputDim: 2, outputScale: 0 }), /outputScale must be a positive number/);
});

test('packed maxout discriminators survive a checkpoint round trip and train with trainGan', async () => {
  const d = mlpDiscriminator({ inputDim: 2, hidden: [8], maxout: 3, pack: 4, seed: 5 });
  const copy = await modelFromBlob(await modelToBlob(d));
  const x = tf.randomNormal([8, 2], 0, 1, 'float32', 2);
  assert.deepEqual(Array.from((copy.predict(x) as tf.Tensor).dataSync()), Array.from((d.predict(x) as tf.Tensor).dataSync()));
  const g = mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [8], seed: 6 });
  const before = d.getWeights()[0].dataSync().slice();
  const r = await trainGan({
    generator: g, discriminator: d, data: ring8(), steps: 3, progress: 'off',
    config: { loss: 'nonsaturating', latentDim: 2, seed: 1, batchSize: 16 },
  });
  assert.equal(r.step, 3);
  assert.ok(Number.isFinite(r.losses['d/adversarial']) && Number.isFinite(r.losses['g/adversarial']));
  assert.notDeepEqual(Array.from(d.getWeights()[0].dataSync()), Array.from(before));
  await assert.rejects(trainGan({
    generator: g, discriminator: d, data: ring8(), steps: 1, progress: 'off',
    config: { loss: 'nonsaturating', latentDim: 2, seed: 1, batchSize: 10 },
  }), /packs of 4/);
});
