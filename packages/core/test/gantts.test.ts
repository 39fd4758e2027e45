// GAN-TTS at tiny size on a tiny espeak-ng corpus (machine speech): the networks' shapes and refusals,
// step 1's loss terms against a hand computation of the hinge sums over the window ensemble, a run
// stopped at step 2 and resumed from its directory ending bit for bit where an uninterrupted run ends (and
// its averaged G, with emaDecay),
// the fused conditional batch norm against the three ops it replaces (on cpu with core's tfjs ops, on torch with
// the native kernels), and (on the torch backend) a
// training step and synthesis with no cpu fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import {
  clipTensors, ConditionalBatchNormRelu, createRng, featureWidth, ganttsDiscriminators, ganttsGenerator, ganttsTrainable, HOP, randomNormal, resumeGantts, sampleClips, synthesize,
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
  // seeded: float32 tanh rounds to exactly 1 past |x| ~ 9, which about 1 unseeded draw in 30 reached
  const wave = g.predict([tf.randomNormal([2, 1, 8, 7], 0, 1, 'float32', 1), tf.randomNormal([2, 3], 0, 1, 'float32', 101)]) as tf.Tensor;
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

/** The layer against the ops it replaces on the active backend: its training output, gradients, moving statistics, inference output. */
function checkConditionalNorm(n: number, t: number, c: number, latent: number) {
  const layer = new ConditionalBatchNormRelu({ name: 'cbn' });
  layer.build([[n, 1, t, c], [n, latent]]);
  const values = layer.weights.map((w, i) => {
    const r = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 10 + i);
    return w.originalName.endsWith('variance') ? tf.add(tf.abs(r), 0.5) : w.originalName.endsWith('gamma') ? tf.add(r, 1) : r;
  });
  layer.setWeights(values);
  const named = (suffix: string) => layer.weights.findIndex((w) => w.originalName.split('/').pop() === suffix);
  const [gamma, beta, movingMean, movingVariance, kernel, bias] = ['gamma', 'beta', 'moving_mean', 'moving_variance', 'kernel', 'bias'].map((w) => values[named(w)]);
  const x = tf.randomNormal([n, 1, t, c], 0.5, 2, 'float32', 1);
  const z = tf.randomNormal([n, latent], 0, 1, 'float32', 2);
  const mask = tf.randomNormal([n, 1, t, c], 0, 1, 'float32', 3);
  const composed = (a: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor, k: tf.Tensor, b: tf.Tensor, stats?: [tf.Tensor, tf.Tensor]) => {
    const { mean, variance } = stats ? { mean: stats[0], variance: stats[1] } : tf.moments(a, [0, 1, 2]);
    const normed = tf.batchNorm(a, mean, variance, bt, gm, 1e-3);
    const [g, h] = tf.split(tf.add(tf.matMul(z, k), b), 2, 1);
    return tf.relu(tf.add(tf.mul(normed, tf.reshape(tf.add(g, 1), [n, 1, 1, c])), tf.reshape(h, [n, 1, 1, c])));
  };
  const near = (got: tf.Tensor, want: tf.Tensor, what: string) => {
    const worst = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
    assert.ok(worst <= 1e-5 * Math.max(1, tf.max(tf.abs(want)).dataSync()[0]), `${what}: ${worst}`);
  };
  const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, mask)) as tf.Scalar;
  const want = tf.grads((a: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => loss(composed(a, gm, bt, k, b)))([x, gamma, beta, kernel, bias]);
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => loss(layer.apply([x, z], { training: true }) as tf.Tensor), variables);
  near(value, loss(composed(x, gamma, beta, kernel, bias)), 'training output');
  assert.equal(variables.length, 4);
  ['gamma', 'beta', 'kernel', 'bias'].forEach((w, k) => near(grads[(layer.weights[named(w)].read() as tf.Variable).name], want[k + 1], `d ${w}`));
  // one training pass moved the statistics as tfjs-layers' BatchNormalization (momentum 0.9) does
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  near(layer.weights[named('moving_mean')].read(), tf.add(tf.mul(movingMean, 0.9), tf.mul(mean, 0.1)), 'moving mean');
  near(layer.weights[named('moving_variance')].read(), tf.add(tf.mul(movingVariance, 0.9), tf.mul(variance, 0.1)), 'moving variance');
  near(tf.grad((a: tf.Tensor) => loss(layer.apply([a, z], { training: true }) as tf.Tensor))(x), want[0], 'dx');
  const stats: [tf.Tensor, tf.Tensor] = [layer.weights[named('moving_mean')].read(), layer.weights[named('moving_variance')].read()];
  near(layer.apply([x, z], { training: false }) as tf.Tensor, composed(x, gamma, beta, kernel, bias, stats), 'inference output');
}

for (const backend of ['cpu', 'torch']) {
  test(`conditional batch norm + ReLU on ${backend}: output, gradients and moving statistics as batch norm, the affine map of z and ReLU in tfjs ops`,
    { skip: backend === 'torch' && !engine }, async () => {
      const before = tf.getBackend();
      await tf.setBackend(backend);
      try {
        // on torch through the native kernels (GantryConditionalBatchNormRelu and its Grad), on cpu through core's tfjs ops
        const { kernelNames } = await tf.profile(() => tf.tidy(() => {
          checkConditionalNorm(3, 5, 4, 2);
          checkConditionalNorm(8, 40, 16, 3);
          checkConditionalNorm(2, 1, 1, 1);
        }));
        const native = ['GantryConditionalBatchNormRelu', 'GantryConditionalBatchNormReluGrad'].filter((k) => kernelNames.includes(k));
        assert.deepEqual(native, backend === 'torch' ? ['GantryConditionalBatchNormRelu', 'GantryConditionalBatchNormReluGrad'] : []);
      } finally {
        await tf.setBackend(before);
      }
    });
}

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

test('emaDecay keeps an averaged G beside an unchanged raw G, restored bit for bit on resume; a decay outside (0, 1) is refused', async () => {
  const { corpus } = tinyCorpus();
  const averaging = { ...options, emaDecay: 0.5 };
  const dir = mkdtempSync(join(tmpdir(), 'gantry-gantts-ema-'));
  const stop = new AbortController();
  await trainGantts(corpus, averaging, { runDir: dir, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 2) stop.abort(); } } });
  const resumed = await resumeGantts(corpus, { runDir: dir });
  const straight = await trainGantts(corpus, averaging);
  const plain = await trainGantts(corpus, options);
  assert.equal(plain.averaged, undefined);
  assert.ok(straight.averaged && resumed.averaged);
  assert.deepEqual(await weightValues(resumed.averaged), await weightValues(straight.averaged), 'averaged G after resume');
  assert.deepEqual(await weightValues(straight.generator), await weightValues(plain.generator), 'the average does not change the raw G');
  assert.notDeepEqual(await weightValues(straight.averaged), await weightValues(straight.generator));
  assert.throws(() => ganttsTrainable(corpus, { ...options, emaDecay: 1 }), /emaDecay must lie in \(0, 1\), got 1/);
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
