// StackGAN on emoji names (issue 17): text -> 64 px emoji, measured on the test split's names, which are
// never trained on. One seed; every size and length is a flag.
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/stackgan/emoji.ts \
//     [--style google] [--seed 0] [--matcher-steps 600] [--stage1-steps 800] [--stage2-steps 400] [--batch 32] [--filters 16]
// Prints, for the generated test images: the emoji classifier's category accuracy against the true category
// (and the same for the real test images: the ceiling), FD and KID against the real test images in the
// classifier's features, and the retrieval score (own text better than 99 others under the matcher), beside
// the real test images' own retrieval score; a grid PNG of real | generated rows goes to --out.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  bagsOfWords, buildVocabulary, embedTexts, emojiText, loadEmoji, loadFeatureExtractor, readClassifierJson, stackGanSample, stackganCeiling, stackganScores,
  trainMatcher, trainStackGan, writeImageGrid,
} from '@gantry/core/node';
import { useFastestBackend } from '../tables/docs-section.js';

const { values: a } = parseArgs({
  options: {
    style: { type: 'string', default: 'google' }, seed: { type: 'string', default: '0' }, 'matcher-steps': { type: 'string', default: '600' },
    'stage1-steps': { type: 'string', default: '800' }, 'stage2-steps': { type: 'string', default: '400' }, batch: { type: 'string', default: '32' },
    filters: { type: 'string', default: '16' }, out: { type: 'string', default: 'runs/stackgan-emoji.png' },
  },
});
const seed = Number(a.seed);
const cpu0 = process.cpuUsage();
const backend = await useFastestBackend();
const style = a.style as 'google' | 'twitter';
const load = (split: 'train' | 'test', size: 16 | 64) => loadEmoji({ style, split, size });
const [train64, train16, test64, test16] = [load('train', 64), load('train', 16), load('test', 64), load('test', 16)];
const vocabulary = buildVocabulary(train64.images.map(emojiText));
const trainBags = bagsOfWords(vocabulary, train64.images.map(emojiText));
const testBags = bagsOfWords(vocabulary, test64.images.map(emojiText));
const unknownTexts = new Set(testBags.unknown.map((u) => u.text)).size;
console.log(`emoji:${style}: ${train64.dataset.count} training and ${test64.dataset.count} test images; vocabulary ${vocabulary.words.length} words; ` +
  `${unknownTexts} test names hold a word never seen in training (counted as ${'<unk>'}) on ${backend}`);

const minutes = () => { const c = process.cpuUsage(cpu0); return ((c.user + c.system) / 6e7).toFixed(1); };
const matcher = await trainMatcher({ bags: trainBags.bags, vocabularySize: trainBags.size, images: train16.dataset },
  { seed, steps: Number(a['matcher-steps']), batchSize: 64 });
console.log(`matcher trained (${minutes()} CPU min so far)`);
const phiTrain = embedTexts(matcher, trainBags.bags, trainBags.size);
const phiTest = embedTexts(matcher, testBags.bags, testBags.size);
const options = { seed, batchSize: Number(a.batch), generatorFilters: Number(a.filters), discriminatorFilters: Number(a.filters), noiseDim: 32, conditionDim: 32 };
const phi = { phi: phiTrain.dataSync() as Float32Array, textDim: phiTrain.shape[1] };
const stage1 = await trainStackGan({ ...phi, images: train16.dataset }, { ...options, steps: Number(a['stage1-steps']) }, 1);
console.log(`stage 1 trained: ${JSON.stringify(stage1.losses)} (${minutes()} CPU min so far)`);
const stage2 = await trainStackGan({ ...phi, images: train64.dataset }, { ...options, steps: Number(a['stage2-steps']) }, 2,
  { g1: stage1.models.g1, ca1: stage1.models.ca1 });
console.log(`stage 2 trained: ${JSON.stringify(stage2.losses)} (${minutes()} CPU min so far)`);

const generated = stackGanSample(stage2.models, phiTest, { seed: seed + 1, noiseDim: 32, conditionDim: 32 });
const extractor = loadFeatureExtractor('emoji');
const scoring = { extractor, classNames: readClassifierJson('emoji').classNames as string[], matcher, test: test64.dataset, phi: phiTest };
const scores = stackganScores(scoring, generated);
const ceiling = stackganCeiling(scoring, test16.dataset);
console.log(JSON.stringify({
  style, seed, testImages: test64.dataset.count, steps: { matcher: Number(a['matcher-steps']), stage1: Number(a['stage1-steps']), stage2: Number(a['stage2-steps']) },
  categoryAccuracy: { generated: scores.categoryAccuracy, real: ceiling.categoryAccuracy },
  fd: scores.fd, kid: scores.kid,
  retrieval: { generated: scores.retrieval, real: ceiling.retrieval },
  cpuMinutes: Number(minutes()), backend,
}));
const rows = 8;
const grid = tf.tidy(() => tf.concat([tf.slice(tf.tensor4d(test64.dataset.values, generated.shape), 0, rows), tf.slice(generated, 0, rows)]));
writeImageGrid(a.out!, grid, { columns: rows });
console.log(`grid: first ${rows} test emoji, real above generated -> ${a.out}`);
