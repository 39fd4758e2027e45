import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, confusionMatrix, macroF1 } from '../src/metrics/classification.js';
import { fitClassifier } from '../src/tabular/table-classifier.js';
import { createRng } from '../src/random.js';
import type { NumericMatrix } from '../src/tabular/matrix.js';

await tf.setBackend('cpu');

// k well separated Gaussian blobs in d dimensions, centres on a scaled simplex-like grid, on raw scales
// that differ by column (the classifier standardises internally).
function blobs(k: number, perClass: number, d: number, seed: number): { x: NumericMatrix; y: Int32Array } {
  const rng = createRng(seed);
  const rows = k * perClass;
  const values = new Float64Array(rows * d);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < d; j++) {
      const centre = j === c % d ? 6 : 0;
      const scale = j + 1;
      values[i * d + j] = scale * (centre + (j === (c + 1) % d && c >= d ? 6 : 0) + rng.normal());
    }
  }
  return { x: { rows, cols: d, values }, y };
}

test('macroF1 and accuracy match a hand-computed confusion', () => {
  // true 0 0 0 1 1 2 / pred 0 0 1 1 2 2:
  // class 0: TP 2 FP 0 FN 1 -> F1 4/5; class 1: TP 1 FP 1 FN 1 -> 1/2; class 2: TP 1 FP 1 FN 0 -> 2/3.
  const yTrue = [0, 0, 0, 1, 1, 2];
  const yPred = [0, 0, 1, 1, 2, 2];
  assert.equal(accuracy(yTrue, yPred), 4 / 6);
  assert.ok(Math.abs(macroF1(yTrue, yPred) - (4 / 5 + 1 / 2 + 2 / 3) / 3) < 1e-12);
  const { k, counts } = confusionMatrix(yTrue, yPred);
  assert.equal(k, 3);
  assert.deepEqual(Array.from(counts), [2, 1, 0, 0, 1, 1, 0, 0, 1]);
  // A class absent from both sides is left out; one predicted but never true scores 0.
  assert.equal(macroF1([0, 0], [0, 0], 5), 1);
  assert.equal(macroF1([0, 0], [0, 3]), (2 / 3 + 0) / 2);
  assert.throws(() => accuracy([0, 1], [0]), /2 true labels but 1 predictions/);
});

test('softmax regression and the MLP separate well separated blobs, on held-out rows', () => {
  const train = blobs(4, 60, 3, 1);
  const testSet = blobs(4, 50, 3, 2);
  for (const hidden of [0, 16]) {
    const clf = fitClassifier(train.x, train.y, { seed: 3, hidden, epochs: 25, batchSize: 32 });
    const pred = clf.predict(testSet.x);
    assert.ok(accuracy(testSet.y, pred) > 0.95, `hidden ${hidden}: accuracy ${accuracy(testSet.y, pred)}`);
    const p = clf.predictProba(testSet.x);
    for (let i = 0; i < testSet.x.rows; i++) {
      let s = 0;
      for (let c = 0; c < 4; c++) s += p[i * 4 + c];
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
    clf.dispose();
  }
});

test('the same seed gives the same model; early stopping stops and keeps the best epoch', () => {
  const train = blobs(3, 40, 2, 5);
  const a = fitClassifier(train.x, train.y, { seed: 9, hidden: 8, epochs: 5 });
  const b = fitClassifier(train.x, train.y, { seed: 9, hidden: 8, epochs: 5 });
  assert.deepEqual(Array.from(a.predictProba(train.x)), Array.from(b.predictProba(train.x)));
  a.dispose();
  b.dispose();
  const before = tf.memory().numTensors;
  const c = fitClassifier(train.x, train.y, { seed: 9, hidden: 8, epochs: 500, batchSize: 16, validationFraction: 0.25, patience: 5 });
  assert.ok(c.fitInfo.epochsRun < 500, `ran ${c.fitInfo.epochsRun} epochs`);
  assert.ok(c.fitInfo.bestValidationAccuracy > 0.9, `held-out accuracy ${c.fitInfo.bestValidationAccuracy}`);
  c.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leak from fit/dispose');
});

test('bad input names the problem', () => {
  const x: NumericMatrix = { rows: 2, cols: 2, values: Float64Array.from([1, 2, NaN, 4]), names: ['a', 'b'] };
  assert.throws(() => fitClassifier(x, [0, 1], { seed: 1 }), /row 2, column "a"/);
  const ok: NumericMatrix = { rows: 2, cols: 2, values: Float64Array.from([1, 2, 3, 4]) };
  assert.throws(() => fitClassifier(ok, [0, 1.5], { seed: 1 }), /label of row 2/);
  assert.throws(() => fitClassifier(ok, [0, 1, 1], { seed: 1 }), /3 labels for 2 rows/);
  const clf = fitClassifier(ok, [0, 1], { seed: 1, epochs: 1 });
  assert.throws(() => clf.predict({ rows: 1, cols: 3, values: new Float64Array(3) }), /expected 2 columns, got 3/);
  clf.dispose();
});
