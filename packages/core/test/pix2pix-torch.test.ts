// pix2pix's training step on the torch backend runs every kernel natively: the fallback counter reads 0
// over two steps at 64 px, where the U-Net has its dropout layer (tiny filters, so it takes seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { trainPix2pix } from '../src/index.js';
import { tinyOptions, tinyPairs } from './pix2pix-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);

test('a pix2pix training step on torch uses no cpu fallback (dropout, batch norm, both updates)', { skip: !engine }, async () => {
  await tf.setBackend('torch');
  const pairs = tinyPairs(4, 3, 64);
  engine!.resetFallbackCounts();
  const r = await trainPix2pix(pairs, { ...tinyOptions, steps: 2, discriminatorLayers: 3 });
  assert.deepEqual(engine!.fallbackCounts(), {});
  assert.ok(r.generator.layers.some((l) => l.getClassName() === 'Dropout'), 'the 64 px U-Net has its dropout layer');
  assert.deepEqual(Object.keys(r.losses).sort(), ['d/adversarial', 'g/adversarial', 'g/l1']);
  assert.ok(Object.values(r.losses).every(Number.isFinite));
});
