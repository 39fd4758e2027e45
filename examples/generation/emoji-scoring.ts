// What the generation measurements share (docs/generation.md): emoji:google at 32 px, the fixed test split's
// features in the emoji classifier (images resized bilinearly 32 -> 64, the classifier's input), the scores of
// a batch of generated images (Frechet distance, KID, precision / recall with k = 3), the floor (as many
// evenly spaced training images as the test split has), and a CPU-seconds budget that stops a loop run.
import * as tf from '@tensorflow/tfjs-core';
import { featureDistances, loadEmoji, loadFeatureExtractor, precisionRecall } from '@gantry/core/node';

export const SIZE = 32;

export const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

export function emojiScoring() {
  const train = loadEmoji({ style: 'google', size: SIZE, split: 'train' }).dataset;
  const test = loadEmoji({ style: 'google', size: SIZE, split: 'test' }).dataset;
  const extractor = loadFeatureExtractor('emoji');
  const to64 = (x: tf.Tensor4D) => tf.tidy(() => tf.image.resizeBilinear(x, [64, 64]));
  const testImages = to64(tf.tensor4d(test.values, [test.count, SIZE, SIZE, 3]));
  const testFeatures = extractor.extract(testImages).features;

  /** Scores images [N, 32, 32, 3] against the test split. */
  function score(images: tf.Tensor4D): Record<string, number> {
    const big = to64(images);
    const d = featureDistances(extractor, big, testImages);
    const pr = precisionRecall(testFeatures, extractor.extract(big).features, 3);
    big.dispose();
    return { fd: +d.fd.toFixed(2), kid: +d.kid.mean.toFixed(4), precision: +pr.precision.toFixed(3), recall: +pr.recall.toFixed(3) };
  }

  /** The training split's score: as many images as the test split has, evenly spaced over the catalogue (sorted by category). */
  function floor(): Record<string, number> {
    const every = train.count / test.count;
    const pick = Array.from({ length: test.count }, (_, i) => Math.floor(i * every));
    const images = tf.tidy(() => tf.gather(tf.tensor4d(train.values, [train.count, SIZE, SIZE, 3]), tf.tensor1d(pick, 'int32'))) as tf.Tensor4D;
    const s = score(images);
    images.dispose();
    return s;
  }

  return { train, test, score, floor };
}

/** Stops a run once this process's CPU seconds since the call pass `budget` (the step in progress completes). */
export function cpuBudget(budget: number) {
  const stop = new AbortController();
  const from = cpuSeconds();
  return { signal: stop.signal, callbacks: { onStep: () => { if (cpuSeconds() - from > budget) stop.abort(); } }, from };
}
