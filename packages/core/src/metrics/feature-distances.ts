// Frechet and kernel distances between two image sets in a classifier's feature space: what a
// translation model is scored with against its true targets (with loadFeatureExtractor('emoji') in
// node, 64 x 64 RGB in [-1, 1]), beside the paired pixel metrics of image-quality.ts.
import type * as tf from '@tensorflow/tfjs-core';
import type { FeatureExtractor } from './feature-extractor.js';
import type { FeatureMatrix } from './features.js';
import { frechetDistance } from './frechet.js';
import type { ImageInput } from './image-quality.js';
import { kernelInceptionDistance, type KidOptions } from './kid.js';

export interface FeatureDistances {
  /** Frechet distance between the two sets' feature Gaussians */
  fd: number;
  /** KID: unbiased MMD^2 (cubic kernel) over random subsets, mean and population std */
  kid: { mean: number; std: number; subsetSize: number };
  counts: [number, number];
}

function features(extractor: FeatureExtractor, images: ImageInput): FeatureMatrix {
  const input: tf.Tensor4D | { values: Float32Array; count: number } = 'dataSync' in images
    ? images
    : { values: images.values instanceof Float32Array ? images.values : Float32Array.from(images.values), count: images.shape[0] };
  return extractor.extract(input).features;
}

/** FD and KID (KidOptions: subsets, subsetSize, seed; default 100 subsets, seed 0) between x and y. */
export function featureDistances(extractor: FeatureExtractor, x: ImageInput, y: ImageInput, options: KidOptions = {}): FeatureDistances {
  const a = features(extractor, x);
  const b = features(extractor, y);
  const kid = kernelInceptionDistance(a, b, options);
  return { fd: frechetDistance(a, b), kid: { mean: kid.mean, std: kid.std, subsetSize: kid.subsetSize }, counts: [a.rows, b.rows] };
}
