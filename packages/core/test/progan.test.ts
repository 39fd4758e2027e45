// ProGAN growing 4 -> 8 px with tiny widths: the phase schedule; the fade-in of G, D and the reals against
// hand computations from the networks' own per-stage outputs at alpha 0, 0.5 and 1; a run stopped in the
// middle of the 8 px fade-in and resumed ends bit for bit as an uninterrupted one (EMA copy included); every
// kernel of a step (fade, gradient penalty, drift, DiffAugment, preview) runs natively on torch; bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import {
  discriminateAt, generateAt, memoryRunStore, proganDiscriminator, proganGenerator, proganPhase, proganSample, realAt, resumeProgan,
  trainProgan, type ProganOptions,
} from '../src/index.js';
import { weightValues } from './pix2pix-fixtures.js';
import { tinyRgbImages } from './train-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);
await tf.setBackend(engine ? 'torch' : 'cpu');

const images = tinyRgbImages;

// steps 1-4 at 4 px; 5-8 fade 8 px in (alpha 0, 0.25, 0.5, 0.75); 9-10 stable at 8 px
const options: ProganOptions = {
  seed: 3, steps: 10, batchSize: 4, resolution: 8, latentDim: 8, maxChannels: 4, channelBase: 32, phaseSteps: 4, fadeFraction: 1, emaDecay: 0.9,
};

const close = async (a: tf.Tensor, b: tf.Tensor, what: string) => {
  assert.deepEqual(a.shape, b.shape, what);
  const gap = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  assert.ok(gap < 1e-5, `${what}: max gap ${gap}`);
};

test('the phase is a pure function of the step: 4 px alone, then each stage fades in over its first part', () => {
  const schedule = { phaseSteps: 10, fadeFraction: 0.5 };
  const at = (step: number) => proganPhase(step, 32, schedule);
  assert.deepEqual(at(1), { resolution: 4, alpha: 1 });
  assert.deepEqual(at(10), { resolution: 4, alpha: 1 });
  assert.deepEqual(at(11), { resolution: 8, alpha: 0 });
  assert.deepEqual(at(13), { resolution: 8, alpha: 0.4 });
  assert.deepEqual(at(15), { resolution: 8, alpha: 0.8 });
  assert.deepEqual(at(16), { resolution: 8, alpha: 1 });
  assert.deepEqual(at(20), { resolution: 8, alpha: 1 });
  assert.deepEqual(at(21), { resolution: 16, alpha: 0 });
  assert.deepEqual(at(36), { resolution: 32, alpha: 1 });
  assert.deepEqual(at(1000), { resolution: 32, alpha: 1 });
  assert.deepEqual(proganPhase(12, 32, { phaseSteps: 10, fadeFraction: 0 }), { resolution: 8, alpha: 1 });
});

test('fade-in of G, D and the reals matches the hand computation at alpha 0, 0.5 and 1', async () => {
  const net = { resolution: 8, latentDim: 8, maxChannels: 4, channelBase: 32, seed: 1 };
  const g = proganGenerator(net);
  const d = proganDiscriminator(net);
  const z = tf.randomNormal([4, 8], 0, 1, 'float32', 2);
  const [rgb4, rgb8] = g.predict(z) as tf.Tensor[];
  const up = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [8, 8]);
  const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3);
  const pooled = tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid');
  const [logit4, logit8] = d.predict([pooled, x]) as tf.Tensor[];
  const apply = (names: string[], h: tf.Tensor) => names.reduce((t, n) => d.getLayer(n).apply(t) as tf.Tensor, h);
  const head = (h: tf.Tensor) => apply(['s4_stddev', 's4_conv', 's4_flatten', 's4_dense', 's4_logit'], h);
  for (const alpha of [0, 0.5, 1]) {
    const mix = (from: tf.Tensor, to: tf.Tensor) => tf.add(tf.mul(1 - alpha, from), tf.mul(alpha, to));
    await close(generateAt(g, z, { resolution: 8, alpha }), mix(up(rgb4), rgb8), `G at alpha ${alpha}`);
    const newStage = apply(['s8_from_rgb', 's8_conv0', 's8_conv1', 's8_pool'], x);
    await close(discriminateAt(d, x, { resolution: 8, alpha }), head(mix(apply(['s4_from_rgb'], pooled), newStage)), `D at alpha ${alpha}`);
    await close(realAt(x, { resolution: 8, alpha }), mix(up(pooled), x), `reals at alpha ${alpha}`);
  }
  await close(discriminateAt(d, x, { resolution: 8, alpha: 0 }), logit4, 'D at alpha 0 is the 4 px D of the pooled image');
  await close(discriminateAt(d, x, { resolution: 8, alpha: 1 }), logit8, 'D at alpha 1 is the 8 px D');
  await close(generateAt(g, z, { resolution: 4, alpha: 1 }), rgb4, 'G at 4 px');
  await close(realAt(x, { resolution: 4, alpha: 1 }), pooled, 'reals pooled to 4 px');
  const shown = proganSample(g, [1, 2], { resolution: 4, alpha: 1 });
  assert.deepEqual(shown.shape, [2, 8, 8, 3], 'samples at 4 px are shown at the target side');
});

