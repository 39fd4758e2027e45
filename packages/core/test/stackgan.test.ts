// StackGAN (gans/stackgan): the bag-of-words texts, the matcher's contrastive loss by hand and its
// training on distinguishable pairs (and its resume), the conditioning augmentation's KL term by hand, and both stages on
// the one loop: stage 1 stopped and resumed equals an uninterrupted run bit for bit, stage 2 refines
// stage 1's 16 px images to 64 px with stage 1 frozen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  augmentCondition, bagsOfWords, buildVocabulary, conditioningAugmentation, contrastiveLoss, continueTraining, createRng, emojiText, embedTexts,
  latestCheckpointOf, memoryRunStore, resumeMatcher, resumeStackGan, retrievalScore, stackGanSample, stackGanTrainable, startTraining, tokenize, trainMatcher,
  trainStackGan, UNKNOWN_WORD, type StackGanData, type StackGanOptions,
} from '../src/index.js';
import { weightsByModel } from './train-fixtures.js';

await tf.setBackend('cpu');

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs hand ${expected}`);

test('texts: words lower-cased and split, a normalised bag per text, unknown words reported, emoji names with skin tones', () => {
  assert.deepEqual(tokenize('FATHER CHRISTMAS santa_claus!'), ['father', 'christmas', 'santa', 'claus']);
  const vocabulary = buildVocabulary(['red apple', 'green apple']);
  assert.deepEqual(vocabulary.words, [UNKNOWN_WORD, 'apple', 'green', 'red']);
  const { bags, size, unknown } = bagsOfWords(vocabulary, ['red apple', 'blue apple apple']);
  assert.equal(size, 4);
  assert.deepEqual(Array.from(bags.subarray(0, 4)), [0, 0.5, 0, 0.5]);
  assert.deepEqual(Array.from(bags.subarray(4, 8)).map((v) => Number(v.toFixed(6))), [0.333333, 0.666667, 0, 0]);
  assert.deepEqual(unknown, [{ text: 1, word: 'blue' }]);
  assert.throws(() => bagsOfWords(vocabulary, ['!!']), /text 0 \("!!"\) holds no word/);
  const santa = { image: 'x.png', unified: '1F385-1F3FD', name: 'FATHER CHRISTMAS', shortName: 'santa', category: 'c', subcategory: 's', sortOrder: 1, skinTone: '1F3FD' };
  assert.equal(emojiText(santa), 'FATHER CHRISTMAS santa medium skin tone');
});

test('the matcher\'s contrastive loss and the conditioning augmentation\'s KL term equal their hand computation', () => {
  // unit rows, tau 1: logits = T I^T; every row's cross-entropy is log(1 + e^(s - d)) for diagonal d, other s
  const t = tf.tensor2d([[3, 4], [0, 2]]);
  const i = tf.tensor2d([[1, 0], [0, 5]]);
  const [a, b] = [[0.6, 0.8], [0, 1]];
  const [p, q] = [[1, 0], [0, 1]];
  const dot = (x: number[], y: number[]) => x[0] * y[0] + x[1] * y[1];
  const logits = [[dot(a, p), dot(a, q)], [dot(b, p), dot(b, q)]];
  const ce = (row: number[], k: number) => Math.log(Math.exp(row[0]) + Math.exp(row[1])) - row[k];
  const rows = (ce(logits[0], 0) + ce(logits[1], 1)) / 2;
  const cols = (ce([logits[0][0], logits[1][0]], 0) + ce([logits[0][1], logits[1][1]], 1)) / 2;
  close(contrastiveLoss(t, i, 1).dataSync()[0], 0.5 * (rows + cols), 'contrastive loss');

  const ca = conditioningAugmentation({ textDim: 3, noiseDim: 2, conditionDim: 2, generatorFilters: 2, discriminatorFilters: 2, channels: 3 }, 1, 'ca');
  const phi = tf.tensor2d([[0.2, -0.4, 0.9], [1, 0.5, -0.3]]);
  const eps = tf.tensor2d([[0.3, -1], [2, 0.1]]);
  const { c, kl } = augmentCondition(ca, phi, eps, false);
  const [mu, logvar] = (ca.predict(phi) as tf.Tensor[]).map((x) => x.arraySync() as number[][]);
  const e = eps.arraySync();
  let hand = 0;
  mu.forEach((row, n) => row.forEach((m, j) => {
    close((c.arraySync() as number[][])[n][j], m + Math.exp(logvar[n][j] / 2) * e[n][j], `c[${n}][${j}]`);
    hand += 0.5 * (Math.exp(logvar[n][j]) + m * m - 1 - logvar[n][j]) / 2;
  }));
  close(kl.dataSync()[0], hand, 'KL');
});

/** n items: a word each and a 16 px image of its own colour pattern. */
function pairs(n: number) {
  const texts = Array.from({ length: n }, (_, k) => `item${k}`);
  const vocabulary = buildVocabulary(texts);
  const { bags, size } = bagsOfWords(vocabulary, texts);
  const values = new Float32Array(n * 16 * 16 * 3);
  for (let k = 0; k < n; k++) for (let p = 0; p < 16 * 16; p++) for (let ch = 0; ch < 3; ch++) values[(k * 256 + p) * 3 + ch] = ((k >> ch) & 1) * 2 - 1 + ((p % 16) < 8 === (k >= 4) ? 0.5 : -0.5);
  return { bags, vocabularySize: size, images: { name: 'patterns', itemShape: [16, 16, 3], count: n, values } };
}

test('the matcher learns to pair distinguishable texts and images: retrieval 1 against every other text', async () => {
  const data = pairs(8);
  const matcher = await trainMatcher(data, { seed: 0, steps: 40, batchSize: 8, dim: 16, learningRate: 3e-3 });
  const phi = embedTexts(matcher, data.bags, data.vocabularySize);
  const images = tf.tensor4d(data.images.values, [8, 16, 16, 3]);
  assert.equal(retrievalScore(matcher, images, phi, { distractors: 7 }), 1);
  // shuffled texts: the images' own texts no longer score best
  const shuffled = tf.gather(phi, [1, 2, 3, 4, 5, 6, 7, 0]);
  assert.ok(retrievalScore(matcher, images, shuffled as tf.Tensor2D, { distractors: 7 }) < 0.5);
});

test('the matcher stopped at step 2 and resumed to 4 equals an uninterrupted run, bit for bit; other pairs are refused', async () => {
  const data = pairs(8);
  const options = { seed: 1, steps: 4, batchSize: 4, dim: 8, checkpointEvery: 2 };
  const straight = await trainMatcher(data, options);
  const store = memoryRunStore();
  await trainMatcher(data, { ...options, steps: 2 }, { store });
  const resumed = await resumeMatcher(data, { store, steps: 4 });
  assert.deepEqual(weightsByModel({ ...resumed }), weightsByModel({ ...straight }));
  await assert.rejects(resumeMatcher(pairs(6), { store }), /trained on 8 texts over 9 words, not 6 over 7/);
});

const tiny: StackGanOptions = { seed: 3, steps: 4, batchSize: 4, noiseDim: 4, conditionDim: 4, generatorFilters: 4, discriminatorFilters: 4, checkpointEvery: 2 };

function stackData(size: number, n = 6): StackGanData {
  const rng = createRng(size);
  const phi = Float32Array.from({ length: n * 8 }, () => rng.next() * 2 - 1);
  const values = Float32Array.from({ length: n * size * size * 3 }, () => rng.next() * 2 - 1);
  return { phi, textDim: 8, images: { name: `noise${size}`, itemShape: [size, size, 3], count: n, values } };
}


test('StackGAN stage 1 stopped at step 2 and continued to 4 equals an uninterrupted run, bit for bit; terms are named and finite', async () => {
  const data = stackData(16);
  const straight = stackGanTrainable(data, tiny, 1);
  const s = await startTraining(straight, { steps: 4, progress: 'off' });
  assert.deepEqual(Object.keys(s.losses).sort(), ['d/matching-aware', 'g/adversarial', 'g/kl']);
  assert.ok(Object.values(s.losses).every(Number.isFinite));
  const store = memoryRunStore();
  await startTraining(stackGanTrainable(data, tiny, 1), { steps: 2, progress: 'off', store });
  const checkpoint = (await latestCheckpointOf(store, 'stackgan-1'))!;
  const r = await continueTraining(stackGanTrainable(data, tiny, 1), checkpoint, { steps: 4, progress: 'off', store });
  assert.deepEqual(weightsByModel(r.models), weightsByModel(s.models));
  await assert.rejects(resumeStackGan(stackData(16, 5), 1, { store }), /trained on 6 texts with 8-wide embeddings, not 5 with 8/);
});

test('StackGAN stage 2 keeps stage 1 frozen and draws 64 px images; a fresh stage 2 without stage 1 is refused', async () => {
  const stage1 = await trainStackGan(stackData(16), { ...tiny, steps: 1 }, 1);
  const data = stackData(64);
  const before = weightsByModel({ g1: stage1.models.g1, ca1: stage1.models.ca1 });
  const stage2 = await trainStackGan(data, { ...tiny, steps: 2 }, 2, { g1: stage1.models.g1, ca1: stage1.models.ca1 });
  assert.deepEqual(weightsByModel({ g1: stage2.models.g1, ca1: stage2.models.ca1 }), before);
  const images = stackGanSample(stage2.models, tf.tensor2d(data.phi.subarray(0, 16), [2, 8]), { seed: 1, noiseDim: 4, conditionDim: 4 });
  assert.deepEqual(images.shape, [2, 64, 64, 3]);
  assert.ok(images.dataSync().every((v) => v >= -1 && v <= 1));
  assert.throws(() => stackGanTrainable(data, tiny, 2), /stage 2 needs the trained stage-1 generator/);
});
