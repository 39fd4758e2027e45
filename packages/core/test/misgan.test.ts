// MisGAN (issue 18): the loss terms against hand computation, a few steps on a tiny table, and a run stopped at
// step k and continued to 2k into fresh networks, bit for bit equal to an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  continueTraining, createRng, criticLoss, criticOf, denseNetwork, imputationRmse, imputeBatch, imputerOutput, impute, latestCheckpointOf, maskData,
  maskProbabilities, memoryRunStore, misganModels, misganTrainable, observedMismatch, playerLoss, removeCompletelyAtRandom, resumeMisgan, runNetwork,
  startTraining, trainMisgan, type LossTerms, type MisganOptions,
} from '../src/index.js';
import { correlatedTable } from './table-fixtures.js';
import { weightsByModel } from './train-fixtures.js';

await tf.setBackend('cpu');

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs hand ${expected}`);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

test('maskData, the mask probabilities, the imputer\'s completion and its mismatch term equal their hand computation', () => {
  const x = [[0.2, 0.9, 0.4], [0.7, 0.1, 0.5]];
  const m = [[1, 0, 1], [0, 1, 1]];
  const masked = maskData(tf.tensor2d(x), tf.tensor2d(m), 0.25).arraySync();
  assert.deepEqual(masked.map((r) => r.map((v) => Number(v.toFixed(6)))), [[0.2, 0.25, 0.4], [0.25, 0.1, 0.5]]);
  const logits = [[-1, 0, 2]];
  const p = maskProbabilities(tf.tensor2d(logits), 0.66).arraySync()[0];
  logits[0].forEach((l, j) => close(p[j], sigmoid(l / 0.66), `mask probability ${j}`));
  // a one-layer imputer: out = sigmoid((x m + w (1 - m)) K + b), kept where observed
  const imputer = denseNetwork(createRng(3), [3, 3], { init: 'torch-uniform' });
  const [kernel, bias] = imputer.getWeights().map((w) => w.arraySync() as number[][] & number[]);
  const noise = [[0.5, 0.3, 0.8], [0.6, 0.2, 0.9]];
  const completed = imputeBatch(imputer, tf.tensor2d(x), tf.tensor2d(m), tf.tensor2d(noise)).arraySync();
  x.forEach((row, i) => row.forEach((v, j) => {
    const input = row.map((xv, k) => xv * m[i][k] + noise[i][k] * (1 - m[i][k]));
    const out = sigmoid(input.reduce((s, u, k) => s + u * kernel[k][j], bias[j]));
    close(completed[i][j], m[i][j] ? v : out, `completion [${i}, ${j}]`);
  }));
  // the mismatch term: squared error of I's raw output on the observed entries, averaged over them
  const out = imputerOutput(imputer, tf.tensor2d(x), tf.tensor2d(m), tf.tensor2d(noise)).arraySync();
  let sq = 0;
  x.forEach((row, i) => row.forEach((v, j) => { sq += m[i][j] * (out[i][j] - v) ** 2; }));
  close(observedMismatch(tf.tensor2d(x), tf.tensor2d(m), tf.tensor2d(out)).dataSync()[0], sq / 4, 'observed mismatch');
});

test('a critic\'s loss is mean D(fake) - mean D(real) plus the gradient penalty; a player\'s is -mean D(its output)', () => {
  // A linear critic D(x) = x . w + b has gradient w everywhere, so the penalty is weight * (|w| - 1)^2 whatever the epsilons.
  const critic = denseNetwork(createRng(5), [3, 1], { init: 'torch-uniform' });
  const [w, b] = critic.getWeights().map((t) => t.dataSync());
  const D = (row: number[]) => row.reduce((s, v, k) => s + v * w[k], b[0]);
  const real = [[0.1, 0.2, 0.3], [0.9, 0.5, 0.4]];
  const fake = [[0.6, 0.6, 0.1], [0.2, 0.8, 0.7]];
  const mean = (rows: number[][]) => rows.reduce((s, r) => s + D(r), 0) / rows.length;
  const parts: LossTerms = {};
  const total = criticLoss(parts, 'd/data', criticOf(critic), tf.tensor2d(real), tf.tensor2d(fake), createRng(1), 10).dataSync()[0];
  const norm = Math.hypot(...w);
  close(parts['d/data'].dataSync()[0], mean(fake) - mean(real), 'Wasserstein part');
  close(parts['d/data_gp'].dataSync()[0], 10 * (norm - 1) ** 2, 'gradient penalty');
  close(total, mean(fake) - mean(real) + 10 * (norm - 1) ** 2, 'critic loss');
  close(playerLoss(criticOf(critic), tf.tensor2d(fake)).dataSync()[0], -mean(fake), 'player loss');
  tf.dispose(Object.values(parts));
});

const tiny: MisganOptions = { seed: 7, steps: 4, batchSize: 8, criticSteps: 2, latentDim: 4, width: 8, gamma: 1 };

test('a few MisGAN steps on a tiny table: finite losses, observed cells kept, discrete columns rounded, no tensor left', async () => {
  const truth = correlatedTable(60, 1);
  const { data, removed } = removeCompletelyAtRandom(truth, 0.2, createRng(2));
  const before = tf.memory().numTensors;
  const seen: Record<string, number>[] = [];
  const imputer = await trainMisgan(data, tiny, { onProgress: (p) => seen.push(p.losses), progressEvery: 2 });
  const filled = imputer.impute(data, { draws: 3 });
  imputer.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(seen.map((l) => Object.keys(l).sort()), Array(3).fill(
    ['d/data', 'd/data_gp', 'd/impute', 'd/impute_gp', 'd/mask', 'd/mask_gp', 'g/data', 'g/data_impute', 'g/impute', 'g/impute_observed', 'g/mask', 'g/mask_data']));
  assert.ok(seen.every((l) => Object.values(l).every(Number.isFinite)));
  for (let k = 0; k < data.values.length; k++) {
    if (!Number.isNaN(data.values[k])) assert.equal(filled.values[k], data.values[k]);
    else if (k % 4 === 3) assert.equal(filled.values[k], Math.round(filled.values[k]));
  }
  assert.ok(Number.isFinite(imputationRmse(truth, filled, removed)));
  await assert.rejects(trainMisgan(data, { ...tiny, width: 0 }), /width must be an integer >= 1, got 0/);
  await assert.rejects(trainMisgan(data, { ...tiny, temperature: 0 }), /temperature must be > 0, got 0/);
});


test('MisGAN stopped at step k and continued to 2k into fresh networks equals an uninterrupted run, bit for bit', async () => {
  const { data } = removeCompletelyAtRandom(correlatedTable(40, 3), 0.3, createRng(4));
  const k = 3;
  const straight = misganTrainable(data, tiny);
  const s = await startTraining(straight.trainable, { steps: 2 * k, rng: straight.rng, progress: 'off' });
  const store = memoryRunStore();
  const first = misganTrainable(data, tiny);
  await startTraining(first.trainable, { steps: k, rng: first.rng, progress: 'off', store });
  const second = misganTrainable(data, tiny);
  const checkpoint = (await latestCheckpointOf(store, 'misgan'))!;
  assert.equal(checkpoint.state.step, k);
  assert.deepEqual(checkpoint.state.optimizers.sort(), ['critics', 'dataGenerator', 'imputer', 'imputerCritic', 'maskGenerator']);
  const r = await continueTraining(second.trainable, checkpoint, { steps: 2 * k, progress: 'off', store });
  assert.deepEqual(weightsByModel(r.models), weightsByModel(s.models));
  assert.deepEqual(r.rngState, s.rngState);
  // the public resume: from the store's step-2k checkpoint to 2k + 1, its imputer fills the table
  const more = await resumeMisgan(data, { store, steps: 2 * k + 1 });
  assert.equal(more.impute(data).values.some(Number.isNaN), false);
  more.dispose();
  for (const run of [s, r]) for (const m of Object.values(run.models)) m.dispose();
  for (const t of [straight, first, second]) for (const o of Object.values(t.trainable.optimizers)) o.dispose();
});

test('impute(..., { method: "misgan" }) trains MisGAN on the table and fills every gap', async () => {
  const { data } = removeCompletelyAtRandom(correlatedTable(50, 5), 0.2, createRng(6));
  const { data: filled, report } = await impute(data, { seed: 1, method: 'misgan', misgan: { steps: 2, batchSize: 8, criticSteps: 1, width: 8, latentDim: 4 } });
  assert.equal(report, undefined);
  assert.equal(filled.values.some(Number.isNaN), false);
});

test('conv28: the authors\' convolutional generators and critics map rows of 784 pixels, are drawn alike from a seed and train a step', async () => {
  const rng = createRng(8);
  const values = Float64Array.from({ length: 6 * 784 }, () => (rng.next() < 0.5 ? NaN : rng.next()));
  for (let j = 0; j < 784; j++) values[j] = 0.5;
  const data = { rows: 6, cols: 784, values };
  const options: MisganOptions = { seed: 2, steps: 1, batchSize: 4, criticSteps: 1, latentDim: 3, width: 2, architecture: 'conv28', roundColumns: new Array(784).fill(false) };
  const shape = { dim: 784, latentDim: 3, width: 2 };
  const [a, b] = [misganModels('conv28', createRng(1), shape), misganModels('conv28', createRng(1), shape)];
  assert.deepEqual(weightsByModel({ g: a.dataGenerator, d: a.imputerCritic }), weightsByModel({ g: b.dataGenerator, d: b.imputerCritic }));
  assert.deepEqual(runNetwork(a.dataGenerator, tf.zeros([5, 3])).shape, [5, 784]);
  assert.deepEqual(runNetwork(a.dataCritic, tf.zeros([5, 784])).shape, [5, 1]);
  [...Object.values(a), ...Object.values(b)].forEach((m) => m.dispose());
  const t = misganTrainable(data, options);
  const r = await startTraining(t.trainable, { steps: 1, rng: t.rng, progress: 'off' });
  assert.ok(Object.values(r.losses).every(Number.isFinite), JSON.stringify(r.losses));
  for (const m of Object.values(r.models)) m.dispose();
  assert.throws(() => misganTrainable({ rows: 2, cols: 3, values: new Float64Array(6) }, { ...options, roundColumns: undefined }), /conv28 networks take 28 x 28 = 784 columns, the data has 3/);
});
