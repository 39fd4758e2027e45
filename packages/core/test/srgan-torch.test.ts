// SRGAN on the torch backend runs every kernel natively: the fallback counter reads 0 over one training step
// of each phase (SRResNet's MSE step; the GAN step with the content network, D and both updates) with the
// default networks at 16 -> 64 px, the inference pass, and the bicubic / bilinear / area floors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readClassifierJson } from '../src/node.js';
import { contentNetwork, superResolutionPairs, trainSrgan, trainSrResNet, upsampleDataset, upscaleImages, UPSAMPLING_FLOORS } from '../src/index.js';
import { tinyPairs } from './pix2pix-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);

test('an SRResNet step, an SRGAN step, upscaling and the floors on torch use no cpu fallback', { skip: !engine }, async () => {
  await tf.setBackend('torch');
  const pairs = superResolutionPairs(tinyPairs(4, 3, 64).source, 4);
  const content = contentNetwork(readClassifierJson('emoji'));
  engine!.resetFallbackCounts();
  const pre = await trainSrResNet(pairs, { seed: 1, steps: 1, batchSize: 2 });
  assert.deepEqual(engine!.fallbackCounts(), {}, 'phase mse');
  const r = await trainSrgan(pairs, { seed: 1, steps: 1, batchSize: 2 }, content, pre.generator);
  assert.deepEqual(engine!.fallbackCounts(), {}, 'phase gan');
  assert.deepEqual(Object.keys(r.losses).sort(), ['d/adversarial', 'g/adversarial', 'g/content', 'g/mse']);   // pixelWeight 1 by default
  assert.ok(Object.values(r.losses).every(Number.isFinite));
  const outputs = [upscaleImages(r.generator, pairs.source), ...UPSAMPLING_FLOORS.map((m) => upsampleDataset(pairs.source, 4, m))];
  assert.deepEqual(engine!.fallbackCounts(), {}, 'upscaling');
  for (const o of outputs) assert.deepEqual(o.shape, [4, 64, 64, 3]);
  tf.dispose(outputs);
  content.dispose();
});
