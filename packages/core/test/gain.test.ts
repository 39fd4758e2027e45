import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  chainedRegressionImpute, createRng, denseNetwork, gainBatchTensors, gainDiscriminatorLoss, gainGenerate,
  gainGeneratorLoss, gainTrainable, imputationRmse, meanImpute, removeCompletelyAtRandom, startTraining, trainAnomalyGan, trainGain,
  type GainBatch,
} from '../src/index.js';
import { correlatedTable } from './table-fixtures.js';

await tf.setBackend('cpu');

function randomBatch(rows: number, cols: number, seed: number): GainBatch {
  const rng = createRng(seed);
  const n = rows * cols;
  const mask = new Float64Array(n).map(() => (rng.next() < 0.7 ? 1 : 0));
  const x = new Float64Array(n).map((_, k) => (mask[k] ? rng.next() : 0.01 * rng.next()));
  const hint = new Float64Array(n).map((_, k) => (rng.next() < 0.9 ? mask[k] : 0));
  return { rows, cols, x, mask, hint };
}

/** A dense network's layers as plain arrays: kernel [inputs x outputs] row-major, bias. */
function denseWeights(net: tfl.LayersModel): { w: Float32Array; b: Float32Array; inputs: number; outputs: number }[] {
  const weights = net.getWeights();
  return Array.from({ length: weights.length / 2 }, (_, l) => {
    const [w, b] = [weights[2 * l], weights[2 * l + 1]];
    return { w: w.dataSync() as Float32Array, b: b.dataSync() as Float32Array, inputs: w.shape[0], outputs: w.shape[1] ?? 0 };
  });
}

// The networks evaluated in float64 plain JS from the weights: x W + b per layer, ReLU between, linear last.
function plainForward(net: tfl.LayersModel, x: number[][]): number[][] {
  const layers = denseWeights(net);
  let h = x;
  layers.forEach((l, li) => {
    h = h.map((row) => Array.from({ length: l.outputs }, (_, j) => {
      let s = l.b[j];
      for (let k = 0; k < l.inputs; k++) s += row[k] * l.w[k * l.outputs + j];
      return li + 1 < layers.length ? Math.max(0, s) : s;
    }));
  });
  return h;
}
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

