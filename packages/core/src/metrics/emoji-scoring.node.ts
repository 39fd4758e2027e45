// How generated images are scored (docs/generation.md; gantry eval of StyleGAN and ProGAN runs): against a fixed test
// split in a classifier's features, Frechet distance, KID and precision / recall (k = 3), beside a floor: what the
// training split scores (as many images as the test split has, evenly spaced over it), the value a generator that
// reproduced its data would reach. Both sides pass the same preparation for the classifier:
// - emoji: the emoji classifier reads 64 px, so images of a smaller generator are resized bilinearly to 64, and
//   the test split is loaded at the generator's side and passes the same resize: both carry the same blur;
// - Fashion-MNIST padded to 32 px RGB (as StyleGAN and ProGAN train on it): the centre 28 x 28, channels averaged,
//   is what the Fashion-MNIST classifier reads (the original image, for the real splits).
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../data/dataset.js';
import type { EmojiSize, EmojiStyle } from '../data/emoji.js';
import { loadEmoji } from '../data/emoji.node.js';
import { subsetDataset } from '../data/dataset.js';
import { FASHION_PADDED_SIDE, loadFashionMnist } from '../data/idx-file.node.js';
import { padImages } from '../data/images.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { frechetDistance } from './frechet.js';
import { kernelInceptionDistance } from './kid.js';
import { precisionRecall } from './manifold.js';
import { loadFeatureExtractor } from './node.js';

/** The emoji classifier's input side. */
export const EMOJI_CLASSIFIER_SIDE = 64;
/** The Fashion-MNIST classifier's side, inside the padded images. */
const FASHION_SIDE = 28;

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

interface SplitScoringOptions {
  train: ArrayDataset;
  test: ArrayDataset;
  extractor: FeatureExtractor;
  /** what the classifier reads of images shaped as the splits' (a new tensor, or the same one) */
  prepare(images: tf.Tensor4D): tf.Tensor4D;
  where: string;
}

function splitScoring(o: SplitScoringOptions): EmojiScoring {
  const { train, test, extractor } = o;
  const featuresOf = (images: tf.Tensor4D) => {
    const expected = test.itemShape;
    if (images.shape.slice(1).some((d, i) => d !== expected[i])) {
      throw new Error(`scoring: images of shape [${images.shape}] against ${o.where} (expected [N, ${expected.join(', ')}])`);
    }
    const prepared = o.prepare(images);
    try {
      return extractor.extract(prepared).features;
    } finally {
      if (prepared !== images) prepared.dispose();
    }
  };
  const asImages = (d: ArrayDataset, rows?: number[]) => tf.tidy(() => {
    const all = tf.tensor4d(d.values, [d.count, ...d.itemShape] as [number, number, number, number]);
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

export interface EmojiScoringOptions {
  style: EmojiStyle;
  /** the generator's side: the splits are loaded at it */
  size: EmojiSize;
  /** the emoji-datasource-<style> package's folder (default: as Node resolves it from core) */
  packageRoot?: string;
}

export function emojiScoring(o: EmojiScoringOptions): EmojiScoring {
  const load = (split: 'train' | 'test') => loadEmoji({ style: o.style, size: o.size, split, packageRoot: o.packageRoot }).dataset;
  return splitScoring({
    train: load('train'), test: load('test'), extractor: loadFeatureExtractor('emoji'), where: `emoji:${o.style} at ${o.size} px`,
    prepare: (images) => (o.size === EMOJI_CLASSIFIER_SIDE ? images : tf.image.resizeBilinear(images, [EMOJI_CLASSIFIER_SIDE, EMOJI_CLASSIFIER_SIDE])),
  });
}

/**
 * Fashion-MNIST padded to 32 px RGB (as `loadPaddedFashionMnist`), scored in the Fashion-MNIST classifier's
 * features against `referenceCount` test images evenly spaced over the split (default 1,000 of its 10,000: KID's
 * 100 subsets and the k-nearest-neighbour precision and recall cost the square of the count, in plain JS); the
 * floor is as many training images, evenly spaced too.
 */
export function fashionScoring(o: { dir?: string; referenceCount?: number } = {}): EmojiScoring {
  const load = (split: 'train' | 'test') => {
    const all = loadFashionMnist({ split, dir: o.dir });
    const count = Math.min(all.count, o.referenceCount ?? 1000);
    const spaced = subsetDataset(all, Array.from({ length: count }, (_, i) => Math.floor((i * all.count) / count)), `${all.name} (${count} evenly spaced)`);
    return padImages(spaced, FASHION_PADDED_SIDE, { rgb: true });
  };
  const margin = (FASHION_PADDED_SIDE - FASHION_SIDE) / 2;
  return splitScoring({
    train: load('train'), test: load('test'), extractor: loadFeatureExtractor('fashion-mnist'), where: `fashion-mnist padded to ${FASHION_PADDED_SIDE} px`,
    prepare: (images) => tf.tidy(() => tf.mean(tf.slice(images, [0, margin, margin, 0], [-1, FASHION_SIDE, FASHION_SIDE, 3]), 3, true) as tf.Tensor4D),
  });
}
