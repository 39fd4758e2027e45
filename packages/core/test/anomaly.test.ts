import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, rocAuc, trainAnomalyGan } from '../src/index.js';

// GAIN and the anomaly GAN train through tfjs: the cpu backend here (the CLI picks torch when built).
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

test('rocAuc equals the pairwise count of correctly ordered (positive, negative) pairs, ties counting one half', () => {
  const rng = createRng(7);
  const scores = Array.from({ length: 60 }, () => Math.floor(rng.next() * 8)); // many ties
  const labels = scores.map((_, i) => (i % 3 === 0 ? 1 : 0));
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  assert.ok(Math.abs(rocAuc(scores, labels) - wins / pairs) < 1e-12);
  assert.equal(rocAuc([1, 2, 3, 4], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([1, 2, 3, 4], [1, 1, 0, 0]), 0);
  assert.throws(() => rocAuc([1, 2], [0, 0]), /both classes/);
});

test('a GAN trained on a tight cluster scores far-away rows as more anomalous', async () => {
  const rng = createRng(1);
  const cols = 4;
  const cluster = (n: number, centre: number, spread: number) => Float64Array.from({ length: n * cols }, () => centre + spread * rng.normal());
  const normal = { rows: 300, cols, values: cluster(300, 0.5, 0.05) };
  // Fit range covers the test rows too, via two extreme training rows, so that scaling is not the signal.
  normal.values.set([0, 0, 0, 0, 1, 1, 1, 1], 0);
  const heldOut = cluster(100, 0.5, 0.05);
  const anomalies = Float64Array.from({ length: 100 * cols }, () => rng.next());
  const test = { rows: 200, cols, values: Float64Array.from([...heldOut, ...anomalies]) };
  const labels = Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 1));
  const scorer = await trainAnomalyGan(normal, { seed: 3, iterations: 200, hidden: [32, 32] });
  const residual = rocAuc(scorer.featureResidual(test), labels);
  const d = scorer.discriminatorScore(test);
  assert.ok(d.every(Number.isFinite));
  assert.ok(residual > 0.9, `feature-residual AUC ${residual}`);
});

test('anomaly scoring names the row and column of a missing value', async () => {
  const m = { rows: 2, cols: 2, values: Float64Array.from([1, 2, 3, NaN]), names: ['a', 'b'] };
  await assert.rejects(trainAnomalyGan(m, { seed: 0, iterations: 1 }), /row 2, column "b" is missing/);
});

test('gantry score writes one score line per data row and names a non-numeric column', async () => {
  const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { scoreCommand } = await import('../../cli/src/commands/score.js');
  const dir = mkdtempSync(join(tmpdir(), 'gantry-score-'));
  const rng = createRng(2);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${rng.next().toFixed(3)},${rng.next().toFixed(3)},${i % 2 ? 'x' : 'y'}`);
  writeFileSync(join(dir, 'normal.csv'), ['a,b,label', ...rows(40)].join('\n'));
  writeFileSync(join(dir, 'data.csv'), ['label,b,a', ...rows(7).map((r) => r.split(',').reverse().join(','))].join('\n'));
  const out = join(dir, 'scores.csv');
  assert.equal(await scoreCommand.run(['--normal', join(dir, 'normal.csv'), join(dir, 'data.csv'), '--out', out, '--drop', 'label', '--iterations', '5', '--quiet']), 0);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'row,discriminator_score,feature_residual');
  assert.equal(lines.length, 8);
  lines.slice(1).forEach((l, i) => {
    const [row, d, r] = l.split(',').map(Number);
    assert.equal(row, i + 1);
    assert.ok(Number.isFinite(d) && r >= 0);
  });
  assert.equal(await scoreCommand.run(['--normal', join(dir, 'normal.csv'), join(dir, 'data.csv'), '--out', out, '--iterations', '5', '--quiet']), 1, 'a text column without --drop is an error');
});
