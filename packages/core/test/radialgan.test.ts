import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { latentCycleLoss, reconstructionLoss, trainRadialGan, translateInto, type RadialDomain } from '../src/gans/radialgan/index.js';
import { fitColumnScaler, scaleColumns, sharedColumnPairs, unscaleColumns } from '../src/gans/radialgan/columns.js';
import { createRng } from '../src/random.js';
import { fitMinMax, scaleMinMax } from '../src/tabular/scaling.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

// A shared world: two latent factors whose means move with the class (3 classes), seen through four features;
// each domain observes its own subset of the features.
function domain(columns: number[], rows: number, seed: number, named = false): RadialDomain & { features: Float64Array } {
  const rng = createRng(seed);
  const features = new Float64Array(rows * 4);
  const labels = new Int32Array(rows);
  const x = new Float64Array(rows * columns.length);
  for (let i = 0; i < rows; i++) {
    const c = rng.int(3);
    labels[i] = c;
    const a = 2 * c + 0.5 * rng.normal();
    const b = -3 * c + 0.5 * rng.normal();
    features.set([a, b, a + b, 10 + a - b], i * 4);
    columns.forEach((j, k) => { x[i * columns.length + k] = features[i * 4 + j]; });
  }
  return { x: { rows, cols: columns.length, values: x, names: named ? columns.map((j) => `f${j}`) : undefined }, labels, features };
}

const small = { hidden: 16, latentDim: 4, batchSize: 16 };

test('cycle and reconstruction losses are mean squared row distances', () => {
  const a = [[1, 2, 3], [0, -1, 4]];
  const b = [[1, 0, 3], [2, -1, 1]];
  // Row distances squared: 4 and 4 + 9 = 13 -> mean 8.5.
  const [ta, tb] = [tf.tensor2d(a), tf.tensor2d(b)];
  assert.ok(Math.abs(latentCycleLoss(ta, tb).dataSync()[0] - 8.5) < 1e-6);
  assert.ok(Math.abs(reconstructionLoss(ta, tb).dataSync()[0] - 8.5) < 1e-6);
  assert.throws(() => latentCycleLoss(ta, tf.tensor2d([[1, 2]])), /same shape/);
});

test('translation: right shape and range, deterministic per seed, label-aware after training, no leaks', async () => {
  const domains = [domain([0, 1, 2], 300, 1), domain([1, 2, 3], 300, 2)];
  const before = tf.memory().numTensors;
  const train = (seed: number) => trainRadialGan(domains, { ...small, seed, steps: 150, scaling: 'minmax' });
  const gan = await train(7);
  const out = gan.translate(1, domains[1].x, domains[1].labels, 0);
  assert.equal(out.rows, 300);
  assert.equal(out.cols, 3);
  // Decoders end in a sigmoid over min-max scaled columns, so every value lies within the target's range.
  for (let j = 0; j < 3; j++) {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < 300; i++) { lo = Math.min(lo, domains[0].x.values[i * 3 + j]); hi = Math.max(hi, domains[0].x.values[i * 3 + j]); }
    for (let i = 0; i < 300; i++) {
      const v = out.values[i * 3 + j];
      assert.ok(v >= lo - 1e-3 && v <= hi + 1e-3, `column ${j}: ${v} outside [${lo}, ${hi}]`);
    }
  }
  // The per-class means of translated rows track the target's real per-class means far better than one overall
  // mean does (the classes move column 0 by 2 and column 1 by -3 per class step).
  let errClass = 0;
  let errPooled = 0;
  for (let j = 0; j < 3; j++) {
    const pooled = domains[0].x.values.filter((_, k) => k % 3 === j).reduce((s, v) => s + v, 0) / 300;
    for (let c = 0; c < 3; c++) {
      const mean = (m: Float64Array, labels: ArrayLike<number>) => {
        let [s, n] = [0, 0];
        for (let i = 0; i < labels.length; i++) if (labels[i] === c) { s += m[i * 3 + j]; n++; }
        return s / n;
      };
      const real = mean(domains[0].x.values, domains[0].labels);
      errClass += (mean(out.values, domains[1].labels) - real) ** 2;
      errPooled += (pooled - real) ** 2;
    }
  }
  assert.ok(errClass < 0.25 * errPooled, `per-class mean error ${errClass.toFixed(3)} vs pooled ${errPooled.toFixed(3)}`);
  const aug = translateInto(gan, domains, 0);
  assert.equal(aug.x.rows, 300);
  assert.deepEqual(Array.from(aug.labels), Array.from(domains[1].labels));
  assert.deepEqual(Array.from(aug.x.values), Array.from(out.values));
  gan.dispose();

  const again = await trainRadialGan(domains, { ...small, seed: 7, steps: 3 });
  const twice = await trainRadialGan(domains, { ...small, seed: 7, steps: 3 });
  assert.deepEqual(Array.from(again.translate(0, domains[0].x, domains[0].labels, 1).values), Array.from(twice.translate(0, domains[0].x, domains[0].labels, 1).values));
  again.dispose();
  twice.dispose();
  assert.equal(tf.memory().numTensors, before, 'training and dispose leave no tensors');
});

