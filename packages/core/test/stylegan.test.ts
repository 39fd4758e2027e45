// StyleGAN at 16 px with tiny widths: every kernel of a step (both style modes, lazy R1, style mixing and
// DiffAugment) runs natively on the torch backend; a run stopped at step 2 and resumed ends bit for bit as an
// uninterrupted one (EMA copies and the tracked mean of w included); truncation, style mixing and the
// refusals of bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import {
  memoryRunStore, mixStyles, resumeStylegan, styleganGenerator, trainStylegan, truncate, type StyleganOptions,
} from '../src/index.js';
import { modelFromBlob, modelToBlob } from '../src/train/checkpoint.js';
import { weightValues } from './pix2pix-fixtures.js';
import { tinyRgbImages } from './train-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);
await tf.setBackend(engine ? 'torch' : 'cpu');

const images = tinyRgbImages;

const options: StyleganOptions = {
  seed: 4, steps: 4, batchSize: 4, resolution: 16, latentDim: 8, mappingDepth: 2, maxChannels: 4, channelBase: 32,
  r1Every: 2, emaDecay: 0.9, augment: ['color', 'translation', 'cutout'],
};

test('StyleGAN steps on torch use no cpu fallback, in both style modes', { skip: !engine }, async () => {
  for (const mode of ['adain', 'modulated'] as const) {
    engine!.resetFallbackCounts();
    const r = await trainStylegan(images(8, 16), { ...options, mode, steps: 2, r1Every: 1 }, { store: memoryRunStore() });
    assert.deepEqual(engine!.fallbackCounts(), {}, mode);
    assert.deepEqual(Object.keys(r.losses).sort(), ['d/adversarial', 'd/r1', 'g/adversarial']);
    assert.ok(Object.values(r.losses).every(Number.isFinite), JSON.stringify(r.losses));
  }
});

test('a run stopped at step 2 and resumed ends bit for bit as an uninterrupted one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-stylegan-resume-'));
  const stop = new AbortController();
  const first = await trainStylegan(images(8, 16), { ...options, mode: 'modulated' }, {
    runDir: dir, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 2) stop.abort(); } },
  });
  assert.equal(first.step, 2);
  const resumed = await resumeStylegan(images(8, 16), { runDir: dir });
  const straight = await trainStylegan(images(8, 16), { ...options, mode: 'modulated' }, { store: memoryRunStore() });
  assert.equal(resumed.step, 4);
  for (const part of ['mapping', 'synthesis'] as const) {
    assert.deepEqual(await weightValues(resumed.generator[part]), await weightValues(straight.generator[part]), part);
    assert.deepEqual(await weightValues(resumed.averaged[part]), await weightValues(straight.averaged[part]), `averaged ${part}`);
  }
  assert.deepEqual(await weightValues(resumed.discriminator), await weightValues(straight.discriminator), 'discriminator');
  const wAvg = straight.averaged.mapping.getLayer('w').getWeights()[0];
  assert.ok(tf.max(tf.abs(wAvg)).dataSync()[0] > 0, 'the tracked mean of w moved');
  await assert.rejects(resumeStylegan(images(6, 16), { runDir: dir, steps: 6 }), /trained on 8 images/);
});

test('the generator survives serialisation; truncation and style mixing pick the right w', async () => {
  const g = styleganGenerator({ ...options, resolution: 16 });
  const copy = await modelFromBlob(await modelToBlob(g.synthesis));
  const styles = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
  const noise = [4, 8, 16].map((r) => tf.randomNormal([2, r, r, 2], 0, 1, 'float32', r));
  const a = g.synthesis.predict([styles, ...noise]) as tf.Tensor;
  const b = copy.predict([styles, ...noise]) as tf.Tensor;
  assert.deepEqual(Array.from(await b.data()), Array.from(await a.data()));

  const average = g.mapping.getLayer('w');
  average.setWeights([tf.fill([8], 2)]);
  const w = tf.zeros([1, 8]);
  assert.deepEqual(Array.from(await truncate(g.mapping, w, 0.25).data()), new Array(8).fill(1.5));
  assert.deepEqual(Array.from(await truncate(g.mapping, w, 1).data()), new Array(8).fill(0));
  assert.throws(() => truncate(g.mapping, w, 0), /truncation psi must lie in \(0, 1\], got 0/);
  assert.throws(() => truncate(g.mapping, w, 1.5), /truncation psi must lie in \(0, 1\], got 1.5/);

  const mixed = await mixStyles(tf.ones([1, 8]), tf.zeros([1, 8]), 6, 2).array();
  assert.deepEqual(mixed[0].map((row) => row[0]), [1, 1, 0, 0, 0, 0]);
});

test('bad input is refused with the offending value named', async () => {
  await assert.rejects(trainStylegan(images(4, 8), { ...options }), /holds 8 x 8 images, too small for the requested resolution 16/);
  await assert.rejects(trainStylegan(images(4, 16), { ...options, resolution: 24 }), /resolution must be one of 16, 32, 64, got 24/);
  await assert.rejects(trainStylegan(images(4, 16), { ...options, mixing: 2 }), /mixing must lie in \[0, 1\], got 2/);
});
