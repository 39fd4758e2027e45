// How generated emoji are scored (docs/generation.md; gantry eval of StyleGAN and ProGAN runs): against the fixed
// test split of emoji:<style> in the emoji classifier's features, Frechet distance, KID and precision / recall
// (k = 3). The classifier reads 64 px, so images of a smaller generator are resized bilinearly to 64, and the test
// split is loaded at the generator's side and passes the same resize: both sides carry the same blur. The floor is
// what the training split scores (as many images as the test split has, evenly spaced over the catalogue, which
// is sorted by category), the value a generator that reproduced its data would reach.
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../data/dataset.js';
import type { EmojiSize, EmojiStyle } from '../data/emoji.js';
import { loadEmoji } from '../data/emoji.node.js';
import { frechetDistance } from './frechet.js';
import { kernelInceptionDistance } from './kid.js';
import { precisionRecall } from './manifold.js';
import { loadFeatureExtractor } from './node.js';

/** The emoji classifier's input side. */
export const EMOJI_CLASSIFIER_SIDE = 64;

export interface EmojiScore { fd: number; kid: number; precision: number; recall: number }

export interface EmojiScoring {
  train: ArrayDataset;
  test: ArrayDataset;
  /** Scores images [N, size, size, 3] in [-1, 1] against the test split. */
  score(images: tf.Tensor4D): EmojiScore;
  /** The training split's score. */
  floor(): EmojiScore;
  dispose(): void;
}

export interface EmojiScoringOptions {
  style: EmojiStyle;
  /** the generator's side: the splits are loaded at it */
  size: EmojiSize;
  /** the emoji-datasource-<style> package's folder (default: as Node resolves it from core) */
  packageRoot?: string;
}

export function emojiScoring(o: EmojiScoringOptions): EmojiScoring {
  const load = (split: 'train' | 'test') => loadEmoji({ style: o.style, size: o.size, split, packageRoot: o.packageRoot }).dataset;
  const [train, test] = [load('train'), load('test')];
  const extractor = loadFeatureExtractor('emoji');
  const featuresOf = (images: tf.Tensor4D) => {
    if (images.shape[1] !== o.size || images.shape[2] !== o.size || images.shape[3] !== 3) {
      throw new Error(`emojiScoring: images of shape [${images.shape}] against emoji:${o.style} at ${o.size} px (expected [N, ${o.size}, ${o.size}, 3])`);
    }
    const big = o.size === EMOJI_CLASSIFIER_SIDE ? images : tf.image.resizeBilinear(images, [EMOJI_CLASSIFIER_SIDE, EMOJI_CLASSIFIER_SIDE]);
    try {
      return extractor.extract(big).features;
    } finally {
      if (big !== images) big.dispose();
    }
  };
  const asImages = (d: ArrayDataset, rows?: number[]) => tf.tidy(() => {
    const all = tf.tensor4d(d.values, [d.count, o.size, o.size, 3]);
    return rows ? tf.gather(all, tf.tensor1d(rows, 'int32')) as tf.Tensor4D : all;
  });
  const testImages = asImages(test);
  const testFeatures = featuresOf(testImages);
  testImages.dispose();

  function score(images: tf.Tensor4D): EmojiScore {
    const generated = featuresOf(images);
    const pr = precisionRecall(testFeatures, generated, 3);
    return { fd: frechetDistance(generated, testFeatures), kid: kernelInceptionDistance(generated, testFeatures).mean, ...pr };
  }

  function floor(): EmojiScore {
    const every = train.count / test.count;
    const images = asImages(train, Array.from({ length: test.count }, (_, i) => Math.floor(i * every)));
    try { return score(images); } finally { images.dispose(); }
  }

  return { train, test, score, floor, dispose: () => extractor.dispose() };
}