test('a run stopped in the middle of the 8 px fade-in and resumed ends bit for bit as an uninterrupted one', async () => {
  const store = memoryRunStore();
  const stop = new AbortController();
  const first = await trainProgan(images(8, 8), options, { store, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 6) stop.abort(); } } });
  assert.equal(first.step, 6);
  assert.deepEqual(first.phase, { resolution: 8, alpha: 0.25 });
  const resumed = await resumeProgan(images(8, 8), { store });
  const straight = await trainProgan(images(8, 8), options, { store: memoryRunStore() });
  assert.equal(resumed.step, 10);
  assert.deepEqual(await weightValues(resumed.generator), await weightValues(straight.generator), 'generator');
  assert.deepEqual(await weightValues(resumed.averaged), await weightValues(straight.averaged), 'averaged generator');
  assert.deepEqual(await weightValues(resumed.discriminator), await weightValues(straight.discriminator), 'discriminator');
  const steps = store.metrics.filter((m) => typeof m.step === 'number' && m.event === undefined);
  assert.ok(steps.length > 0);
  for (const m of steps) assert.deepEqual([m.resolution, m.alpha], [8, m.step === 6 ? 0.25 : 1], `metrics line of step ${String(m.step)}`);
  await assert.rejects(resumeProgan(images(6, 8), { store, steps: 12 }), /trained on 8 images/);
});

test('ProGAN steps on torch use no cpu fallback: fade, gradient penalty, drift, DiffAugment, preview', { skip: !engine }, async () => {
  engine!.resetFallbackCounts();
  const r = await trainProgan(images(8, 16), { ...options, steps: 6, sampleEvery: 1, augment: ['color', 'translation', 'cutout'] }, { store: memoryRunStore() });
  assert.deepEqual(engine!.fallbackCounts(), {});
  assert.deepEqual(Object.keys(r.losses).sort(), ['alpha', 'd/drift', 'd/gp', 'd/wgan', 'g/wgan', 'resolution']);
  assert.ok(Object.values(r.losses).every(Number.isFinite), JSON.stringify(r.losses));
});

test('bad input is refused with the offending value named', async () => {
  await assert.rejects(trainProgan(images(4, 4), options), /dataset tiny holds 4 x 4 images, too small for the requested resolution 8/);
  await assert.rejects(trainProgan(images(4, 12), options), /must be square, the resolution 8 times a power of 2/);
  await assert.rejects(trainProgan(images(4, 8), { ...options, resolution: 24 }), /resolution must be one of 16, 32, 64, got 24/);
  await assert.rejects(trainProgan(images(4, 8), { ...options, fadeFraction: 2 }), /fadeFraction must lie in \[0, 1\], got 2/);
  await assert.rejects(trainProgan(images(4, 8), { ...options, phaseSteps: 0 }), /phaseSteps must be an integer >= 1, got 0/);
});
