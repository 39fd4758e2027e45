import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { featureDistances, featureExtractorFromJson, type ImageValues } from '../src/metrics/index.js';
import { classifierAssetPath, loadFeatureExtractor, readClassifierJson } from '../src/metrics/node.js';
import { emojiPackageRoot, loadEmoji } from '../src/data/node.js';

await tf.setBackend('cpu');

const missing = !existsSync(classifierAssetPath('emoji')) ? 'emoji classifier weights not trained'
  : (() => {
    try {
      emojiPackageRoot('google'); emojiPackageRoot('twitter');
      return false;
    } catch (e) {
      return (e as Error).message;
    }
  })();

test('emoji extractor: the shipped file is small and says what it is', { skip: !existsSync(classifierAssetPath('emoji')) && 'not trained' }, () => {
  assert.ok(statSync(classifierAssetPath('emoji')).size < 1_000_000, 'weights committed in the tree must stay under 1 MB');
  const json = readClassifierJson('emoji');
  assert.deepEqual(json.inputShape, [64, 64, 3]);
  assert.equal(json.numClasses, 10);
  assert.equal(json.classNames?.length, 10);
});

test('emoji extractor reproduces the torch network on test images of both styles', { skip: missing }, () => {
  const json = readClassifierJson('emoji');
  const check = json.check!;
  const ex = loadFeatureExtractor('emoji');
  const d = json.featureDim;
  check.testIndices.forEach((index, i) => {
    const style = check.testStyles![i] as 'google' | 'twitter';
    const image = loadEmoji({ style, split: 'test', limit: index + 1 }).dataset;
    const one = { values: image.values.subarray(index * 64 * 64 * 3), count: 1 };
    const { features, logits } = ex.extract(one);
    check.logits[i].forEach((v, j) => assert.ok(Math.abs(logits.data[j] - v) < 1e-3 * (1 + Math.abs(v)), `${style} ${index} logit ${j}: ${logits.data[j]} vs ${v}`));
    check.features[i].forEach((v, j) => assert.ok(Math.abs(features.data[j] - v) < 1e-3 * (1 + Math.abs(v)), `${style} ${index} feature ${j} of ${d}`));
  });
  assert.throws(() => ex.extract(tf.zeros([2, 32, 32, 3]) as tf.Tensor4D), /images must be \[N, 64, 64, 3\], got \[2, 32, 32, 3\]/);
  ex.dispose();
});

test('featureDistances: zero for a set against itself, larger against a shifted set', { skip: missing }, () => {
  const { dataset } = loadEmoji({ style: 'google', split: 'test', limit: 8 });
  const x: ImageValues = { values: dataset.values, shape: [8, 64, 64, 3] };
  const darker: ImageValues = { values: dataset.values.map((v) => v - 0.5), shape: x.shape };
  const ex = loadFeatureExtractor('emoji');
  const same = featureDistances(ex, x, x, { subsets: 10, subsetSize: 4 });
  const shifted = featureDistances(ex, x, darker, { subsets: 10, subsetSize: 4 });
  ex.dispose();
  assert.ok(same.fd < 1e-6, `FD of a set with itself: ${same.fd}`);
  assert.ok(shifted.fd > 1 && shifted.kid.mean > same.kid.mean, `shifted: FD ${shifted.fd}, KID ${shifted.kid.mean}`);
  assert.deepEqual(same.counts, [8, 8]);
});

test('classifier layers: a last layer that is not dense is refused', () => {
  const json = { ...readClassifierJson('mnist'), layers: [{ op: 'flatten' as const }] };
  assert.throws(() => featureExtractorFromJson(json), /last layer must be dense/);
});
