// The study's recipe: the learning-rate schedule, flags that round-trip, objectives' settings, and a short
// run through trainGan whose learning rate really falls to zero at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { learningRateAt, parseRunSpec, RUN_SPEC_OPTIONS, specFlags, trainMixture, type RunSpec } from './recipe.js';
import { specFor } from './study.js';
import { ring8 } from '../../packages/core/src/index.js';

await tf.setBackend('cpu');

const base: RunSpec = {
  loss: 'nonsaturating', steps: 10, gHidden: [8, 8], dHidden: [8], gBatchNorm: false, maxout: 0, pack: 1, scale: 1, batch: 16,
  latentDim: 2, lr: 1e-3, dLrScale: 2, r1: 0, beta1: 0.5, beta2: 0.999, ema: 0, decay: 0.4,
};

test('the learning rate stays constant, then falls linearly to 0 over the last `decay` of the run', () => {
  // steps 10, decay 0.4: constant through step 6, then (10 - step) / 4 of it
  const expected = [1, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25, 0].map((f) => f * base.lr);
  for (let step = 1; step <= 10; step++) assert.ok(Math.abs(learningRateAt(base, step) - expected[step - 1]) < 1e-15, `step ${step}`);
  assert.equal(learningRateAt({ ...base, decay: 0 }, 10), base.lr);
});

test('specFlags writes flags that parseRunSpec reads back into the same recipe', () => {
  const spec: RunSpec = { ...base, gBatchNorm: true, maxout: 5, pack: 2, scale: 2.5, r1: 0.5, ema: 0.99 };
  const { values } = parseArgs({ args: specFlags(spec).split(' '), options: RUN_SPEC_OPTIONS });
  assert.deepEqual(parseRunSpec(values), spec);
});

test('objectives keep the base recipe and change only what their papers prescribe', () => {
  const wgan = specFor('wgan', { ...base, steps: 1000 });
  assert.equal(wgan.steps, 200);
  assert.equal(wgan.criticSteps, 5);
  assert.equal(wgan.clip, 0.01);
  assert.equal(wgan.rmsprop, true);
  const gp = specFor('wgan-gp', { ...base, steps: 1000 });
  assert.deepEqual([gp.beta1, gp.beta2, gp.gp, gp.steps], [0, 0.9, 10, 200]);
  assert.equal(specFor('nonsaturating+mbd', base).minibatchDiscrimination, true);
  assert.equal(specFor('minimax', base).loss, 'minimax');
  assert.equal(specFor('minimax', base).gHidden, base.gHidden);
  // --budget generator-steps: every objective makes --steps generator steps; the Wasserstein ones drop R1
  const equal = specFor('wgan-gp', { ...base, steps: 1000, r1: 1 }, 'generator-steps');
  assert.deepEqual([equal.steps, equal.criticSteps, equal.r1], [1000, 5, 0]);
  assert.equal(specFor('wgan', { ...base, r1: 1 }, 'generator-steps').r1, 0);
  assert.equal(specFor('nonsaturating', { ...base, steps: 1000, r1: 1 }, 'generator-steps').r1, 1);
});

test('without a decay the learning rates stay put, the discriminator\'s scaled', async () => {
  const trained = await trainMixture({ ...base, decay: 0, steps: 2 }, ring8(), 4);
  try {
    assert.deepEqual(trained.finalLearningRates, { generator: base.lr, discriminator: base.lr * 2 });
    assert.equal(trained.sampler, trained.generator);
  } finally {
    trained.dispose();
  }
});

test('trainMixture trains through trainGan and decays both learning rates to zero by the last step', async () => {
  const seen: Array<{ step: number; label: string }> = [];
  const trained = await trainMixture({ ...base, ema: 0.9 }, ring8(), 3, {
    evalEvery: 5, onEval: (label, samples, step) => { assert.deepEqual(samples.shape, [2500, 2]); seen.push({ step, label }); },
  });
  try {
    assert.deepEqual(seen, [{ step: 5, label: 'G' }, { step: 5, label: 'EMA' }, { step: 10, label: 'G' }, { step: 10, label: 'EMA' }]);
    assert.notEqual(trained.sampler, trained.generator);
    assert.deepEqual(trained.finalLearningRates, { generator: 0, discriminator: 0 });
  } finally {
    trained.dispose();
  }
});
