// Scores of predicted frames against the true ones, per future frame index (1 = the frame after the
// context): MSE and PSNR (pixels in [0, 1]), SSIM (metrics/image-quality.ts), the sharpness difference of
// Mathieu, Couprie and LeCun (2016, sec. 4.2): 10 log10(1 / mean |(gx + gy)(truth) - (gx + gy)(predicted)|)
// with gx, gy the absolute differences of horizontal and vertical neighbours (dB, higher = edges closer to
// the truth's; it also penalises sharp edges in the wrong place), the edge ratio (the predicted frame's
// edge energy sum(gx + gy) over the true frame's: below 1 is blurred, whatever the positions), and a
// Frechet distance in the MNIST classifier's features. That classifier reads one centred 28 x 28 digit; a
// Moving MNIST frame (two digits anywhere) is bilinearly resized to 28 x 28 and fed as it is, so the FD compares predicted with true frames in a feature space that sees blur and stroke
// shape but was never trained on such frames: a proxy, not the paper's measure.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { FrameSequences } from '../../data/moving-mnist.js';
import type { FeatureExtractor } from '../../metrics/feature-extractor.js';
import { frechetDistance } from '../../metrics/frechet.js';
import { imagePsnr, imageSsim, type ImageValues } from '../../metrics/image-quality.js';
import { framesAsChannels } from './trainer.js';

export interface FrameScores {
  /** 1-based index of the predicted frame after the context */
  frame: number;
  mse: number;
  psnr: number;
  ssim: number;
  sharpness: number;
  /** edge energy sum(gx + gy) of the predicted frame over the true frame's: 1 as sharp as the truth, below 1 blurred */
  edgeRatio: number;
  /** Frechet distance of predicted to true frames in the classifier's features, when an extractor is given */
  fd?: number;
}

/** The predictor's future frames for every sequence's first `context` frames, clipped: [count, size, size, future] in [0, 1]. */
export function predictFrames(predictor: tfl.LayersModel, seqs: FrameSequences, context: number, batchSize = 64): tf.Tensor4D {
  const [, , , wanted] = predictor.inputs[0].shape;
  if (seqs.frames < context) throw new Error(`a sequence of ${seqs.frames} frames is shorter than the ${context}-frame context: frame ${seqs.frames + 1} is missing`);
  if (wanted !== context) throw new Error(`the predictor reads ${wanted} context frames, not ${context}`);
  const parts: tf.Tensor4D[] = [];
  const x = framesAsChannels(seqs, 0, context);
  try {
    for (let start = 0; start < seqs.count; start += batchSize) {
      const n = Math.min(batchSize, seqs.count - start);
      parts.push(tf.tidy(() => tf.clipByValue(predictor.predict(tf.slice(x, [start, 0, 0, 0], [n, -1, -1, -1])) as tf.Tensor4D, 0, 1)));
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose([x, ...parts]);
  }
}

/** The copy-last-frame baseline: the last context frame repeated `future` times, [count, size, size, future]. */
export function copyLastFrame(seqs: FrameSequences, context: number, future: number): tf.Tensor4D {
  return tf.tidy(() => tf.tile(framesAsChannels(seqs, context - 1, context), [1, 1, 1, future]));
}

/** The paper's sharpness difference (dB) and the ratio of edge energy sum(gx + gy) of predicted to true frames, each averaged over images. */
function edgeScores(p: Float32Array, t: Float32Array, n: number, size: number): { sharpness: number; edgeRatio: number } {
  let sharpness = 0;
  let edgeRatio = 0;
  for (let i = 0; i < n; i++) {
    const base = i * size * size;
    let difference = 0;
    let truthEdges = 0;
    let predictedEdges = 0;
    for (let y = 1; y < size; y++) {
      for (let x = 1; x < size; x++) {
        const k = base + y * size + x;
        const gt = Math.abs(t[k] - t[k - 1]) + Math.abs(t[k] - t[k - size]);
        const gp = Math.abs(p[k] - p[k - 1]) + Math.abs(p[k] - p[k - size]);
        difference += Math.abs(gt - gp);
        truthEdges += gt;
        predictedEdges += gp;
      }
    }
    // a frame whose edges match exactly would be infinitely sharp: floor the mean at 1e-8 (80 dB)
    sharpness += 10 * Math.log10(1 / Math.max(1e-8, difference / ((size - 1) * (size - 1))));
    edgeRatio += truthEdges > 0 ? predictedEdges / truthEdges : 1;
  }
  return { sharpness: sharpness / n, edgeRatio: edgeRatio / n };
}

function frameAt(frames: tf.Tensor4D, t: number): ImageValues & { values: Float32Array } {
  const [n, h, w] = frames.shape;
  const values = tf.tidy(() => tf.slice(frames, [0, 0, 0, t], [n, h, w, 1]).dataSync() as Float32Array);
  return { values, shape: [n, h, w, 1] };
}

function classifierFeatures(extractor: FeatureExtractor, frame: ImageValues & { values: Float32Array }): ReturnType<FeatureExtractor['extract']>['features'] {
  const [, side] = extractor.inputShape;
  const images = tf.tidy(() => tf.sub(tf.mul(tf.image.resizeBilinear(tf.tensor4d(frame.values, frame.shape), [side, side]), 2), 1) as tf.Tensor4D);
  try {
    return extractor.extract(images).features;
  } finally {
    images.dispose();
  }
}

/** Scores per future frame of predicted [N, size, size, future] against truth of the same shape, both in [0, 1]. */
export function scoreFrames(predicted: tf.Tensor4D, truth: tf.Tensor4D, extractor?: FeatureExtractor): FrameScores[] {
  if (predicted.shape.join(',') !== truth.shape.join(',')) {
    throw new Error(`predicted frames [${predicted.shape.join(', ')}] and true frames [${truth.shape.join(', ')}] differ in shape`);
  }
  const [n, size, , future] = predicted.shape;
  const range = { valueRange: [0, 1] as const };
  return Array.from({ length: future }, (_, t) => {
    const p = frameAt(predicted, t);
    const y = frameAt(truth, t);
    let mse = 0;
    for (let k = 0; k < p.values.length; k++) mse += (p.values[k] - y.values[k]) ** 2;
    const scores: FrameScores = {
      frame: t + 1, mse: mse / p.values.length, psnr: imagePsnr(p, y, range).mean, ssim: imageSsim(p, y, range).mean,
      ...edgeScores(p.values, y.values, n, size),
    };
    if (extractor) scores.fd = frechetDistance(classifierFeatures(extractor, p), classifierFeatures(extractor, y));
    return scores;
  });
}
