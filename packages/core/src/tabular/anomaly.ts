// Anomaly scores from a GAN trained on normal rows only. The discriminator learns what normal rows look like
// (against the generator's fakes); a row it finds unlike real data gets a high score. Two scores:
//  - discriminator score: -logit D(x) (low "realness" = anomalous);
//  - feature residual: squared distance of D's last hidden features of x from their mean over the normal
//    training rows (feature matching, Salimans et al. 2016, used as a residual as in AnoGAN's discrimination loss).
import * as tf from '@tensorflow/tfjs-core';
import { adam } from '../optimizers.js';
import { createRng, forkRng, type Rng } from '../random.js';
import { checkMatrix, columnName, type NumericMatrix } from './matrix.js';
import { createMlp, disposeMlp, mlpForward, mlpForwardWithFeatures, mlpVariables, type Mlp } from './mlp.js';
import { fitMinMax, scaleMinMax, type MinMaxScaler } from './scaling.js';

export interface AnomalyGanOptions {
  seed: number;
  iterations?: number;
  batchSize?: number;
  latentDim?: number;
  /** Hidden widths of both networks (default [64, 64]). */
  hidden?: number[];
  learningRate?: number;
  beta1?: number;
}

function requireComplete(m: NumericMatrix, what: string): void {
  for (let k = 0; k < m.values.length; k++) {
    if (!Number.isFinite(m.values[k])) {
      throw new Error(`${what}: row ${Math.floor(k / m.cols) + 1}, column ${JSON.stringify(columnName(m, k % m.cols))} is missing or not finite; impute it first (gantry impute)`);
    }
  }
}

/** The trained discriminator plus the scaling and the normal rows' mean features. Holds tfjs variables: dispose() it. */
export class AnomalyScorer {
  constructor(
    readonly discriminator: Mlp,
    readonly scaler: MinMaxScaler,
    private readonly featureMean: Float32Array,
  ) {}

  private input(m: NumericMatrix): tf.Tensor2D {
    checkMatrix(m, 'AnomalyScorer');
    if (m.cols !== this.scaler.min.length) throw new Error(`AnomalyScorer: trained on ${this.scaler.min.length} columns, got ${m.cols}`);
    requireComplete(m, 'AnomalyScorer');
    return tf.tensor2d(Float32Array.from(scaleMinMax(this.scaler, m).values), [m.rows, m.cols]);
  }

  private read(f: () => tf.Tensor): Float64Array {
    const t = tf.tidy(f);
    const out = Float64Array.from(t.dataSync());
    t.dispose();
    return out;
  }

  /** Per row: -logit D(x). Higher = more anomalous. */
  discriminatorScore(m: NumericMatrix): Float64Array {
    return this.read(() => tf.reshape(tf.neg(mlpForward(this.discriminator, this.input(m))), [m.rows]));
  }

  /** Per row: ||phi(x) - mean phi(normal)||^2 over D's last hidden layer. Higher = more anomalous. */
  featureResidual(m: NumericMatrix): Float64Array {
    return this.read(() => {
      const { features } = mlpForwardWithFeatures(this.discriminator, this.input(m));
      return tf.sum(tf.square(tf.sub(features, tf.tensor1d(this.featureMean))), 1);
    });
  }

  dispose(): void {
    disposeMlp(this.discriminator);
  }
}

function latent(rng: Rng, rows: number, dim: number): tf.Tensor2D {
  const z = new Float32Array(rows * dim);
  for (let k = 0; k < z.length; k++) z[k] = rng.normal();
  return tf.tensor2d(z, [rows, dim]);
}

// -log sigmoid(l) = softplus(-l); -log(1 - sigmoid(l)) = softplus(l).
const realLoss = (logits: tf.Tensor): tf.Scalar => tf.mean(tf.softplus(tf.neg(logits)));
const fakeLoss = (logits: tf.Tensor): tf.Scalar => tf.mean(tf.softplus(logits));

/** Trains a non-saturating GAN (Goodfellow et al. 2014) on complete normal rows scaled to [0, 1]. */
export function trainAnomalyGan(normal: NumericMatrix, options: AnomalyGanOptions): AnomalyScorer {
  checkMatrix(normal, 'trainAnomalyGan');
  requireComplete(normal, 'trainAnomalyGan');
  const iterations = options.iterations ?? 3000;
  const batchSize = options.batchSize ?? 128;
  const latentDim = options.latentDim ?? 16;
  const hidden = options.hidden ?? [64, 64];
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(normal);
  const data = Float32Array.from(scaleMinMax(scaler, normal).values);
  const dim = normal.cols;
  const generator: Mlp = createMlp(initRng, [latentDim, ...hidden, dim]);
  const discriminator = createMlp(initRng, [dim, ...hidden, 1]);
  const lr = options.learningRate ?? 2e-4;
  const beta1 = options.beta1 ?? 0.5;
  const optG = adam(lr, beta1, 0.999, 1e-8);
  const optD = adam(lr, beta1, 0.999, 1e-8);
  const gVars = mlpVariables(generator);
  const dVars = mlpVariables(discriminator);
  const generate = (z: tf.Tensor2D) => tf.sigmoid(mlpForward(generator, z));
  const realBuf = new Float32Array(batchSize * dim);
  try {
    for (let it = 0; it < iterations; it++) {
      for (let r = 0; r < batchSize; r++) {
        const row = rng.int(normal.rows);
        realBuf.set(data.subarray(row * dim, (row + 1) * dim), r * dim);
      }
      const real = tf.tensor2d(realBuf, [batchSize, dim]);
      const z = latent(rng, batchSize, latentDim);
      // D step on G's current fakes (a constant for D), then the non-saturating G step on the same z.
      const fake = tf.tidy(() => generate(z));
      optD.minimize(() => tf.add(realLoss(mlpForward(discriminator, real)), fakeLoss(mlpForward(discriminator, fake))), false, dVars);
      optG.minimize(() => realLoss(mlpForward(discriminator, generate(z))), false, gVars);
      tf.dispose([real, z, fake]);
    }
    const featureMean = tf.tidy(() => tf.mean(mlpForwardWithFeatures(discriminator, tf.tensor2d(data, [normal.rows, dim])).features, 0));
    const scorer = new AnomalyScorer(discriminator, scaler, featureMean.dataSync() as Float32Array);
    featureMean.dispose();
    return scorer;
  } catch (e) {
    disposeMlp(discriminator);
    throw e;
  } finally {
    disposeMlp(generator);
    optG.dispose();
    optD.dispose();
  }
}

/**
 * Area under the ROC curve of scores where label 1 = positive (anomaly): the probability that a random
 * positive scores above a random negative, ties counting one half (Mann-Whitney U / (n_pos n_neg)).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) throw new Error(`rocAuc: ${scores.length} scores for ${labels.length} labels`);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let pos = 0;
  for (let start = 0; start < idx.length;) {
    let end = start;
    while (end + 1 < idx.length && scores[idx[end + 1]] === scores[idx[start]]) end++;
    const avgRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (labels[idx[k]] === 1) { rankSumPos += avgRank; pos++; }
    start = end + 1;
  }
  const neg = scores.length - pos;
  if (pos === 0 || neg === 0) throw new Error(`rocAuc needs both classes, got ${pos} positives and ${neg} negatives`);
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
