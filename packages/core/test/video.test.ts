// Next-frame prediction (tiny nets, 32 px, one digit): the gradient difference loss against a hand
// computation, the predictor's and the multi-scale discriminator's shapes, step 1's loss terms of each
// objective against the networks applied by hand, an adversarial+gdl run stopped at step 2 and resumed
// ending bit for bit where an uninterrupted run ends, and the per-frame scores (perfect and copied frames,
// blur lowers the sharpness, the MNIST-feature FD, a sequence shorter than the context refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadFeatureExtractor, loadMnistPackage } from '../src/node.js';
import {
  copyLastFrame, createRng, drawMovingMnist, framePredictor, framesAsChannels, gradientDifferenceLoss, movingMnist, predictFrames, resumeVideo,
  scoreFrames, sequenceDiscriminator, SINGLE_PROCESS, trainVideo, videoTrainable, type VideoOptions,
} from '../src/index.js';
import { weightValues } from './pix2pix-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);
await tf.setBackend(engine ? 'torch' : 'cpu');

const digits = loadMnistPackage({ split: 'train', limitPerDigit: 2 });
const options: VideoOptions = {
  seed: 3, steps: 4, batchSize: 2, size: 32, digits: 1, context: 4, future: 3, filters: 2, discriminatorFilters: 2, learningRate: 1e-3,
};
const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('gradient difference loss by hand', () => {
  // p = [[0, 1], [2, 4]], t = [[1, 1], [1, 1]]: |dy p| = 2, 3 vs 0, 0; |dx p| = 1, 2 vs 0, 0
  const p = tf.tensor4d([0, 1, 2, 4], [1, 2, 2, 1]);
  const t = tf.tensor4d([1, 1, 1, 1], [1, 2, 2, 1]);
  assert.ok(close(gradientDifferenceLoss(p, t).dataSync()[0], (2 + 3 + 1 + 2) / 4));
  assert.ok(close(gradientDifferenceLoss(p, t, 2).dataSync()[0], (4 + 9 + 1 + 4) / 4));
  assert.equal(gradientDifferenceLoss(p, p).dataSync()[0], 0);
  assert.throws(() => gradientDifferenceLoss(p, tf.zeros([1, 2, 3, 1])), /differ in shape/);
});

test('the predictor maps context channels to future channels; the discriminator judges each scale', () => {
  const g = framePredictor({ size: 32, context: 4, future: 3, filters: 2, seed: 1 });
  assert.deepEqual(g.outputs[0].shape, [null, 32, 32, 3]);
  const d = sequenceDiscriminator({ size: 32, frames: 7, scales: 3, filters: 2, seed: 1 });
  assert.deepEqual(d.outputs.map((o) => o.shape), [[null, 8, 8, 1], [null, 4, 4, 1], [null, 2, 2, 1]]);
  assert.throws(() => framePredictor({ size: 30, context: 4, future: 3 }), /divisible by 4/);
});

test("step 1's loss terms of each objective equal the networks applied by hand", () => {
  for (const loss of ['mse', 'adversarial', 'adversarial+gdl'] as const) {
    const t = videoTrainable(digits, { ...options, loss });
    const g = t.models.predictor;
    const d = t.models.discriminator;
    const before = { g: g.getWeights().map((w) => w.clone()), d: d?.getWeights().map((w) => w.clone()) };
    const rng = createRng(11);
    const losses = t.step({ step: 1, totalSteps: 1, rng: createRng(11), replicas: SINGLE_PROCESS });
    const seqs = drawMovingMnist(digits, rng, { count: 2, frames: 7, digits: 1, size: 32 });
    g.setWeights(before.g);
    if (d) d.setWeights(before.d!);
    const context = framesAsChannels(seqs, 0, 4);
    const truth = framesAsChannels(seqs, 4, 7);
    const p = g.predict(context) as tf.Tensor4D;
    assert.ok(close(losses['g/mse'], tf.losses.meanSquaredError(truth, p).dataSync()[0]), `${loss} g/mse`);
    if (!d) { assert.equal(losses['g/adversarial'], undefined); continue; }
    const logits = [d.predict(tf.concat([context, p], 3))].flat() as tf.Tensor[];
    const adv = logits.reduce((s, l) => s + tf.mean(tf.softplus(tf.neg(l))).dataSync()[0], 0) / logits.length;
    assert.ok(close(losses['g/adversarial'], adv), `${loss} g/adversarial ${losses['g/adversarial']} vs ${adv}`);
    if (loss === 'adversarial+gdl') assert.ok(close(losses['g/gdl'], gradientDifferenceLoss(p, truth).dataSync()[0]), 'g/gdl');
    else assert.equal(losses['g/gdl'], undefined);
    assert.ok(Number.isFinite(losses['d/adversarial']));
  }
});

test('an adversarial+gdl run stopped at step 2 and resumed ends bit for bit as an uninterrupted run', async () => {
  const o: VideoOptions = { ...options, loss: 'adversarial+gdl' };
  const straight = await trainVideo(digits, o);
  const dir = mkdtempSync(join(tmpdir(), 'gantry-video-resume-'));
  await trainVideo(digits, { ...o, steps: 2 }, { runDir: dir });
  const resumed = await resumeVideo(digits, { runDir: dir, steps: 4 });
  assert.equal(resumed.step, 4);
  assert.deepEqual(await weightValues(resumed.predictor), await weightValues(straight.predictor));
  assert.deepEqual(await weightValues(resumed.discriminator), await weightValues(straight.discriminator));
  const other = loadMnistPackage({ split: 'train', limitPerDigit: 1 });
  await assert.rejects(resumeVideo(other, { runDir: dir, steps: 6 }), /trained on 20 digits of mnist-package:train, not 10/);
});

test('per-frame scores: perfect, copied and blurred frames; FD in MNIST features; short sequences refused', () => {
  const seqs = movingMnist(loadMnistPackage({ split: 'test', limitPerDigit: 3 }), { count: 30, seed: 1, frames: 7, digits: 1, size: 32 });
  const truth = framesAsChannels(seqs, 4, 7);
  const mnist = loadFeatureExtractor('mnist');
  const perfect = scoreFrames(truth, truth, mnist);
  assert.deepEqual(perfect.map((s) => s.frame), [1, 2, 3]);
  for (const s of perfect) {
    assert.equal(s.mse, 0);
    assert.ok(close(s.ssim, 1) && s.fd! < 1e-6 && s.sharpness === 80 && s.edgeRatio === 1);
  }
  const copied = scoreFrames(copyLastFrame(seqs, 4, 3), truth);
  assert.ok(copied[0].mse > 0 && copied[2].mse > copied[0].mse, 'copying the last frame drifts further from the truth');
  const blurred = tf.avgPool(truth, 3, 1, 'same') as tf.Tensor4D;
  const b = scoreFrames(blurred, truth, mnist);
  assert.ok(b[0].sharpness < perfect[0].sharpness && b[0].edgeRatio < 0.9 && b[0].mse > 0 && b[0].fd! > 0);
  assert.ok(close(copied[0].edgeRatio, 1, 0.2), 'copied frames are as sharp as the truth');
  const g = framePredictor({ size: 32, context: 4, future: 3, filters: 2, seed: 1 });
  assert.deepEqual(predictFrames(g, seqs, 4).shape, [30, 32, 32, 3]);
  const short = movingMnist(digits, { count: 1, seed: 1, frames: 3, digits: 1, size: 32 });
  assert.throws(() => predictFrames(g, short, 4), /3 frames is shorter than the 4-frame context: frame 4 is missing/);
  mnist.dispose();
});
