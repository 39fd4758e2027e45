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
/** adversarial+gdl at a test's size, 4 frames in and 4 out */
const GDL_TEST: VideoOptions = { ...options, loss: 'adversarial+gdl', steps: 60, batchSize: 8, digits: 2, context: 4, future: 4, filters: 8, discriminatorFilters: 8 };
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
    if (loss === 'adversarial+gdl') assert.ok(close(losses['g/gdl'], gradientDifferenceLoss(p, truth, 2).dataSync()[0]), 'g/gdl (the default alpha 2)');
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

test("the alpha-1 GDL's minimum under an uncertain edge is a flat frame; the alpha-2 GDL's is the blurred mean", () => {
  // Truth: a vertical step edge at column 1, 2 or 3, equally likely (so no edge position has even odds, as a
  // digit's far future). MSE's minimum is their mean (a ramp); averaged over the truths the alpha-1 GDL ranks
  // a flat frame below that mean (it charges any edge not in the truth's place), alpha 2 the other way.
  const edgeAt = (c: number) => tf.tensor4d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4].map((x) => (x >= c ? 1 : 0)), [1, 2, 5, 1]);
  const truths = [edgeAt(1), edgeAt(2), edgeAt(3)];
  const mean = tf.div(tf.addN(truths), 3) as tf.Tensor4D;
  const flat = tf.fill([1, 2, 5, 1], 0.5) as tf.Tensor4D;
  const expected = (p: tf.Tensor4D, alpha: number) => truths.reduce((s, t) => s + gradientDifferenceLoss(p, t, alpha).dataSync()[0], 0) / truths.length;
  assert.ok(expected(flat, 1) < expected(mean, 1), `alpha 1: flat ${expected(flat, 1)} vs mean ${expected(mean, 1)}`);
  assert.ok(expected(mean, 2) < expected(flat, 2), `alpha 2: mean ${expected(mean, 2)} vs flat ${expected(flat, 2)}`);
});

test("adversarial+gdl with the default GDL keeps edges in its frames; the paper's alpha 1 at weight 0.5 flattened them", async () => {
  // The collapse of docs/video.md at a test's size: 60 steps of the old setting leave the predictor's
  // frames flat (its last ReLUs dead); the default alpha 2 does not.
  const seqs = movingMnist(loadMnistPackage({ split: 'test', limitPerDigit: 3 }), { count: 8, seed: 1, frames: 8, digits: 2, size: 32 });
  const edges = (x: tf.Tensor) => tf.tidy(() => tf.add(tf.sum(tf.abs(tf.sub(tf.slice(x, [0, 1, 0, 0], [-1, 31, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, 31, -1, -1])))),
    tf.sum(tf.abs(tf.sub(tf.slice(x, [0, 0, 1, 0], [-1, -1, 31, -1]), tf.slice(x, [0, 0, 0, 0], [-1, -1, 31, -1]))))).dataSync()[0]);
  const edgeRatio = async (o: Partial<VideoOptions>) => {
    const run = await trainVideo(digits, { ...GDL_TEST, ...o });
    return edges(predictFrames(run.predictor, seqs, 4)) / edges(framesAsChannels(seqs, 4, 8));
  };
  const old = await edgeRatio({ gdlAlpha: 1, lambdaGdl: 0.5 });
  const current = await edgeRatio({});
  assert.ok(old < 1e-3, `alpha 1, weight 0.5: edge ratio ${old}, expected flat frames`);
  assert.ok(current > 0.05, `default GDL: edge ratio ${current}, expected edges`);
});
