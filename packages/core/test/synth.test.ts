// The CTGAN-style synthesizer's parts against independent computations, and fit/sample end to end on tiny tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  closestDistances, conditionLoss, correlationDifference, correlationMatrix, createRng, exactCopies, fitGaussianMixture, fitSynthesizer, fitTableLayout,
  inverseTransform, ksStatistic, parseCsv, quantile, TabularSynthesizer, totalVariation, transformTable, type CsvTable,
} from '../src/index.js';
import { buildCondSpace, indexRowsBySlot, matchingRows, sampleCondBatch } from '../src/gans/synth/conditional.js';
import { activateOutputs, outputPlan } from '../src/gans/synth/networks.js';

await tf.setBackend('cpu');

/** n rows: x bimodal (around 0 or 10 by category), y = 2x + noise with 2 decimals, c in {a (75%), b, rare}. */
function toyCsv(n: number, seed: number, extra = ''): string {
  const rng = createRng(seed);
  const lines = [`x,y,c${extra ? ',' + extra : ''}`];
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    const c = u < 0.75 ? 'a' : u < 0.97 ? 'b' : 'rare';
    const x = Math.round((c === 'a' ? 0 : 10) + rng.normal());
    const y = (2 * x + 0.5 * rng.normal()).toFixed(2);
    lines.push(`${x},${y},${c}${extra ? ',' + (i % 5 === 0 ? '' : String(i % 3)) : ''}`);
  }
  return lines.join('\n') + '\n';
}

const small = { batchSize: 40, pac: 4, embeddingDim: 8, generatorDims: [32, 32], discriminatorDims: [32, 32] };

test('EM mixture recovers two well separated modes; pruning keeps only modes above the weight threshold', () => {
  const rng = createRng(1);
  const v = Array.from({ length: 3000 }, (_, i) => (i % 4 === 0 ? 5 + 0.5 * rng.normal() : -2 + rng.normal()));
  const two = fitGaussianMixture(v, { maxModes: 2 });
  assert.equal(two.length, 2);
  assert.ok(Math.abs(two[0].mean + 2) < 0.1 && Math.abs(two[1].mean - 5) < 0.1, JSON.stringify(two));
  assert.ok(Math.abs(two[0].std - 1) < 0.1 && Math.abs(two[1].std - 0.5) < 0.1, JSON.stringify(two));
  assert.ok(Math.abs(two[1].weight - 0.25) < 0.02, JSON.stringify(two));
  const many = fitGaussianMixture(v, { maxModes: 10, weightThreshold: 0.05 });
  assert.ok(many.every((m) => m.weight >= 0.05), JSON.stringify(many));
  assert.ok(Math.abs(many.reduce((a, m) => a + m.weight, 0) - 1) < 1e-9);
  assert.deepEqual(fitGaussianMixture([3, 3, 3]).map((m) => m.mean), [3]);
  assert.throws(() => fitGaussianMixture([1, Infinity]), /value 1 is Infinity/);
});

test('transform -> inverse gives the table back (numbers within a mode, categories, missing cells)', () => {
  const table = parseCsv(toyCsv(300, 2, 'd'), { source: 'toy.csv', schema: { d: 'categorical' } });
  const layout = fitTableLayout(table);
  assert.equal(layout.columns[1].kind === 'numeric' && layout.columns[1].decimals, 2);
  assert.equal(layout.columns[3].kind === 'categorical' && layout.columns[3].missingSlot, true);
  const rows = transformTable(layout, table, createRng(3));
  const back = inverseTransform(layout, rows, table.numRows);
  let compared = 0;
  for (let i = 0; i < table.numRows; i++) {
    for (const span of layout.spans.filter((s) => s.activation === 'tanh')) {
      if (Math.abs(rows[i * layout.width + span.start]) >= 0.99) continue; // clipped: information lost by design
      const j = span.column;
      assert.equal(back.matrix[i * 4 + j], table.matrix[i * 4 + j], `row ${i} column ${j}`);
      compared++;
    }
    for (const j of [2, 3]) assert.ok(Object.is(back.matrix[i * 4 + j], table.matrix[i * 4 + j]) || (Number.isNaN(back.matrix[i * 4 + j]) && Number.isNaN(table.matrix[i * 4 + j])));
  }
  assert.ok(compared > 0.95 * 2 * table.numRows);
  assert.equal(back.columns[3].missing, table.columns[3].missing);
  // each one-hot block has exactly one 1
  for (const span of layout.spans.filter((s) => s.activation === 'softmax')) {
    for (let i = 0; i < table.numRows; i++) {
      let ones = 0;
      for (let k = 0; k < span.size; k++) ones += rows[i * layout.width + span.start + k];
      assert.equal(ones, 1);
    }
  }
});

