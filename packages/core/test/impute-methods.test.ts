// kNN imputation against a plain float64 reference and scikit-learn's KNNImputer; impute()'s methods and
// auto's choice on hidden cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng, discreteColumns, imputationRmse, impute, KNN_NEIGHBOURS, knnImpute, meanImpute, removeCompletelyAtRandom, roundColumns, type NumericMatrix,
} from '../src/index.js';
import { PYTHON, python } from './metrics-python.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

const sklearnMissing = spawnSync(PYTHON, ['-c', 'import sklearn.impute'], { encoding: 'utf8' }).status === 0 ? false : `${PYTHON} lacks scikit-learn (apt install python3-sklearn)`;

/** Rows of a noisy 2-factor world seen through `cols` columns of different units, with cells removed at random. */
function table(rows: number, cols: number, seed: number, missing = 0.2): { truth: NumericMatrix; amputed: NumericMatrix; removed: Uint8Array } {
  const rng = createRng(seed);
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const [a, b] = [rng.normal(), rng.normal()];
    for (let j = 0; j < cols; j++) values[i * cols + j] = (j + 1) * (Math.cos(j) * a + Math.sin(j) * b + 0.1 * rng.normal()) + 10 * j;
  }
  const truth = { rows, cols, values };
  const { data, removed } = removeCompletelyAtRandom(truth, missing, createRng(seed + 1));
  return { truth, amputed: data, removed };
}

/** kNN imputation written out the slow, obvious way in float64. */
function referenceKnn(m: NumericMatrix, k: number): Float64Array {
  const { rows, cols } = m;
  const lo = new Float64Array(cols).fill(Infinity);
  const hi = new Float64Array(cols).fill(-Infinity);
  m.values.forEach((v, t) => { if (!Number.isNaN(v)) { lo[t % cols] = Math.min(lo[t % cols], v); hi[t % cols] = Math.max(hi[t % cols], v); } });
  const x = m.values.map((v, t) => (v - lo[t % cols]) / (hi[t % cols] - lo[t % cols] + 1e-6));
  const out = Float64Array.from(m.values);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (!Number.isNaN(m.values[i * cols + j])) continue;
      const donors: { r: number; d: number }[] = [];
      for (let r = 0; r < rows; r++) {
        if (r === i || Number.isNaN(m.values[r * cols + j])) continue;
        let sum = 0;
        let shared = 0;
        for (let c = 0; c < cols; c++) {
          const [p, q] = [x[i * cols + c], x[r * cols + c]];
          if (!Number.isNaN(p) && !Number.isNaN(q)) { sum += (p - q) ** 2; shared++; }
        }
        if (shared > 0) donors.push({ r, d: sum * cols / shared });
      }
      donors.sort((a, b) => a.d - b.d || a.r - b.r);
      const near = donors.slice(0, k);
      out[i * cols + j] = near.reduce((s, { r }) => s + m.values[r * cols + j], 0) / near.length;
    }
  }
  return out;
}

test('knnImpute fills each gap with the mean of its k nearest donors (nan-Euclidean on min-max scaled columns)', () => {
  const { amputed } = table(120, 5, 3);
  for (const k of [1, 5]) {
    const got = knnImpute(amputed, { k }).values;
    const expected = referenceKnn(amputed, k);
    got.forEach((v, t) => assert.ok(Math.abs(v - expected[t]) < 1e-9, `k ${k}, cell ${t}: ${v} vs ${expected[t]}`));
  }
  // observed cells are kept as they are
  const filled = knnImpute(amputed).values;
  amputed.values.forEach((v, t) => { if (!Number.isNaN(v)) assert.equal(filled[t], v); });
  assert.throws(() => knnImpute(amputed, { k: 0 }), /k must be a positive integer, got 0/);
  // a row sharing no observed column with any donor of its gap gets the column's observed mean
  const lonely = { rows: 3, cols: 2, values: Float64Array.from([1, NaN, NaN, 5, NaN, 7]) };
  assert.deepEqual(Array.from(knnImpute(lonely).values), [1, 6, 1, 5, 1, 7]);
  // and a donor that shares a column is used even when fewer than k exist
  const few = { rows: 3, cols: 2, values: Float64Array.from([1, NaN, NaN, 5, 3, 7]) };
  assert.deepEqual(Array.from(knnImpute(few).values), [1, 7, 3, 5, 3, 7]);
});

test('knnImpute agrees with scikit-learn\'s KNNImputer on the same scaled columns', { skip: sklearnMissing }, () => {
  const { amputed } = table(150, 6, 8);
  const expected = python<number[][]>(`
from sklearn.impute import KNNImputer
x = np.array(D['x'], dtype=float).reshape(D['rows'], D['cols'])
lo = np.nanmin(x, axis=0); unit = np.nanmax(x, axis=0) - lo + 1e-6
print(json.dumps((KNNImputer(n_neighbors=5).fit_transform((x - lo) / unit) * unit + lo).tolist()))`,
  { x: Array.from(amputed.values, (v) => (Number.isNaN(v) ? null : v)), rows: amputed.rows, cols: amputed.cols });
  const got = knnImpute(amputed).values;
  expected.flat().forEach((v, t) => assert.ok(Math.abs(got[t] - v) < 1e-6 * Math.max(1, Math.abs(v)), `cell ${t}: ${got[t]} vs scikit-learn ${v}`));
});