test('bad input names the problem', async () => {
  const a = domain([0, 1], 20, 1);
  const b = domain([2, 3], 20, 2);
  await assert.rejects(trainRadialGan([a], { seed: 1 }), /at least two domains/);
  const holed = { ...b, name: 'B', x: { ...b.x, values: Float64Array.from(b.x.values, (v, i) => (i === 5 ? NaN : v)) } };
  await assert.rejects(trainRadialGan([a, holed], { seed: 1, steps: 1 }), /\(B\): row 3, column "c1" is NaN/);
  await assert.rejects(trainRadialGan([a, { ...b, labels: Array.from(b.labels).slice(1) }], { seed: 1 }), /19 labels for 20 rows/);
  const twiceNamed = { ...b, name: 'B', x: { ...b.x, names: ['v', 'v'] } };
  await assert.rejects(trainRadialGan([a, twiceNamed], { seed: 1, steps: 1 }), /\(B\): column name "v" appears twice/);
  await assert.rejects(trainRadialGan([a, b], { seed: 1, steps: 1, scaling: 'quantile' as never }), /scaling must be one of minmax, standard, log, got "quantile"/);
  await assert.rejects(trainRadialGan([a, b], { seed: 1, steps: 1, sharedWeight: -1 }), /sharedWeight must be >= 0, got -1/);
  const gan = await trainRadialGan([a, b], { ...small, seed: 1, steps: 1 });
  assert.throws(() => gan.translate(0, b.x, b.labels, 2), /no domain 2/);
  assert.throws(() => gan.translate(0, { rows: 1, cols: 3, values: new Float64Array(3) }, [0], 1), /has 2 columns, got 3/);
  assert.throws(() => gan.translate(0, a.x, Array.from(a.labels, () => 5), 1), /outside \[0, 3\)/);
  gan.dispose();
});