test('bad tables: all-missing column and non-finite numbers are named', async () => {
  const allMissing = parseCsv('a,b\n1,\n2,\n', { source: 'm.csv' });
  await assert.rejects(fitSynthesizer(allMissing, { seed: 0, steps: 1 }), /column "b" of m\.csv is missing in all 2 rows/);
  const t = parseCsv('a,b\n1,2\n3,4\n', { source: 'inf.csv' });
  t.matrix[3] = Infinity;
  await assert.rejects(fitSynthesizer(t, { seed: 0, steps: 1 }), /inf\.csv row 2, column "b": Infinity is not a finite number/);
  await assert.rejects(fitSynthesizer(parseCsv('a\n', { source: 'e.csv' }), { seed: 0 }), /e\.csv has no rows/);
});

test('training-by-sampling draws categories by log-frequency and real rows that match', () => {
  const table = parseCsv(toyCsv(400, 4), { source: 'toy.csv' });
  const layout = fitTableLayout(table);
  const rows = transformTable(layout, table, createRng(5));
  const space = buildCondSpace(layout);
  indexRowsBySlot(space, layout.width, rows, table.numRows);
  const counts = [0, 1, 2].map((k) => Array.from({ length: table.numRows }, (_, i) => table.matrix[i * 3 + 2]).filter((v) => v === k).length);
  const expected = counts.map((c) => Math.log(1 + c) / counts.reduce((a, b) => a + Math.log(1 + b), 0));
  const rng = createRng(6);
  const batch = sampleCondBatch(space, 20000, rng, 'log-frequency');
  for (let k = 0; k < 3; k++) {
    const share = batch.slotChoice.filter((s) => s === k).length / 20000;
    assert.ok(Math.abs(share - expected[k]) < 0.015, `category ${k}: ${share} vs ${expected[k]}`);
  }
  const picked = matchingRows(space, batch, table.numRows, rng);
  for (let i = 0; i < 500; i++) assert.equal(table.matrix[picked[i] * 3 + 2], batch.slotChoice[i]);
});

