// Each loss against its formula computed in float64 here, and its gradient against the analytic derivative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  auxiliaryClassLoss, hingeLoss, leastSquaresLoss, lossByName, minimaxLoss, nonSaturating, nonSaturatingLoss,
  optimizerPreset, optimizerSpecsForLoss, presetForLoss, smoothRealLabels, wassersteinLoss, type GanLoss,
} from '../src/index.js';

await tf.setBackend('cpu');

const real = [2.0, -0.5, 0.3, 4.0];
const fake = [-1.5, 0.7, -3.0, 0.1];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const close = (a: number, b: number, what: string, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function value(f: () => tf.Scalar): number { return f().dataSync()[0]; }
function gradOf(f: (x: tf.Tensor) => tf.Scalar, x: number[]): number[] {
  return Array.from(tf.grad(f)(tf.tensor1d(x)).dataSync());
}

const bce = (x: number, t: number) => -(t * Math.log(sigmoid(x)) + (1 - t) * Math.log(1 - sigmoid(x)));
const cases: Array<{ loss: GanLoss; d: (r: number[], f: number[]) => number; g: (f: number[]) => number; dg: (f: number) => number }> = [
  { loss: minimaxLoss, d: (r, f) => mean(r.map((x) => bce(x, 1))) + mean(f.map((x) => bce(x, 0))),
    g: (f) => mean(f.map((x) => Math.log(1 - sigmoid(x)))), dg: (x) => -sigmoid(x) },
  { loss: nonSaturatingLoss, d: (r, f) => mean(r.map((x) => bce(x, 1))) + mean(f.map((x) => bce(x, 0))),
    g: (f) => mean(f.map((x) => -Math.log(sigmoid(x)))), dg: (x) => -(1 - sigmoid(x)) },
  { loss: wassersteinLoss, d: (r, f) => mean(f) - mean(r), g: (f) => -mean(f), dg: () => -1 },
  { loss: hingeLoss, d: (r, f) => mean(r.map((x) => Math.max(0, 1 - x))) + mean(f.map((x) => Math.max(0, 1 + x))),
    g: (f) => -mean(f), dg: () => -1 },
  { loss: leastSquaresLoss, d: (r, f) => 0.5 * mean(r.map((x) => (x - 1) ** 2)) + 0.5 * mean(f.map((x) => x * x)),
    g: (f) => 0.5 * mean(f.map((x) => (x - 1) ** 2)), dg: (x) => x - 1 },
];

for (const c of cases) {
  test(`${c.loss.name}: values match the formula; generator gradient matches the derivative`, () => {
    close(value(() => c.loss.discriminator(tf.tensor1d(real), tf.tensor1d(fake))), c.d(real, fake), 'D loss');
    close(value(() => c.loss.generator(tf.tensor1d(fake))), c.g(fake), 'G loss');
    const g = gradOf((x) => c.loss.generator(x), fake);
    g.forEach((v, i) => close(v, c.dg(fake[i]) / fake.length, `dG/dfake[${i}]`));
  });
}

test('minimax saturates where non-saturating does not: gradient size on confidently rejected fakes', () => {
  const rejected = [-8, -9];
  const mm = gradOf((x) => minimaxLoss.generator(x), rejected);
  const ns = gradOf((x) => nonSaturatingLoss.generator(x), rejected);
  for (let i = 0; i < 2; i++) {
    assert.ok(mm[i] < 0 && ns[i] < 0, 'both push fake logits up');
    assert.ok(Math.abs(ns[i]) > 100 * Math.abs(mm[i]), `ns ${ns[i]} vs minimax ${mm[i]}`);
  }
});

test('discriminator gradients push real logits up and fake logits down', () => {
  for (const c of cases) {
    const dr = gradOf((x) => c.loss.discriminator(x, tf.tensor1d(fake)), [-0.2, 0.1]);
    const df = gradOf((x) => c.loss.discriminator(tf.tensor1d(real), x), [0.2, 0.5]);
    dr.forEach((v) => assert.ok(v < 0, `${c.loss.name} real grad ${v}`));
    df.forEach((v) => assert.ok(v > 0, `${c.loss.name} fake grad ${v}`));
  }
});

test('one-sided label smoothing changes only the real term', () => {
  const smoothed = smoothRealLabels(nonSaturatingLoss, 0.9);
  const expected = mean(real.map((x) => bce(x, 0.9))) + mean(fake.map((x) => bce(x, 0)));
  close(value(() => smoothed.discriminator(tf.tensor1d(real), tf.tensor1d(fake))), expected, 'smoothed D loss');
  close(value(() => smoothed.generator(tf.tensor1d(fake))), value(() => nonSaturatingLoss.generator(tf.tensor1d(fake))), 'G unchanged');
  assert.throws(() => nonSaturating({ realLabel: 1.5 }), /realLabel/);
  assert.throws(() => lossByName('wgan', { realLabel: 0.9 }), /no meaning/);
});

test('lossByName maps names, wgan-gp to the Wasserstein loss, and rejects unknown names', () => {
  assert.equal(lossByName('wgan-gp'), wassersteinLoss);
  assert.equal(lossByName('hinge'), hingeLoss);
  assert.equal(lossByName('lsgan').name, 'lsgan');
  assert.throws(() => lossByName('bogus' as never), /unknown loss 'bogus'/);
  assert.throws(() => nonSaturatingLoss.generator(tf.tensor1d([1], 'int32')), /float32/);
});

test('auxiliaryClassLoss is the mean softmax cross-entropy, for [N] and [N, 1] labels', () => {
  const logits = [[1, 2, 0.5], [0.1, -1, 3]];
  const labels = [1, 0];
  const expected = mean(logits.map((row, i) => {
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    return lse - row[labels[i]];
  }));
  close(value(() => auxiliaryClassLoss(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'))), expected, 'aux [N]');
  close(value(() => auxiliaryClassLoss(tf.tensor2d(logits), tf.tensor2d(labels, [2, 1], 'int32'))), expected, 'aux [N,1]');
  assert.throws(() => auxiliaryClassLoss(tf.tensor2d(logits), tf.tensor1d([0, 1, 2], 'int32')), /labels must be \[2\]/);
});

test('optimizer presets carry the papers\' settings', () => {
  const dcgan = optimizerPreset('dcgan');
  const adam = dcgan.generator().getConfig();
  assert.deepEqual([adam.learningRate, adam.beta1, dcgan.criticSteps, dcgan.clip], [2e-4, 0.5, 1, undefined]);
  const wgan = optimizerPreset('wgan');
  assert.equal(wgan.discriminator().getClassName(), 'RMSProp');
  assert.deepEqual([wgan.discriminator().getConfig().learningRate, wgan.criticSteps, wgan.clip], [5e-5, 5, 0.01]);
  const gp = optimizerPreset('wgan-gp');
  const gpAdam = gp.discriminator().getConfig();
  assert.deepEqual([gpAdam.learningRate, gpAdam.beta1, gpAdam.beta2, gp.criticSteps, gp.gradientPenalty], [1e-4, 0, 0.9, 5, 10]);
  assert.throws(() => optimizerPreset('sgd' as never), /unknown optimizer preset 'sgd'/);
  assert.throws(() => optimizerPreset('toString' as never), /unknown optimizer preset 'toString'/);
});

test('each loss trains with its paper\'s optimizer at the rates asked for', () => {
  assert.deepEqual(['minimax', 'nonsaturating', 'hinge', 'lsgan', 'wgan', 'wgan-gp'].map((l) => presetForLoss(l as never)),
    ['dcgan', 'dcgan', 'dcgan', 'dcgan', 'wgan', 'wgan-gp']);
  assert.deepEqual(optimizerSpecsForLoss('hinge', { generator: 1e-3 }), {
    generator: { kind: 'adam', learningRate: 1e-3, beta1: 0.5, beta2: 0.999 },
    discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
  });
  assert.deepEqual(optimizerSpecsForLoss('wgan-gp', { generator: 3e-4, discriminator: 3e-4 }).discriminator,
    { kind: 'adam', learningRate: 3e-4, beta1: 0, beta2: 0.9 });
  assert.equal(optimizerSpecsForLoss('wgan').generator.kind, 'rmsprop');
});
