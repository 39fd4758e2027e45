// GAN-TTS at tiny size on a tiny espeak-ng corpus (machine speech): the networks' shapes and refusals,
// step 1's loss terms against a hand computation of the hinge sums over the window ensemble, a run
// stopped at step 2 and resumed from its directory ending bit for bit where an uninterrupted run ends,
// and (on the torch backend) a training step and synthesis with no cpu fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import {
  clipTensors, createRng, featureWidth, ganttsDiscriminators, ganttsGenerator, ganttsTrainable, HOP, randomNormal, resumeGantts, sampleClips, synthesize,
  trainGantts, utterancesOf, type GanttsOptions,
} from '../src/node.js';
import { tinyCorpus } from './audio-fixtures.js';
import { weightValues } from './pix2pix-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);
await tf.setBackend(engine ? 'torch' : 'cpu');

const options: GanttsOptions = {
  seed: 5, steps: 4, batchSize: 2, clipFrames: 12, channels: [6, 6, 4, 4], latentDim: 4, windows: [160, 480], discriminatorChannels: 4, learningRate: 1e-3,
};
const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('G: [N, 1, F, W] features and noise -> [N, 1, 80F, 1] in (-1, 1); the ensemble: one logit per D; bad sizes refused', () => {
  const g = ganttsGenerator({ featureWidth: 7, latentDim: 3, channels: [4, 4, 4, 4], seed: 1 });
  const wave = g.predict([tf.randomNormal([2, 1, 8, 7]), tf.randomNormal([2, 3])]) as tf.Tensor;
  assert.deepEqual(wave.shape, [2, 1, 8 * HOP, 1]);
  assert.ok(wave.dataSync().every((v) => v > -1 && v < 1));
  const d = ganttsDiscriminators({ featureWidth: 7, windows: [160], discriminatorChannels: 2, seed: 1 });
  const logits = d.predict([tf.zeros([3, 1, 160, 1]), tf.zeros([3, 1, 160, 1]), tf.zeros([3, 1, 2, 7])]) as tf.Tensor[];
  assert.deepEqual(logits.map((l) => l.shape), [[3, 1], [3, 1]]);
  assert.throws(() => ganttsGenerator({ featureWidth: 7, upsampling: [2, 2, 2, 5], channels: [1, 1, 1, 1] }), /2 x 2 x 2 x 5 = 40, they must multiply to 80/);
  assert.throws(() => ganttsDiscriminators({ featureWidth: 7, windows: [100] }), /window 100 must be a positive multiple of 80/);
  assert.throws(() => ganttsTrainable(tinyCorpus().corpus, { ...options, clipFrames: 4 }), /clipFrames 4 is shorter than the widest discriminator window \(6 frames\)/);
  tf.dispose([wave, ...logits]);
});

const run = (m: tfl.LayersModel, x: tf.Tensor | tf.Tensor[]) => m.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
const mean = (t: tf.Tensor) => tf.mean(t).dataSync()[0];

test('step 1\'s terms: g = sum over the 4 Ds of -mean D(fake window), d = sum of hinge(real window) + hinge(fake window)', async () => {
  const { corpus } = tinyCorpus();
  const twin = ganttsTrainable(corpus, options).models;
  const rng = createRng(options.seed);
  const clips = sampleClips(corpus, utterancesOf(corpus, 'train'), rng, 2, 12);
  const { features, audio } = clipTensors(clips, featureWidth(corpus));
  const z = randomNormal(rng, [2, 4]);
  const offsets = [160, 160, 480, 480].map((w) => rng.int(12 - w / HOP + 1));
  const fake = run(twin.generator, [features, z]) as tf.Tensor;
  const inputs = (wave: tf.Tensor) => [160, 480].flatMap((w, i) => [
    tf.slice(wave, [0, 0, offsets[2 * i] * HOP, 0], [2, 1, w, 1]), tf.slice(wave, [0, 0, offsets[2 * i + 1] * HOP, 0], [2, 1, w, 1]),
    tf.slice(features, [0, 0, offsets[2 * i + 1], 0], [2, 1, w / HOP, featureWidth(corpus)]),
  ]);
  const fakeLogits = run(twin.discriminator, inputs(fake)) as tf.Tensor[];
  const realLogits = run(twin.discriminator, inputs(audio)) as tf.Tensor[];
  assert.equal(fakeLogits.length, 4);
  const g = fakeLogits.reduce((s, l) => s - mean(l), 0);
  const d = realLogits.reduce((s, l, k) => s + mean(tf.relu(tf.sub(1, l))) + mean(tf.relu(tf.add(1, fakeLogits[k]))), 0);
  const got = (await trainGantts(corpus, { ...options, steps: 1 })).losses;
  assert.deepEqual(Object.keys(got).sort(), ['d/hinge', 'g/adversarial']);
  assert.ok(close(got['g/adversarial'], g), `g: ${got['g/adversarial']} vs ${g}`);
  assert.ok(close(got['d/hinge'], d), `d: ${got['d/hinge']} vs ${d}`);
});

test('a run stopped at step 2 and resumed from its directory ends bit for bit as an uninterrupted one; another corpus is refused', async () => {
  const { corpus } = tinyCorpus();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-gantts-resume-'));
  const stop = new AbortController();
  const first = await trainGantts(corpus, options, { runDir: dir, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 2) stop.abort(); } } });
  assert.equal(first.step, 2);
  const resumed = await resumeGantts(corpus, { runDir: dir });
  const straight = await trainGantts(corpus, options);
  assert.equal(resumed.step, 4);
  for (const model of ['generator', 'discriminator'] as const) {
    assert.deepEqual(await weightValues(resumed[model]), await weightValues(straight[model]), model);
  }
  const fewer = { ...corpus, utterances: corpus.utterances.slice(0, 4) };
  await assert.rejects(resumeGantts(fewer, { runDir: dir, steps: 6 }), /trained on a corpus of 5 train utterances .* not this one \(3 utterances/);
});

test('on torch: a training step and synthesis use no cpu fallback', { skip: !engine }, async () => {
  const { corpus } = tinyCorpus();
  engine!.resetFallbackCounts();
  const r = await trainGantts(corpus, { ...options, steps: 1 });
  assert.deepEqual(engine!.fallbackCounts(), {}, 'training step');
  const width = featureWidth(corpus);
  const wave = synthesize(r.generator, new Float32Array(8 * width).fill(0.1), 8, width, 4, createRng(0));
  assert.deepEqual(engine!.fallbackCounts(), {}, 'synthesis');
  assert.equal(wave.length, 8 * HOP);
});