test('output activation: tanh on scalars and Gumbel-softmax per one-hot span, as computed span by span', () => {
  const table = parseCsv(toyCsv(100, 7), { source: 'toy.csv' });
  const layout = fitTableLayout(table);
  const plan = outputPlan(layout.spans, layout.width);
  const rng = createRng(8);
  const n = 6;
  const logits = Array.from({ length: n * layout.width }, () => 3 * rng.normal());
  const gumbel = Array.from({ length: n * layout.width }, () => -Math.log(-Math.log(rng.next())));
  const got = tf.tidy(() => activateOutputs(plan, tf.tensor2d(logits, [n, layout.width]), 0.2, tf.tensor2d(gumbel, [n, layout.width])).arraySync());
  for (let i = 0; i < n; i++) {
    for (const s of layout.spans) {
      const at = (k: number) => i * layout.width + s.start + k;
      if (s.activation === 'tanh') { assert.ok(Math.abs(got[i][s.start] - Math.tanh(logits[at(0)])) < 1e-5); continue; }
      const z = Array.from({ length: s.size }, (_, k) => (logits[at(k)] + gumbel[at(k)]) / 0.2);
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, b) => a + b, 0);
      e.forEach((v, k) => assert.ok(Math.abs(got[i][s.start + k] - v / sum) < 1e-5, `row ${i} span ${s.start} slot ${k}`));
    }
  }
  // condition loss = mean over rows of -log softmax(logits of the asked column)[asked category]
  const space = buildCondSpace(layout);
  const batch = sampleCondBatch(space, n, rng, 'frequency');
  const loss = tf.tidy(() => conditionLoss(space, tf.tensor2d(logits, [n, layout.width]), tf.tensor2d(batch.vectors, [n, space.width])).dataSync()[0]);
  let want = 0;
  for (let i = 0; i < n; i++) {
    const c = space.columns[batch.columnChoice[i]];
    const l = Array.from({ length: c.size }, (_, k) => logits[i * layout.width + c.dataStart + k]);
    const m = Math.max(...l);
    want += -(l[batch.slotChoice[i]] - m - Math.log(l.reduce((a, v) => a + Math.exp(v - m), 0)));
  }
  assert.ok(Math.abs(loss - want / n) < 1e-4, `${loss} vs ${want / n}`);
});

