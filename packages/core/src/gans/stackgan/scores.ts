// What StackGAN is measured by (docs/stackgan.md: examples/stackgan/emoji.ts and gantry eval of a StackGAN run),
// on images drawn from the test split's names, which are never trained on:
//   category accuracy  the emoji classifier's predicted category against the emoji's true one
//   fd, kid            against the real test images, in the classifier's features (64 px)
//   retrieval          how often an image matches its own text better than 99 random others under the
//                      matcher (whose image branch reads 16 px: 64 px images are resized bilinearly)
// Real test images scored the same way give the ceilings. Browser-safe: the caller loads the models and data.
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../../data/dataset.js';
import { featureDistances } from '../../metrics/feature-distances.js';
import type { FeatureExtractor } from '../../metrics/feature-extractor.js';
import { retrievalScore, type Matcher } from './matcher.js';
import { STAGE1_SIZE } from './networks.js';

export interface StackganScoring {
  /** the emoji classifier and its class names (the categories) */
  extractor: FeatureExtractor;
  classNames: readonly string[];
  matcher: Matcher;
  /** the real test split at 64 px, labelled by category: the images' true categories and the FD reference */
  test: ArrayDataset;
  /** phi(t) of the test split's names, row-paired with `test` */
  phi: tf.Tensor2D;
}

export interface StackganScores { categoryAccuracy: number; fd: number; kid: number; retrieval: number }

/** Share of images whose predicted category (the classifier's argmax) is their emoji's true category. */
export function categoryAccuracy(extractor: FeatureExtractor, classNames: readonly string[], images: tf.Tensor4D, truth: ArrayDataset): number {
  const { logits } = extractor.extract(images);
  let right = 0;
  for (let i = 0; i < logits.rows; i++) {
    let best = 0;
    for (let k = 1; k < logits.cols; k++) if (logits.data[i * logits.cols + k] > logits.data[i * logits.cols + best]) best = k;
    if (truth.classNames![truth.labels![i]] === classNames[best]) right++;
  }
  return right / logits.rows;
}

/** The scores of 64 px images [N, 64, 64, 3] drawn for the test names (row i for name i). */
export function stackganScores(s: StackganScoring, images: tf.Tensor4D): StackganScores {
  if (images.shape[0] !== s.test.count || s.phi.shape[0] !== s.test.count) {
    throw new Error(`stackganScores: ${images.shape[0]} images and ${s.phi.shape[0]} texts for ${s.test.count} test images (one per test name)`);
  }
  const real = tf.tensor4d(s.test.values, [s.test.count, ...s.test.itemShape] as [number, number, number, number]);
  const small = tf.image.resizeBilinear(images, [STAGE1_SIZE, STAGE1_SIZE]);
  try {
    const distances = featureDistances(s.extractor, images, real);
    return {
      categoryAccuracy: categoryAccuracy(s.extractor, s.classNames, images, s.test),
      fd: distances.fd,
      kid: distances.kid.mean,
      retrieval: retrievalScore(s.matcher, small, s.phi),
    };
  } finally {
    tf.dispose([real, small]);
  }
}

/** The real test images' own category accuracy and retrieval score (`test16`: the split at 16 px): the ceilings. */
export function stackganCeiling(s: StackganScoring, test16: ArrayDataset): Pick<StackganScores, 'categoryAccuracy' | 'retrieval'> {
  const [real, real16] = [s.test, test16].map((d) => tf.tensor4d(d.values, [d.count, ...d.itemShape] as [number, number, number, number]));
  try {
    return { categoryAccuracy: categoryAccuracy(s.extractor, s.classNames, real, s.test), retrieval: retrievalScore(s.matcher, real16, s.phi) };
  } finally {
    tf.dispose([real, real16]);
  }
}