test('column scalers: minmax is the old min-max scaling to the bit, standard gives zero mean and unit std, log standardises the signed log; all invert', () => {
  const m = domain([0, 1, 2, 3], 50, 3).x;
  assert.deepEqual(Array.from(scaleColumns(fitColumnScaler(m, 'minmax'), m)), Array.from(Float32Array.from(scaleMinMax(fitMinMax(m), m).values)));
  const s = fitColumnScaler(m, 'standard');
  const scaled = scaleColumns(s, m);
  for (let j = 0; j < 4; j++) {
    const col = Array.from({ length: 50 }, (_, i) => scaled[i * 4 + j]);
    const mean = col.reduce((a, v) => a + v, 0) / 50;
    assert.ok(Math.abs(mean) < 1e-5, `column ${j} mean ${mean}`);
    assert.ok(Math.abs(col.reduce((a, v) => a + (v - mean) ** 2, 0) / 50 - 1) < 1e-4, `column ${j} variance`);
  }
  for (const scaler of [s, fitColumnScaler(m, 'log'), fitColumnScaler(m, 'minmax')]) {
    const back = unscaleColumns(scaler, { rows: 50, cols: 4, values: Float64Array.from(scaleColumns(scaler, m)) });
    back.values.forEach((v, k) => assert.ok(Math.abs(v - m.values[k]) < 1e-4 * (1 + Math.abs(m.values[k])), `${v} vs ${m.values[k]}`));
  }
  // 'log' standardises log(1 + x): a heavy tail, 49 ones and one 1000.
  const tail = { rows: 50, cols: 1, values: Float64Array.from({ length: 50 }, (_, i) => (i === 49 ? 1000 : 1)) };
  const logged = fitColumnScaler(tail, 'log');
  assert.ok(Math.abs(logged.offset[0] - (49 * Math.log(2) + Math.log(1001)) / 50) < 1e-9, 'log: offset is the mean of log(1 + x)');
  const negative = { rows: 2, cols: 1, values: Float64Array.of(-3, 3) };
  assert.deepEqual(Array.from(scaleColumns(fitColumnScaler(negative, 'log'), negative)), [-1, 1], 'log is signed: -3 and 3 mirror');
});

test('shared columns are matched by name and carry values between the domains\' scalings', () => {
  const a = { names: ['p', 'q'], scaler: { offset: Float64Array.of(1, 0), scale: Float64Array.of(2, 4) } };
  const b = { names: ['q', 'r'], scaler: { offset: Float64Array.of(2, 5), scale: Float64Array.of(8, 1) } };
  const [ab, ba] = sharedColumnPairs([a, b]);
  // q scaled in a is (q - 0) / 4, in b (q - 2) / 8: b's value = a's * 4 / 8 + (0 - 2) / 8.
  assert.deepEqual({ ...ab, sourceMap: Array.from(ab.sourceMap), bias: Array.from(ab.bias), pick: Array.from(ab.pick) },
    { from: 0, to: 1, n: 1, sourceMap: [0, 0.5], bias: [-0.25], pick: [1, 0] });
  assert.deepEqual([Array.from(ba.sourceMap), Array.from(ba.bias), Array.from(ba.pick)], [[2, 0], [0.5], [0, 1]]);
  assert.equal(sharedColumnPairs([a, { ...b, names: undefined }]).length, 0, 'unnamed columns are never shared');
});

test('the shared-column term makes translations keep the values both domains measure; weight 0 does not', async () => {
  // A sees features 0-2, B features 1-3: both measure f1 and f2.
  const domains = [domain([0, 1, 2], 300, 1, true), domain([1, 2, 3], 300, 2, true)];
  const sharedError = async (sharedWeight: number) => {
    const gan = await trainRadialGan(domains, { ...small, seed: 3, steps: 200, sharedWeight });
    const out = gan.translate(1, domains[1].x, domains[1].labels, 0);
    gan.dispose();
    let [err, variance] = [0, 0];
    for (const [inA, inB] of [[1, 0], [2, 1]]) {
      const truth = Array.from({ length: 300 }, (_, i) => domains[1].x.values[i * 3 + inB]);
      const mean = truth.reduce((s, v) => s + v, 0) / 300;
      truth.forEach((v, i) => { err += (out.values[i * 3 + inA] - v) ** 2; variance += (v - mean) ** 2; });
    }
    return Math.sqrt(err / variance);
  };
  const [withTerm, paper] = [await sharedError(10), await sharedError(0)];
  assert.ok(withTerm < 0.5 && withTerm < 0.4 * paper, `shared-column RMSE in stds: ${withTerm.toFixed(3)} with the term, ${paper.toFixed(3)} without`);
});