test('fit/sample: seeded and deterministic, columns kept, conditions checked, save/load round trip, no leaked tensors', async () => {
  const table = parseCsv(toyCsv(200, 9), { source: 'toy.csv' });
  const before = tf.memory().numTensors;
  const a = await fitSynthesizer(table, { seed: 11, steps: 15, ...small });
  const b = await fitSynthesizer(table, { seed: 11, steps: 15, ...small });
  const sa = a.sample(57, { seed: 1 });
  assert.deepEqual(Array.from(sa.matrix), Array.from(b.sample(57, { seed: 1 }).matrix));
  assert.deepEqual(sa.columns.map((c) => [c.name, c.type, c.categories]), table.columns.map((c) => [c.name, c.type, c.categories]));
  assert.equal(sa.numRows, 57);
  const ys = Array.from({ length: 57 }, (_, i) => sa.matrix[i * 3 + 1]);
  assert.ok(ys.every((y) => Math.round(y * 100) / 100 === y), 'y keeps 2 decimals');
  const conditioned = a.sample(30, { condition: { column: 'c', value: 'rare' } });
  for (let i = 0; i < 30; i++) assert.equal(conditioned.matrix[i * 3 + 2], 2);
  assert.throws(() => a.sample(5, { condition: { column: 'colour', value: 'a' } }), /unknown column "colour".*columns: x, y, c.*conditioned on: c/);
  assert.throws(() => a.sample(5, { condition: { column: 'c', value: 'z' } }), /column "c" has no category "z" \(accepted: a, b, rare\)/);
  assert.throws(() => a.sample(5, { condition: { column: 'x', value: '1' } }), /column "x" is numeric; a condition needs a categorical column \(c\)/);
  const restored = TabularSynthesizer.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  assert.deepEqual(Array.from(restored.sample(20, { seed: 4 }).matrix), Array.from(a.sample(20, { seed: 4 }).matrix));
  for (const s of [a, b, restored]) s.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('the cond vector steers the generator: after training, asking for b gives b-like rows', async () => {
  const table = parseCsv(toyCsv(400, 12), { source: 'toy.csv' });
  const s = await fitSynthesizer(table, { seed: 3, steps: 80, learningRate: 1e-3, ...small });
  const asked = s.sample(400, { seed: 2, condition: { column: 'c', value: 'b' }, enforce: false });
  const hit = Array.from({ length: 400 }, (_, i) => asked.matrix[i * 3 + 2]).filter((v) => v === 1).length / 400;
  const meanX = Array.from({ length: 400 }, (_, i) => asked.matrix[i * 3]).reduce((p, v) => p + v, 0) / 400;
  s.dispose();
  // b is 22% of the data; x is around 10 for b and 0 for a, 2.5 overall. (With batch statistics at sampling time
  // the same run gave 0.43: a batch that asks every row for b has a constant cond vector, which batch norm removes.)
  assert.ok(hit > 0.6, `asked for b, got it in ${hit} of rows`);
  assert.ok(meanX > 4, `mean x of rows asked to be b: ${meanX}`);
});

test('fidelity measures agree with brute-force definitions', () => {
  const rng = createRng(13);
  const a = Array.from({ length: 60 }, () => Math.round(3 * rng.normal()));
  const b = Array.from({ length: 45 }, () => Math.round(3 * rng.normal() + 1));
  const cdf = (s: number[], x: number) => s.filter((v) => v <= x).length / s.length;
  const brute = Math.max(...[...a, ...b].map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
  assert.ok(Math.abs(ksStatistic(a, b) - brute) < 1e-12);
  assert.ok(Math.abs(totalVariation([0, 0, 1, NaN], [0, 1, 1, 1]) - 0.5) < 1e-12);
  assert.ok(Math.abs(quantile([4, 1, 3, 2], 0.5) - 2.5) < 1e-12);

  const real = parseCsv(toyCsv(80, 14), { source: 'r.csv' });
  const syn = parseCsv(toyCsv(50, 15), { source: 's.csv' });
  const col = (t: CsvTable, j: number) => Array.from({ length: t.numRows }, (_, i) => t.matrix[i * 3 + j]);
  const pearson = (x: number[], y: number[]) => {
    const mx = x.reduce((p, v) => p + v, 0) / x.length;
    const my = y.reduce((p, v) => p + v, 0) / y.length;
    const sxy = x.reduce((p, v, i) => p + (v - mx) * (y[i] - my), 0);
    return sxy / Math.sqrt(x.reduce((p, v) => p + (v - mx) ** 2, 0) * y.reduce((p, v) => p + (v - my) ** 2, 0));
  };
  assert.ok(Math.abs(correlationMatrix(real).values[1] - pearson(col(real, 0), col(real, 1))) < 1e-12);
  assert.ok(Math.abs(correlationDifference(real, syn) - Math.abs(pearson(col(real, 0), col(real, 1)) - pearson(col(syn, 0), col(syn, 1)))) < 1e-12);

  const range = (j: number) => [Math.min(...col(real, j)), Math.max(...col(real, j))];
  const embed = (t: CsvTable, i: number) => [0, 1].map((j) => (t.matrix[i * 3 + j] - range(j)[0]) / (range(j)[1] - range(j)[0]))
    .concat([0, 1, 2].map((k) => (t.matrix[i * 3 + 2] === k ? Math.SQRT1_2 : 0)));
  const dist = (p: number[], q: number[]) => Math.sqrt(p.reduce((s, v, k) => s + (v - q[k]) ** 2, 0));
  const got = closestDistances(real, syn);
  for (let i = 0; i < syn.numRows; i++) {
    const want = Math.min(...Array.from({ length: real.numRows }, (_, r) => dist(embed(syn, i), embed(real, r))));
    assert.ok(Math.abs(got[i] - want) < 1e-9, `row ${i}`);
  }
  const copy = { ...syn, matrix: Float64Array.from(syn.matrix) };
  copy.matrix.set(real.matrix.subarray(0, 3), 0);
  copy.matrix.set(real.matrix.subarray(9, 12), 6);
  const wantCopies = Array.from({ length: syn.numRows }, (_, i) => Array.from({ length: real.numRows }, (_, r) => [0, 1, 2].every((j) => copy.matrix[i * 3 + j] === real.matrix[r * 3 + j])).some(Boolean)).filter(Boolean).length;
  assert.ok(wantCopies >= 2);
  assert.equal(exactCopies(real, copy), wantCopies);
});
