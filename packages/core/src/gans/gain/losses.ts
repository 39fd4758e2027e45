// GAIN (Yoon, Jordon & van der Schaar, ICML 2018): a generator fills in missing entries given the observed
// ones and the mask; a discriminator guesses, entry by entry, which entries were observed, helped by a hint
// that reveals part of the mask. The generator also pays alpha x the squared error on observed entries.
//
// Follows the published recipe: [0, 1] min-max scaling on observed values, missing inputs replaced by
// U(0, 0.01) noise, both networks 3 dense layers of width = number of columns (ReLU, ReLU, sigmoid), Xavier
// normal initialisation, Adam (lr 1e-3), one D step then one G step per iteration, hint H = B * M with
// B ~ Bernoulli(hintRate) (as in the authors' code), discrete columns rounded after imputation.
//
// This file: GAIN's batch and its loss terms. The variant's step and training: ./trainer.ts.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { applyDenseNetwork } from '../../models/dense-network.js';

/** One training batch in GAIN's terms, all rows x cols, row-major, scaled to [0, 1]. */
export interface GainBatch {
  rows: number;
  cols: number;
  /** Observed values, U(0, 0.01) noise where missing. */
  x: ArrayLike<number>;
  /** 1 = observed. */
  mask: ArrayLike<number>;
  hint: ArrayLike<number>;
  /**
   * Optional per-entry weights of the adversarial losses (normalised by their sum). Absent: every entry
   * counts (the authors' code). The paper's form scores only the entries whose mask the hint hides.
   */
  lossWeight?: ArrayLike<number>;
}

/**
 * A batch as the tensors the losses use. The loss normalisations are folded into per-entry weights computed
 * once per batch, so each loss is a weighted sum: fewer kernels per step.
 */
export interface GainBatchTensors {
  /** [x | m], G's input. */
  generatorInput: tf.Tensor2D;
  /** m * x: the observed part of x-hat. */
  observed: tf.Tensor2D;
  notMask: tf.Tensor2D;
  mask: tf.Tensor2D;
  hint: tf.Tensor2D;
  /** w / sum(w): D's cross-entropy weights (1 / n each in the code form). */
  discriminatorWeight: tf.Tensor2D;
  /** (1 - m) w / sum(w): G's adversarial weights. */
  adversarialWeight: tf.Tensor2D;
  /** m / sum(m): mean((m x - m G)^2) / mean(m) as a weighted sum. */
  reconstructionWeight: tf.Tensor2D;
}

export function gainBatchTensors(b: GainBatch): GainBatchTensors {
  const { rows, cols } = b;
  const n = rows * cols;
  for (const [name, a] of [['x', b.x], ['mask', b.mask], ['hint', b.hint], ['lossWeight', b.lossWeight ?? b.x]] as const) {
    if (a.length !== n) throw new Error(`GainBatch.${name} has ${a.length} entries, expected ${rows} x ${cols}`);
  }
  const input = new Float32Array(2 * n);
  const observed = new Float32Array(n);
  const notMask = new Float32Array(n);
  const dW = new Float32Array(n);
  const advW = new Float32Array(n);
  const recW = new Float32Array(n);
  let weightSum = 0;
  let observedCount = 0;
  for (let k = 0; k < n; k++) {
    weightSum += b.lossWeight ? b.lossWeight[k] : 1;
    observedCount += b.mask[k];
  }
  weightSum = Math.max(weightSum, 1e-12);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      const m = b.mask[k];
      const w = (b.lossWeight ? b.lossWeight[k] : 1) / weightSum;
      input[i * 2 * cols + j] = b.x[k];
      input[i * 2 * cols + cols + j] = m;
      observed[k] = m * b.x[k];
      notMask[k] = 1 - m;
      dW[k] = w;
      advW[k] = (1 - m) * w;
      recW[k] = observedCount > 0 ? m / observedCount : 0;
    }
  }
  const t = (v: ArrayLike<number>, c = cols) => tf.tensor2d(v instanceof Float32Array ? v : Float32Array.from(v), [rows, c]);
  return {
    generatorInput: t(input, 2 * cols), observed: t(observed), notMask: t(notMask), mask: t(b.mask), hint: t(b.hint),
    discriminatorWeight: t(dW), adversarialWeight: t(advW), reconstructionWeight: t(recW),
  };
}

export function disposeGainBatch(t: GainBatchTensors): void {
  tf.dispose(Object.values(t));
}

/** G(x, m) in [0, 1]. */
export function gainGenerate(generator: tfl.LayersModel, t: Pick<GainBatchTensors, 'generatorInput'>): tf.Tensor2D {
  return tf.sigmoid(applyDenseNetwork(generator, t.generatorInput));
}

// D's logits for x-hat = m x + (1 - m) G, with the hint.
function discriminatorLogits(discriminator: tfl.LayersModel, t: GainBatchTensors, generated: tf.Tensor2D): tf.Tensor2D {
  const xHat: tf.Tensor2D = tf.add(t.observed, tf.mul(t.notMask, generated));
  return applyDenseNetwork(discriminator, tf.concat([xHat, t.hint], 1));
}

/**
 * D's loss: the cross-entropy of its mask guess, -mean(m log D + (1 - m) log(1 - D)), computed from the logits
 * l as sum(w (softplus(l) - m l)) (softplus(-l) = softplus(l) - l), which is exact where log(sigmoid) underflows.
 */
export function gainDiscriminatorLoss(discriminator: tfl.LayersModel, t: GainBatchTensors, generated: tf.Tensor2D): tf.Scalar {
  const l = discriminatorLogits(discriminator, t, generated);
  return tf.sum(tf.mul(t.discriminatorWeight, tf.sub(tf.softplus(l), tf.mul(t.mask, l))));
}

export interface GainGeneratorLoss {
  /** -mean((1 - m) log D): G wants its fills taken for observed values. */
  adversarial: tf.Scalar;
  /** mean((m x - m G)^2) / mean(m). */
  reconstruction: tf.Scalar;
  /** adversarial + alpha * reconstruction. */
  total: tf.Scalar;
}

export function gainGeneratorLoss(discriminator: tfl.LayersModel, t: GainBatchTensors, generated: tf.Tensor2D, alpha: number): GainGeneratorLoss {
  const l = discriminatorLogits(discriminator, t, generated);
  const adversarial: tf.Scalar = tf.sum(tf.mul(t.adversarialWeight, tf.softplus(tf.neg(l))));
  const reconstruction: tf.Scalar = tf.sum(tf.mul(t.reconstructionWeight, tf.square(tf.sub(generated, t.observed))));
  return { adversarial, reconstruction, total: tf.add(adversarial, tf.mul(alpha, reconstruction)) as tf.Scalar };
}

