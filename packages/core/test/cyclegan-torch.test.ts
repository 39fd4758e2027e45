// CycleGAN's and DiscoGAN's training steps on the torch backend run every kernel natively: the fallback
// counter reads 0 over two steps of each (tiny filters at 16 px, so it takes seconds), the final checkpoint
// included (it copies the history pools into their variables).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { memoryRunStore, trainCycleGan, trainDiscoGan, unpairedHalves } from '../src/index.js';
import { tinyPairs } from './pix2pix-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);

test('CycleGAN and DiscoGAN training steps on torch use no cpu fallback', { skip: !engine }, async () => {
  await tf.setBackend('torch');
  const images = unpairedHalves(tinyPairs(8, 3, 16));
  engine!.resetFallbackCounts();
  const cycle = await trainCycleGan(images, { seed: 1, steps: 2, batchSize: 2, generatorFilters: 2, discriminatorFilters: 2, blocks: 1, poolSize: 1 }, { store: memoryRunStore() });
  assert.deepEqual(engine!.fallbackCounts(), {}, 'CycleGAN');
  assert.deepEqual(Object.keys(cycle.losses).sort(), ['dA/adversarial', 'dB/adversarial', 'g/adversarial', 'g/cycle', 'g/identity']);
  const disco = await trainDiscoGan(images, { seed: 1, steps: 2, batchSize: 2, filters: 2 }, { store: memoryRunStore() });
  assert.deepEqual(engine!.fallbackCounts(), {}, 'DiscoGAN');
  assert.ok([...Object.values(cycle.losses), ...Object.values(disco.losses)].every(Number.isFinite));
});
