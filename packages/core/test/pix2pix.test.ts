// pix2pix on the one loop: a run SIGKILLed mid-way and resumed ends bit for bit where an uninterrupted
// run ends; the step with one G forward computes what the authors' order computes with G run twice; the
// ablation's objectives train the networks they should; G learns; bad resumes are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  createRng, memoryRunStore, minimize, nonSaturating, pix2pixTrainable, resumePix2pix, samplePairs, SINGLE_PROCESS, term, trainPix2pix,
  translateImages, translationMetrics,
} from '../src/index.js';
import { withSeededMathRandom } from '../src/train/seeded-math-random.js';
import { offTape } from '../src/gans/pix2pix/off-tape.js';
import { killChildAfter } from './kill-child.js';
import { tinyOptions, tinyPairs, weightValues } from './pix2pix-fixtures.js';

await tf.setBackend('cpu');

test('pix2pix killed mid-run and resumed ends bit for bit where an uninterrupted run ends', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-pix2pix-resume-'));
  const steps = tinyOptions.steps!;
  await killChildAfter(new URL('./pix2pix-resume-child.ts', import.meta.url), [runDir], steps / 2);
  const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step as number;
  assert.ok(latest >= steps / 2 && latest < steps, `killed at checkpoint ${latest}, expected mid-run`);
  const resumed = await resumePix2pix(tinyPairs(), { runDir });
  const straight = await trainPix2pix(tinyPairs(), tinyOptions);
  assert.equal(resumed.step, steps);
  assert.deepEqual(await weightValues(resumed.generator), await weightValues(straight.generator));
  assert.deepEqual(await weightValues(resumed.discriminator), await weightValues(straight.discriminator));
});

test('offTape: a gradient taken inside is its own, and what runs inside is a constant to the enclosing gradient', () => {
  const w = tf.variable(tf.scalar(3));
  const v = tf.variable(tf.scalar(5));
  let inner = NaN;
  let insideValue = NaN;
  const { grads } = tf.variableGrads(() => {
    const y = tf.mul(w, w);   // dy/dw = 2w = 6
    const z = offTape(() => {
      inner = tf.variableGrads(() => tf.mul(v, tf.mul(v, v)) as tf.Scalar, [v]).grads[v.name].dataSync()[0];   // 3 v^2 = 75
      return tf.mul(y, v);   // w^2 v, a constant to the enclosing gradient
    });
    insideValue = z.dataSync()[0];
    return tf.add(y, z) as tf.Scalar;   // d/dw = 6 (the constant adds nothing), not 6 + 2 w v = 36
  }, [w]);
  assert.equal(inner, 75);
  assert.equal(insideValue, 45);
  assert.equal(grads[w.name].dataSync()[0], 6);
  assert.equal(tf.engine().state.gradientDepth, 0);
  tf.dispose([w, v, grads[w.name]]);
});

test('one G forward a step: the weights equal those of the authors\' order run with a second G forward (same masks)', () => {
  const pairs = tinyPairs();
  const options = { ...tinyOptions, lambda: 7 };
  const [stepped, twin] = [pix2pixTrainable(pairs, options), pix2pixTrainable(pairs, options)];
  const [rngStepped, rngTwin] = [createRng(11), createRng(11)];
  const G = twin.models.generator;
  const D = twin.models.discriminator;
  const gan = nonSaturating();
  const judge = (source: tf.Tensor, image: tf.Tensor) => D.apply([source, image], { training: true }) as tf.Tensor;
  const trainable = (m: tfl.LayersModel) => m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
  for (let step = 1; step <= 3; step++) {
    const env = { step, totalSteps: 3, replicas: SINGLE_PROCESS };
    const losses = stepped.step({ ...env, rng: rngStepped });
    // by hand on the twin, as the step was written before: G's forward for D's update outside any tape,
    // D's update, then G's update through a second forward drawing the same dropout masks
    const { source, target, labels } = samplePairs(pairs, rngTwin, options.batchSize!);
    labels?.dispose();
    const dropoutSeed = rngTwin.int(2 ** 31);
    const generate = () => withSeededMathRandom(createRng(dropoutSeed), () => G.apply(source, { training: true }) as tf.Tensor);
    const fake = tf.tidy(generate);
    const d = minimize(env, D, twin.optimizers.discriminator, (parts) =>
      term(parts, 'd/adversarial', tf.mul(0.5, gan.discriminator(judge(source, target), judge(source, fake)))));
    const g = minimize(env, G, twin.optimizers.generator, (parts) => {
      const output = generate();
      const adv = term(parts, 'g/adversarial', gan.generator(judge(source, output)));
      return tf.add(adv, tf.mul(7, term(parts, 'g/l1', tf.mean(tf.abs(tf.sub(output, target))))));
    });
    tf.dispose([source, target, fake]);
    assert.deepEqual(losses, { ...d, ...g }, `step ${step}'s loss terms`);
  }
  assert.deepEqual(trainable(stepped.models.generator), trainable(G));
  assert.deepEqual(trainable(stepped.models.discriminator), trainable(D));
  // D ran three times a step on both sides, so its batch-norm statistics agree as well
  assert.deepEqual(stepped.models.discriminator.getWeights().map((w) => Array.from(w.dataSync())), D.getWeights().map((w) => Array.from(w.dataSync())));
});

test('the ablation: l1 has no D and no adversarial term, adversarial no L1 term', async () => {
  const l1 = await trainPix2pix(tinyPairs(), { ...tinyOptions, steps: 1, objective: 'l1' });
  assert.equal(l1.discriminator, undefined);
  assert.deepEqual(Object.keys(l1.losses).sort(), ['g/l1']);
  const adv = await trainPix2pix(tinyPairs(), { ...tinyOptions, steps: 1, objective: 'adversarial' });
  assert.deepEqual(Object.keys(adv.losses).sort(), ['d/adversarial', 'g/adversarial']);
  const both = await trainPix2pix(tinyPairs(), { ...tinyOptions, steps: 1 });
  assert.deepEqual(Object.keys(both.losses).sort(), ['d/adversarial', 'g/adversarial', 'g/l1']);
});

test('G learns the mapping (L1 falls), translations repeat under a seed, a resume on other pairs is refused', async () => {
  const pairs = tinyPairs();
  const store = memoryRunStore();
  const before = (await trainPix2pix(pairs, { ...tinyOptions, steps: 0 })).generator;
  const m0 = translationMetrics(before, pairs);
  const r = await trainPix2pix(pairs, { ...tinyOptions, steps: 30, learningRateDecay: 0 }, { store });
  const m1 = translationMetrics(r.generator, pairs);
  assert.ok(m1.l1 < 0.9 * m0.l1, `L1 ${m0.l1} -> ${m1.l1}`);
  assert.ok(m1.psnr > m0.psnr && Number.isFinite(m1.ssim) && m1.count === 6);
  const [a, b] = [translateImages(r.generator, pairs.source, { seed: 1 }), translateImages(r.generator, pairs.source, { seed: 1 })];
  assert.deepEqual(a.shape, [6, 16, 16, 3]);
  assert.deepEqual(await a.data(), await b.data());
  await assert.rejects(resumePix2pix(tinyPairs(4), { store, steps: 40 }), /was trained on 6 pairs of \[16,16,3\] -> \[16,16,3\], not 4/);
});