// GAIN's losses as the paper writes them (Yoon et al. 2018, eqs. 4-6 and the authors' code), with probabilities
// and logs, weighted by w (all ones in the authors' code form).
function paperLosses(g: tfl.LayersModel, d: tfl.LayersModel, b: GainBatch, alpha: number): { d: number; adversarial: number; mse: number; g: number } {
  const rows = Array.from({ length: b.rows }, (_, i) => i);
  const at = (a: ArrayLike<number>, i: number, j: number) => a[i * b.cols + j];
  const cols = Array.from({ length: b.cols }, (_, j) => j);
  const gOut = plainForward(g, rows.map((i) => [...cols.map((j) => at(b.x, i, j)), ...cols.map((j) => at(b.mask, i, j))])).map((r) => r.map(sigmoid));
  const xHat = rows.map((i) => cols.map((j) => at(b.mask, i, j) * at(b.x, i, j) + (1 - at(b.mask, i, j)) * gOut[i][j]));
  const p = plainForward(d, rows.map((i) => [...xHat[i], ...cols.map((j) => at(b.hint, i, j))])).map((r) => r.map(sigmoid));
  const w = (i: number, j: number) => (b.lossWeight ? at(b.lossWeight, i, j) : 1);
  let wSum = 0, dSum = 0, advSum = 0, sq = 0, mSum = 0;
  for (const i of rows) {
    for (const j of cols) {
      const m = at(b.mask, i, j);
      wSum += w(i, j);
      dSum += w(i, j) * (m * Math.log(p[i][j]) + (1 - m) * Math.log(1 - p[i][j]));
      advSum += w(i, j) * (1 - m) * Math.log(p[i][j]);
      sq += (m * at(b.x, i, j) - m * gOut[i][j]) ** 2;
      mSum += m;
    }
  }
  const n = b.rows * b.cols;
  const mse = sq / n / (mSum / n);
  return { d: -dSum / wSum, adversarial: -advSum / wSum, mse, g: -advSum / wSum + alpha * mse };
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${what}: tfjs ${actual} vs paper form ${expected}`);
}

for (const weighted of [false, true]) {
  test(`GAIN's tfjs losses equal the paper's on fixed weights and batch (${weighted ? "paper's hint: loss on hidden entries only" : "authors' code: loss on all entries"})`, () => {
    const rows = 9;
    const cols = 4;
    const rng = createRng(3);
    const g = denseNetwork(rng, [2 * cols, 6, 6, cols]);
    const d = denseNetwork(rng, [2 * cols, 6, 6, cols]);
    // Non-zero biases, so that a bias left out of the forward pass would show.
    for (const layer of [...g.layers, ...d.layers]) {
      const [kernel, bias] = layer.getWeights();
      layer.setWeights([kernel, tf.tensor1d(Float32Array.from({ length: bias.shape[0] }, () => 0.3 * rng.normal()))]);
    }
    const b = randomBatch(rows, cols, 11);
    if (weighted) b.lossWeight = Array.from(b.hint, (_, k) => (k % 3 === 0 ? 0 : 1));
    const alpha = 10;
    const expected = paperLosses(g, d, b, alpha);
    assert.ok(expected.adversarial > 1e-3 && expected.mse > 1e-3, 'both generator terms are non-trivial');
    const t = gainBatchTensors(b);
    const generated = gainGenerate(g, t);
    assertClose(gainDiscriminatorLoss(d, t, generated).dataSync()[0], expected.d, 'discriminator loss');
    const gl = gainGeneratorLoss(d, t, generated, alpha);
    assertClose(gl.adversarial.dataSync()[0], expected.adversarial, 'generator adversarial loss');
    assertClose(gl.reconstruction.dataSync()[0], expected.mse, 'reconstruction MSE');
    assertClose(gl.total.dataSync()[0], expected.g, 'generator loss');
  });
}

test('trained GAIN beats column means on correlated data, keeps observed entries and rounds discrete columns', async () => {
  const truth = correlatedTable(400, 1);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(2));
  const imputer = await trainGain(amputed.data, { seed: 5, iterations: 300, learningRate: 0.005 });
  const filled = imputer.impute(amputed.data);
  for (let k = 0; k < truth.values.length; k++) {
    if (amputed.removed[k]) assert.ok(Number.isFinite(filled.values[k]));
    else assert.ok(Object.is(filled.values[k], amputed.data.values[k]), `observed entry ${k} changed`);
    if (k % 4 === 3) assert.ok(Number.isInteger(filled.values[k]), 'the discrete column is rounded');
  }
  const gain = imputationRmse(truth, filled, amputed.removed);
  const mean = imputationRmse(truth, meanImpute(amputed.data), amputed.removed);
  assert.ok(gain < 0.8 * mean, `GAIN RMSE ${gain} should be well below column-mean RMSE ${mean}`);
  // Same seed, same imputer.
  const again = (await trainGain(amputed.data, { seed: 5, iterations: 300, learningRate: 0.005 })).impute(amputed.data);
  assert.deepEqual(Array.from(again.values), Array.from(filled.values));
});

test('chained regression recovers an exact linear relation; mean imputation fills with the observed mean', () => {
  const rows = 200;
  const rng = createRng(4);
  const values = new Float64Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    const a = rng.normal();
    const b = rng.normal();
    values.set([a, b, 3 * a - 2 * b + 1], i * 3);
  }
  const truth = { rows, cols: 3, values };
  // Remove a fifth of the last column only: then each missing entry is determined by its row's other two.
  const removed = new Uint8Array(rows * 3).map((_, k) => (k % 3 === 2 && Math.floor(k / 3) % 5 === 0 ? 1 : 0));
  const data = { ...truth, values: values.map((v, k) => (removed[k] ? NaN : v)) };
  const chained = imputationRmse(truth, chainedRegressionImpute(data, { sweeps: 2, ridge: 1e-10 }), removed);
  const mean = imputationRmse(truth, meanImpute(data), removed);
  assert.ok(mean > 0.1, `mean imputation should be poor here (${mean})`);
  assert.ok(chained < 1e-4, `chained ${chained} vs mean ${mean}`);

  const small = { rows: 3, cols: 2, values: Float64Array.from([1, NaN, 3, 4, NaN, 8]) };
  assert.deepEqual(Array.from(meanImpute(small).values), [1, 6, 3, 4, 2, 8]);
});

test('imputationRmse scores only removed entries, in units of each column\'s range', () => {
  const truth = { rows: 3, cols: 2, values: Float64Array.from([0, 0, 5, 10, 10, 20]) };
  const imputed = { rows: 3, cols: 2, values: Float64Array.from([99, 2, 5, 10, 10, 20]) };
  const removed = Uint8Array.from([0, 1, 0, 0, 0, 0]);
  // Column 1 spans 0..20; the one removed entry is off by 2 -> 0.1 (up to the 1e-6 range guard).
  assert.ok(Math.abs(imputationRmse(truth, imputed, removed) - 0.1) < 1e-6);
  assert.throws(() => imputationRmse(truth, imputed, new Uint8Array(6)), /no removed entries/);
});

test('GAIN names a column that has no observed value', async () => {
  const m = { rows: 2, cols: 2, values: Float64Array.from([1, NaN, 2, NaN]), names: ['x', 'empty'] };
  await assert.rejects(trainGain(m, { seed: 0, iterations: 1 }), /column "empty" \(column 2\) has no observed value/);
});

test('GAIN with the paper-form hint trains and imputes; bad options are named', async () => {
  const truth = correlatedTable(100, 2);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(3));
  const filled = (await trainGain(amputed.data, { seed: 1, iterations: 60, hint: 'paper', batchSize: 32 })).impute(amputed.data);
  assert.ok(filled.values.every(Number.isFinite));
  await assert.rejects(trainGain(amputed.data, { seed: 1, iterations: 1, hint: 'other' as 'paper' }), /hint must be 'code' or 'paper'/);
  await assert.rejects(trainGain(amputed.data, { seed: 1, hintRate: 2 }), /hintRate must lie in \[0, 1\]/);
});

test('GAIN training, imputation and the anomaly GAN release every tensor they create', async () => {
  const truth = correlatedTable(60, 3);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(4));
  const before = tf.memory().numTensors;
  const reports: { iteration: number; discriminatorLoss: number; reconstructionMse: number }[] = [];
  const imputer = await trainGain(amputed.data, { seed: 2, batchSize: 16, iterations: 3 }, { onProgress: (p) => reports.push(p), progressEvery: 2 });
  assert.deepEqual(reports.map((p) => p.iteration), [0, 2]);
  assert.ok(reports.every((p) => Number.isFinite(p.discriminatorLoss) && Number.isFinite(p.reconstructionMse)));
  imputer.impute(amputed.data);
  imputer.dispose();
  const scorer = await trainAnomalyGan(truth, { seed: 1, iterations: 2, batchSize: 16, hidden: [8] });
  scorer.featureResidual(truth);
  scorer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('GAIN learning-rate decay: the step size reaches 0 at the end of the run, so the last step leaves G as it is', async () => {
  const truth = correlatedTable(80, 5);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(6));
  const lastStep = async (learningRateDecay: number) => {
    const { trainable, rng } = gainTrainable(amputed.data, { seed: 3, batchSize: 16, iterations: 4, learningRateDecay });
    const kernels = () => denseWeights(trainable.models.generator).map((l) => Array.from(l.w));
    let before: number[][] = [];
    await startTraining(trainable, { steps: 4, rng, progress: 'off', callbacks: { onStep: ({ step }) => { if (step === 3) before = kernels(); } } });
    const after = kernels();
    for (const model of Object.values(trainable.models)) model.dispose();
    return { before, after };
  };
  const decayed = await lastStep(0.5);
  assert.deepEqual(decayed.after, decayed.before);
  const constant = await lastStep(0);
  assert.notDeepEqual(constant.after, constant.before);
  await assert.rejects(trainGain(amputed.data, { seed: 1, learningRateDecay: 1.5 }), /learningRateDecay must lie in \[0, 1\]/);
});

test('GAIN generator averaging: decay 0 is the last weights, a positive decay imputes from the average', async () => {
  const truth = correlatedTable(80, 7);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(8));
  const impute = async (generatorAverage?: number) => {
    const imputer = await trainGain(amputed.data, { seed: 4, batchSize: 16, iterations: 30, learningRate: 0.01, generatorAverage });
    const values = Array.from(imputer.impute(amputed.data).values);
    imputer.dispose();
    return values;
  };
  const before = tf.memory().numTensors;
  const last = await impute();
  assert.deepEqual(await impute(0), last);
  assert.notDeepEqual(await impute(0.9), last);
  assert.equal(tf.memory().numTensors, before, 'the average and the replaced generator are released');
  await assert.rejects(trainGain(amputed.data, { seed: 1, generatorAverage: 1 }), /generatorAverage must lie in \[0, 1\)/);
});

test('tanh hidden layers (the paper\'s GAIN): the dense network computes as plain JS does, trains; a bad name is refused', async () => {
  const net = denseNetwork(createRng(9), [3, 4, 2], { hiddenActivation: 'tanh' });
  const x = [[0.5, -1, 2], [0, 0.25, -0.75]];
  const [l0, l1] = denseWeights(net);
  const expected = x.map((row) => {
    const h = Array.from({ length: 4 }, (_, j) => Math.tanh(l0.b[j] + row.reduce((s, v, k) => s + v * l0.w[k * 4 + j], 0)));
    return Array.from({ length: 2 }, (_, j) => l1.b[j] + h.reduce((s, v, k) => s + v * l1.w[k * 2 + j], 0));
  });
  const got = tf.tidy(() => (net.apply(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][]);
  got.flat().forEach((v, k) => assert.ok(Math.abs(v - expected.flat()[k]) < 1e-5, `${v} vs ${expected.flat()[k]}`));
  // the same seed draws the same weights
  assert.deepEqual(denseWeights(denseNetwork(createRng(9), [3, 4, 2], { hiddenActivation: 'tanh' })), denseWeights(net));
  net.dispose();
  const truth = correlatedTable(80, 11);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(12));
  const imputer = await trainGain(amputed.data, { seed: 2, batchSize: 16, iterations: 20, hiddenActivation: 'tanh' });
  assert.deepEqual(imputer.generator.layers.map((l) => l.getConfig().activation), ['tanh', 'tanh', 'linear']);
  assert.throws(() => denseNetwork(createRng(1), [3, 2], { hiddenActivation: 'gelu' as 'tanh' }), /hidden activation must be 'relu' or 'tanh', got "gelu"/);
  assert.ok(imputer.impute(amputed.data).values.every(Number.isFinite));
  imputer.dispose();
});
