import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  chainedRegressionImpute, createDenseNet, createRng, gainDiscriminatorGradients, gainGeneratorGradients, imputationRmse,
  meanImpute, removeCompletelyAtRandom, trainGain, type DenseNet, type GainBatch, type NumericMatrix,
} from '../src/index.js';

await tf.setBackend('cpu');

function randomBatch(rows: number, cols: number, seed: number): GainBatch {
  const rng = createRng(seed);
  const n = rows * cols;
  const mask = new Float64Array(n).map(() => (rng.next() < 0.7 ? 1 : 0));
  const x = new Float64Array(n).map((_, k) => (mask[k] ? rng.next() : 0.01 * rng.next()));
  const hint = new Float64Array(n).map((_, k) => (rng.next() < 0.9 ? mask[k] : 0));
  return { rows, cols, x, mask, hint };
}

// The same networks and losses written with tfjs ops, differentiated by tf.grads: an independent check of
// the hand-written backpropagation.
function tfNet(net: DenseNet): tf.Variable[] {
  return net.layers.flatMap((l) => [tf.variable(tf.tensor2d(Float32Array.from(l.w), [l.inputs, l.outputs])), tf.variable(tf.tensor1d(Float32Array.from(l.b)))]);
}
function tfForward(vars: tf.Variable[], x: tf.Tensor): tf.Tensor {
  let h = x;
  for (let l = 0; l < vars.length; l += 2) {
    h = tf.add(tf.matMul(h as tf.Tensor2D, vars[l] as tf.Tensor2D), vars[l + 1]);
    if (l + 2 < vars.length) h = tf.relu(h);
  }
  return h;
}
function flatGrads(grads: { w: Float64Array; b: Float64Array }[]): number[] {
  return grads.flatMap((g) => [...g.w, ...g.b]);
}
function assertClose(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(...expected.map(Math.abs));
  assert.ok(scale > 1e-6, `${what}: gradients are all ~0, the check would be vacuous`);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol * scale, `${what}[${i}]: ${actual[i]} vs tf.grads ${expected[i]}`);
}

for (const weighted of [false, true]) {
  test(`GAIN gradients match tf.grads on the same weights and batch (${weighted ? "paper's hint: loss on hidden entries only" : "authors' code: loss on all entries"})`, () => {
    const rows = 9;
    const cols = 4;
    const rng = createRng(3);
    const g = createDenseNet(rng, [2 * cols, 6, 6, cols]);
    const d = createDenseNet(rng, [2 * cols, 6, 6, cols]);
    const b = randomBatch(rows, cols, 11);
    if (weighted) b.lossWeight = b.hint.map((_, k) => (k % 3 === 0 ? 0 : 1));
    const alpha = 10;
    const gv = tfNet(g);
    const dv = tfNet(d);
    const X = tf.tensor2d(Float32Array.from(b.x), [rows, cols]);
    const M = tf.tensor2d(Float32Array.from(b.mask), [rows, cols]);
    const H = tf.tensor2d(Float32Array.from(b.hint), [rows, cols]);
    const W = tf.tensor2d(Float32Array.from(b.lossWeight ?? new Float64Array(rows * cols).fill(1)), [rows, cols]);
    const notM = tf.sub(1, M);
    const gen = () => tf.sigmoid(tfForward(gv, tf.concat([X, M], 1)));
    const disc = (gOut: tf.Tensor) => tfForward(dv, tf.concat([tf.add(tf.mul(X, M), tf.mul(gOut, notM)), H], 1));
    const weightedMean = (t: tf.Tensor) => tf.div(tf.sum(tf.mul(W, t)), tf.sum(W));
    // Written with log(sigmoid) rather than softplus, as the paper states it.
    const dLoss = () => { const p = tf.sigmoid(disc(gen())); return tf.neg(weightedMean(tf.add(tf.mul(M, tf.log(p)), tf.mul(notM, tf.log(tf.sub(1, p)))))) as tf.Scalar; };
    const gLoss = () => {
      const out = gen();
      const adv = tf.neg(weightedMean(tf.mul(notM, tf.log(tf.sigmoid(disc(out))))));
      const mse = tf.div(tf.mean(tf.square(tf.sub(tf.mul(M, X), tf.mul(M, out)))), tf.mean(M));
      return tf.add(adv, tf.mul(alpha, mse)) as tf.Scalar;
    };
    const dRef = tf.variableGrads(dLoss, dv);
    const gRef = tf.variableGrads(gLoss, gv);
    const ours = gainDiscriminatorGradients(g, d, b);
    assert.ok(Math.abs(ours.loss - dRef.value.dataSync()[0]) < 1e-5);
    assertClose(flatGrads(ours.grads), dv.flatMap((v) => [...dRef.grads[v.name].dataSync()]), 1e-4, 'discriminator gradient');
    const oursG = gainGeneratorGradients(g, d, b, alpha);
    assert.ok(Math.abs(oursG.adversarial + alpha * oursG.mse - gRef.value.dataSync()[0]) < 1e-4);
    assertClose(flatGrads(oursG.grads), gv.flatMap((v) => [...gRef.grads[v.name].dataSync()]), 1e-4, 'generator gradient');
  });
}

// Three strongly related columns (two noisy linear functions of a latent factor) plus a discrete column.
function correlatedTable(rows: number, seed: number): NumericMatrix {
  const rng = createRng(seed);
  const values = new Float64Array(rows * 4);
  for (let i = 0; i < rows; i++) {
    const t = rng.next();
    values.set([t, 2 * t + 0.05 * rng.normal(), 1 - t + 0.05 * rng.normal(), Math.round(4 * t)], i * 4);
  }
  return { rows, cols: 4, values, names: ['a', 'b', 'c', 'level'] };
}

test('trained GAIN beats column means on correlated data, keeps observed entries and rounds discrete columns', () => {
  const truth = correlatedTable(400, 1);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(2));
  const imputer = trainGain(amputed.data, { seed: 5, iterations: 800 });
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
  const again = trainGain(amputed.data, { seed: 5, iterations: 800 }).impute(amputed.data);
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

test('GAIN names a column that has no observed value', () => {
  const m = { rows: 2, cols: 2, values: Float64Array.from([1, NaN, 2, NaN]), names: ['x', 'empty'] };
  assert.throws(() => trainGain(m, { seed: 0, iterations: 1 }), /column "empty" \(column 2\) has no observed value/);
});

test('GAIN with the paper-form hint trains and imputes; bad options are named', () => {
  const truth = correlatedTable(100, 2);
  const amputed = removeCompletelyAtRandom(truth, 0.2, createRng(3));
  const filled = trainGain(amputed.data, { seed: 1, iterations: 60, hint: 'paper', batchSize: 32 }).impute(amputed.data);
  assert.ok(filled.values.every(Number.isFinite));
  assert.throws(() => trainGain(amputed.data, { seed: 1, iterations: 1, hint: 'other' as 'paper' }), /hint must be 'code' or 'paper'/);
  assert.throws(() => trainGain(amputed.data, { seed: 1, hintRate: 2 }), /hintRate must lie in \[0, 1\]/);
});
