// Validates the emoji feature extractor (packages/core/assets/emoji-classifier.json) the way the MNIST
// ones are read: its test accuracy recomputed in TypeScript, then Frechet and kernel distances that must
// be small between two samples of the same real images and grow with a change of style, blur or noise.
//   GANTRY_TORCH_THREADS=1 nice node --conditions=gantry-source --import tsx examples/translation/emoji-extractor-check.ts [--seed 0] [--backend cpu]
// (gantry's torch backend by default: tfjs's cpu backend takes minutes for the ~6,000 extractions)
// Every distance compares half A of a style's test split with half B (disjoint images, a seeded split),
// so the undegraded row is the sampling floor and each other row adds one change to B only.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  accuracy, createRng, featureDistances, gaussianBlur, loadEmoji, loadFeatureExtractor, pairedImageMetrics, readClassifierJson,
  type ImageValues, type Rng,
} from '@gantry/core/node';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seed = Number(arg('--seed', '0'));
const backend = arg('--backend', 'torch');
if (backend === 'torch') await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not initialise`);
const started = Date.now();
const extractor = loadFeatureExtractor('emoji');
const json = readClassifierJson('emoji');

function argmaxRows(m: { rows: number; cols: number; data: Float64Array }): Int32Array {
  return Int32Array.from({ length: m.rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[i * m.cols + j] > m.data[i * m.cols + best]) best = j;
    return best;
  });
}

function take(x: ImageValues, idx: Int32Array): ImageValues & { values: Float32Array } {
  const [, h, w, c] = x.shape;
  const item = h * w * c;
  const values = new Float32Array(idx.length * item);
  idx.forEach((i, k) => values.set(x.values.subarray(i * item, (i + 1) * item), k * item));
  return { values, shape: [idx.length, h, w, c] };
}

function halves(n: number, rng: Rng): [Int32Array, Int32Array] {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return [p.slice(0, n >> 1), p.slice(n >> 1)];
}

function withNoise(x: ImageValues, std: number, rng: Rng): ImageValues {
  return { values: Float32Array.from(x.values, (v) => Math.max(-1, Math.min(1, v + std * rng.normal()))), shape: x.shape };
}

const rng = createRng(seed);
const names: Record<string, string[]> = {};
const test = Object.fromEntries((['google', 'twitter'] as const).map((style) => {
  const { dataset, images } = loadEmoji({ style, split: 'test' });
  names[style] = images.map((e) => e.image);
  const { logits } = extractor.extract(dataset);
  const acc = accuracy(dataset.labels!, argmaxRows(logits));
  console.log(`emoji:${style} test split: ${dataset.count} images, accuracy ${acc.toFixed(4)} (TypeScript, ${backend} backend)`);
  return [style, { values: dataset.values, shape: [dataset.count, 64, 64, 3] } as ImageValues];
})) as Record<'google' | 'twitter', ImageValues>;
console.log(`recorded at training (torch, both styles): ${json.testAccuracy.toFixed(4)}`);

const rows: string[] = ['| A: half of | B: the other half of | FD | KID x1000 |', '| --- | --- | --- | --- |'];
for (const style of ['google', 'twitter'] as const) {
  const other = style === 'google' ? 'twitter' : 'google';
  // the same split of image indices for both styles, so "other style" compares the same emoji B
  const [a, b] = halves(test[style].shape[0], rng);
  const A = take(test[style], a);
  const cases: Array<[string, ImageValues]> = [
    [`emoji:${style} (floor)`, take(test[style], b)],
    [`emoji:${other} (other style)`, take(test[other], b)],
    ...[0.5, 1, 2].map((s): [string, ImageValues] => [`emoji:${style}, blur sigma ${s}`, gaussianBlur(take(test[style], b), s)]),
    ...[0.05, 0.1, 0.2].map((s): [string, ImageValues] => [`emoji:${style}, noise std ${s}`, withNoise(take(test[style], b), s, rng)]),
  ];
  for (const [label, B] of cases) {
    const d = featureDistances(extractor, A, B, { subsets: 100, seed });
    rows.push(`| emoji:${style} test | ${label} | ${d.fd.toFixed(2)} | ${(d.kid.mean * 1000).toFixed(2)} ± ${(d.kid.std * 1000).toFixed(2)} |`);
  }
}
console.log(`\nseed ${seed}; ${test.google.shape[0]} test images per style, halves of ${test.google.shape[0] >> 1} and ${test.google.shape[0] - (test.google.shape[0] >> 1)}; KID: 100 subsets\n`);
console.log(rows.join('\n'));

// The floor of any google -> twitter translator: the input copied unchanged, scored against the true
// twitter image of the same emoji (the test split of both styles lists the same emoji in the same order).
if (names.google.join() !== names.twitter.join()) throw new Error('the two styles\' test splits list different images');
const copy = pairedImageMetrics(test.google, test.twitter);
const copyFeatures = featureDistances(extractor, test.google, test.twitter, { subsets: 100, seed });
// ... beside the real-data floor at the same size: as many twitter TRAIN images (seeded pick) against the
// same twitter test images, the reference evaluateSamples uses for generated images
const train = loadEmoji({ style: 'twitter', split: 'train' }).dataset;
const pick = halves(train.count, rng)[0].slice(0, test.twitter.shape[0]);
const floor = featureDistances(extractor, take({ values: train.values, shape: [train.count, 64, 64, 3] }, pick), test.twitter, { subsets: 100, seed });
console.log(`\nreal-data floor (${pick.length} emoji:twitter train images vs the ${test.twitter.shape[0]} test images):`
  + ` FD ${floor.fd.toFixed(2)}, KID x1000 ${(floor.kid.mean * 1000).toFixed(2)} ± ${(floor.kid.std * 1000).toFixed(2)}`);
console.log(`input copied (emoji:google test as the output, emoji:twitter test as the target, ${test.google.shape[0]} pairs):`
  + ` L1 ${copy.l1.mean.toFixed(4)}, PSNR ${copy.psnr.mean.toFixed(2)} dB, SSIM ${copy.ssim.mean.toFixed(4)},`
  + ` FD ${copyFeatures.fd.toFixed(2)}, KID x1000 ${(copyFeatures.kid.mean * 1000).toFixed(2)} ± ${(copyFeatures.kid.std * 1000).toFixed(2)}`);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