test('impute: a named method is that method, with discrete columns rounded; bad options are refused', async () => {
  const { amputed } = table(60, 4, 5);
  const withLevels = { ...amputed, values: amputed.values.map((v, t) => (t % 4 === 3 && !Number.isNaN(v) ? Math.round(v) % 7 : v)) };
  const mean = await impute(withLevels, { seed: 1, method: 'mean' });
  assert.deepEqual(mean.data.values, roundColumns(meanImpute(withLevels), discreteColumns(withLevels)).values);
  assert.equal(mean.report, undefined);
  await assert.rejects(impute(amputed, { seed: 1, method: 'forest' as 'mean' }), /method must be one of auto, gain, misgan, mice, knn, mean, got "forest"/);
  await assert.rejects(impute(amputed, { seed: 1, candidates: ['mean', 'auto' as 'mean'] }), /auto's candidates must be some of mean, knn, mice, gain/);
  await assert.rejects(impute(amputed, { seed: 1, holdout: 1 }), /holdout must lie in \(0, 1\)/);
  await assert.rejects(impute(amputed, { seed: 1, maxScoringRounds: 0 }), /maxScoringRounds must be a whole number of at least 1, got 0/);
});

test('auto: chooses on hidden cells only, beats column means where the columns carry each other, and is reproducible', async () => {
  const { truth, amputed, removed } = table(400, 5, 11);
  const seen: string[] = [];
  const run = () => impute(amputed, { seed: 4, candidates: ['mean', 'knn', 'mice'], onMethod: (m, phase) => seen.push(`${phase} ${m}`) });
  const auto = await run();
  const report = auto.report!;
  assert.equal(report.columns.length, 5);
  // one observed cell hidden per row (a tenth of 5 columns rounds up to one), about 80 per column: three rounds
  // reach 200 per column; every candidate is scored on all of them, and knn with the neighbour count that
  // filled them best
  assert.equal(report.scoringRounds, 3);
  assert.ok(report.hiddenCells > 1050 && report.hiddenCells <= 1200, `${report.hiddenCells} hidden cells`);
  const oneRound = (await impute(amputed, { seed: 4, candidates: ['mean', 'knn', 'mice'], maxScoringRounds: 1 })).report!;
  assert.equal(oneRound.scoringRounds, 1);
  assert.ok(oneRound.hiddenCells > 350 && oneRound.hiddenCells <= 400, `${oneRound.hiddenCells} hidden cells in one round`);
  assert.ok(KNN_NEIGHBOURS.includes(report.knnNeighbours as 5), `knn neighbours ${report.knnNeighbours}`);
  assert.equal((await impute(amputed, { seed: 4, candidates: ['knn'], k: 7 })).report!.knnNeighbours, 7);
  assert.deepEqual(Object.keys(report.scores).sort(), ['knn', 'mean', 'mice']);
  assert.ok(seen.slice(0, 3).every((s) => s.startsWith('scoring')) && seen.slice(3).every((s) => s.startsWith('final')));
  // the columns are linear in two factors: regression and neighbours beat means, on hidden and on real gaps
  assert.ok(report.scores.mice! < report.scores.mean! / 2);
  assert.ok(report.columns.every((c) => c.first !== 'mean' || c.weight < 1));
  const rmse = imputationRmse(truth, auto.data, removed);
  assert.ok(rmse < imputationRmse(truth, meanImpute(amputed), removed) / 2, `auto ${rmse}`);
  // only gaps change
  amputed.values.forEach((v, t) => { if (!Number.isNaN(v)) assert.equal(auto.data.values[t], v); });
  assert.deepEqual((await run()).data.values, auto.data.values);
});

test('auto on pure noise: the choice falls to column means (or a blend no worse than them on the hidden cells)', async () => {
  const rng = createRng(2);
  const noise = { rows: 120, cols: 3, values: Float64Array.from({ length: 360 }, () => rng.normal()) };
  const { data, removed } = removeCompletelyAtRandom(noise, 0.2, createRng(3));
  // in one round, one hidden cell per row, under 40 per column, too few for a column of its own: one choice,
  // made over all columns (by default further rounds make up 200 per column)
  const auto = await impute(data, { seed: 5, candidates: ['mean', 'knn', 'mice'], maxScoringRounds: 1 });
  const byDefault = (await impute(data, { seed: 5, candidates: ['mean', 'knn', 'mice'] })).report!;
  assert.equal(byDefault.scoringRounds, Math.ceil(600 / auto.report!.hiddenCells));
  assert.ok(byDefault.columns.every((c) => c.basis === 'column'));
  const [first, ...rest] = auto.report!.columns;
  assert.equal(first.basis, 'all columns');
  for (const c of rest) assert.deepEqual([c.first, c.second, c.weight, c.rounded, c.basis], [first.first, first.second, first.weight, first.rounded, first.basis]);
  const rmse = imputationRmse(noise, auto.data, removed);
  const means = imputationRmse(noise, meanImpute(data), removed);
  assert.ok(rmse < means * 1.05, `auto ${rmse} against means ${means}`);
});

test('auto with GAIN among the candidates trains it on the table with hidden cells, then (if chosen) on the table itself', async () => {
  const { amputed } = table(80, 3, 21);
  const seen: string[] = [];
  const auto = await impute(amputed, { seed: 2, candidates: ['mean', 'gain'], gain: { iterations: 30, batchSize: 16 }, onMethod: (m, p) => seen.push(`${p} ${m}`) });
  assert.deepEqual(seen.slice(0, 2), ['scoring mean', 'scoring gain']);
  assert.ok(Number.isFinite(auto.report!.scores.gain!));
  assert.ok(auto.data.values.every(Number.isFinite));
});
