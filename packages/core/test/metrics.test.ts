import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateSamples, formatEvaluation, frechetDistance } from '../src/metrics/index.js';
import { classifierAssetPath, loadFeatureExtractor, readClassifierJson } from '../src/metrics/node.js';
import { loadFashionMnist, loadMnistPackage, FASHION_MNIST_DIR } from '../src/data/node.js';
import { takeDataset, subsetDataset } from '../src/data/index.js';
import { randomFeatures } from './metrics-python.js';

await tf.setBackend('cpu');

for (const name of ['mnist', 'fashion-mnist'] as const) {
  const missing = !existsSync(classifierAssetPath(name)) ? `${name} classifier weights not trained`
    : name === 'fashion-mnist' && !existsSync(FASHION_MNIST_DIR) ? 'Fashion-MNIST not installed' : false;
  test(`metrics: the ${name} extractor reproduces the torch network's logits and features`, { skip: missing }, () => {
    const json = readClassifierJson(name);
    const test = name === 'mnist' ? loadMnistPackage({ split: 'test' }) : takeDataset(loadFashionMnist({ split: 'test' }), 64);
    const check = json.check!;
    const images = subsetDataset(test, check.testIndices);
    const ex = loadFeatureExtractor(name);
    const { features, logits } = ex.extract(images, 3);
    check.logits.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(logits.data[i * 10 + j] - v) < 1e-3 * (1 + Math.abs(v)), `logit ${i},${j}: ${logits.data[i * 10 + j]} vs ${v}`)));
    check.features.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(features.data[i * 128 + j] - v) < 1e-3 * (1 + Math.abs(v)), `feature ${i},${j}`)));
    // Accuracy on a slice of the test set is in line with the recorded test accuracy.
    const slice = takeDataset(test, 300);
    const out = ex.extract(slice);
    let correct = 0;
    for (let i = 0; i < slice.count; i++) {
      let best = 0;
      for (let j = 1; j < 10; j++) if (out.logits.data[i * 10 + j] > out.logits.data[i * 10 + best]) best = j;
      if (best === slice.labels![i]) correct++;
    }
    assert.ok(correct / slice.count > json.testAccuracy - 0.08, `accuracy ${correct / slice.count} vs recorded ${json.testAccuracy}`);
    assert.throws(() => ex.extract(tf.zeros([2, 32, 32, 1]) as tf.Tensor4D), /images must be \[N, 28, 28, 1\], got \[2, 32, 32, 1\]/);
    ex.dispose();
  });
}

test('metrics: evaluateSamples reports the real-data floor beside the model figure', () => {
  const real = randomFeatures(51, 200, 6);
  const reference = randomFeatures(52, 400, 6);
  const generated = randomFeatures(53, 150, 6, 0.5, 0.6);
  const e = evaluateSamples({ generated, real, reference }, { kidSubsets: 5, kidSubsetSize: 100 });
  assert.equal(e.model.count, 150);
  assert.equal(e.floor.count, 150, 'reference is subsampled to the generated count');
  assert.ok(e.model.fid > e.floor.fid, `model FD ${e.model.fid} above floor ${e.floor.fid}`);
  assert.ok(e.model.kid.mean > e.floor.kid.mean);
  assert.ok(e.model.precision < e.floor.precision || e.model.recall < e.floor.recall);
  assert.ok(e.model.coverage < e.floor.coverage);
  // The floor's FD is the FD between the reference subsample and the real set, nothing else.
  assert.ok(e.floor.fid > 0 && e.floor.fid < frechetDistance(reference, real) * 3);
  // A floor computed once can be reused for further models of the same count, and only then.
  const again = evaluateSamples({ generated: randomFeatures(54, 150, 6), real, reference }, { kidSubsets: 5, kidSubsetSize: 100, floor: e.floor });
  assert.equal(again.floor, e.floor);
  assert.ok(again.model.fid < e.model.fid, 'an unshifted sample scores better than the shifted one');
  assert.throws(() => evaluateSamples({ generated: randomFeatures(55, 120, 6), real, reference }, { floor: e.floor }), /floor was computed for 150 samples, not 120/);
  const table = formatEvaluation(e);
  assert.match(table, /\| metric\s+\| model\s+\| real-data floor \|/);
  assert.match(table, new RegExp(`FD \\(lower is better\\)\\s+\\| ${e.model.fid.toFixed(4)}\\s+\\| ${e.floor.fid.toFixed(4)}`));
});
