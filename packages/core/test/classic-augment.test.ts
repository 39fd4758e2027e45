// DiffAugment in the classic GAN (config.augment): D's update and G's see real and fake images through the
// transforms, each batch its own draw from the run's RNG, so a run with them differs from one without, repeats
// exactly, and resumes bit for bit; WGAN-GP's penalty is taken at the augmented images. Flat (non-image) data and
// unknown transforms are refused. Tiny DCGANs on 28 px noise images, cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import {
  arrayDataSource, dcganDiscriminator, dcganGenerator, memoryRunStore, mlpDiscriminator, mlpGenerator, resumeGan, trainGan, type GanConfig,
} from '../src/index.js';
import { assertSameWeights, tinyRgbImages, weightsOf } from './train-fixtures.js';

await tf.setBackend('cpu');

const data = () => arrayDataSource(tinyRgbImages(8, 28));
const models = () => ({
  generator: dcganGenerator({ imageSize: 28, channels: 3, latentDim: 4, baseFilters: 2, seed: 1 }),
  discriminator: dcganDiscriminator({ imageSize: 28, channels: 3, baseFilters: 2, seed: 2 }),
});
const config = (augment?: GanConfig['augment'], loss: GanConfig['loss'] = 'nonsaturating'): GanConfig =>
  ({ loss, latentDim: 4, seed: 3, batchSize: 4, ...(augment ? { augment } : {}) });

async function run(c: GanConfig, steps = 2) {
  const r = await trainGan({ ...models(), data: data(), config: c, steps, progress: 'off' });
  return { losses: r.losses, g: await weightsOf(r.generator), d: await weightsOf(r.discriminator) };
}

test('augmented runs differ from plain ones, repeat exactly, and the penalty runs at augmented images', { timeout: 60_000 }, async () => {
  const plain = await run(config());
  const augmented = await run(config(['color', 'translation', 'cutout']));
  assert.notDeepEqual(augmented.losses, plain.losses, 'DiffAugment did not change what D and G saw');
  assert.deepEqual((await run(config(['color', 'translation', 'cutout']))).losses, augmented.losses, 'an augmented run does not repeat');
  assert.ok(assertSameWeights((await run(config(['translation']))).g, (await run(config(['translation']))).g));
  assert.notDeepEqual((await run(config(['translation']))).losses, (await run(config(['cutout']))).losses, 'the transforms are not the ones asked for');
  const gp = await run(config(['translation', 'cutout'], 'wgan-gp'), 1);
  assert.ok(Number.isFinite(gp.losses['d/gp']), `d/gp ${gp.losses['d/gp']}`);
});

test('an augmented run stopped and resumed ends bit for bit where an uninterrupted one ends', { timeout: 60_000 }, async () => {
  const c = { ...config(['color', 'translation', 'cutout']), checkpointEvery: 2 };
  const store = memoryRunStore();
  await trainGan({ ...models(), data: data(), config: c, steps: 2, store, progress: 'off' });
  const resumed = await resumeGan({ store, data: data(), steps: 4, progress: 'off' });
  const straight = await run(c, 4);
  assert.ok(assertSameWeights(await weightsOf(resumed.generator), straight.g), 'generator weights differ from the uninterrupted run');
  assert.ok(assertSameWeights(await weightsOf(resumed.discriminator), straight.d), 'discriminator weights differ');
});

test('augment on flat data, or an unknown transform, is refused', async () => {
  await assert.rejects(trainGan({ ...models(), data: data(), config: config(['zoom' as never]), steps: 1, progress: 'off' }),
    /config.augment: unknown transform "zoom" \(known: color, translation, cutout\)/);
  const flat = arrayDataSource({ name: 'flat', itemShape: [4], count: 4, values: new Float32Array(16) });
  const mlp = () => ({ generator: mlpGenerator({ latentDim: 4, outputDim: 4, hidden: [4] }), discriminator: mlpDiscriminator({ inputDim: 4, hidden: [4] }) });
  await assert.rejects(trainGan({ ...mlp(), data: flat, config: config(['translation']), steps: 1, progress: 'off' }),
    /config.augment: DiffAugment transforms images \[N, H, W, C\], and this data's examples are \[4\]/);
  await trainGan({ ...mlp(), data: flat, config: config(), steps: 1, progress: 'off' });
});
