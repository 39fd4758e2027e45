// Anomaly scores from a GAN trained on normal rows only. The discriminator learns what normal rows look like
// (against the generator's fakes); a row it finds unlike real data gets a high score. Two scores:
//  - discriminator score: -logit D(x) (low "realness" = anomalous);
//  - feature residual: squared distance of D's last hidden features of x from their mean over the normal
//    training rows (feature matching, Salimans et al. 2016, used as a residual as in AnoGAN's discrimination loss).
//
// This file: the scores of a trained discriminator. Training: ./trainer.ts.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { applyDenseNetwork, denseNetworkWithFeatures } from '../../models/dense-network.js';
import { checkMatrix, columnName, type NumericMatrix } from '../../tabular/matrix.js';
import { scaleMinMax, type MinMaxScaler } from '../../tabular/scaling.js';

export function requireComplete(m: NumericMatrix, what: string): void {
  for (let k = 0; k < m.values.length; k++) {
    if (!Number.isFinite(m.values[k])) {
      throw new Error(`${what}: row ${Math.floor(k / m.cols) + 1}, column ${JSON.stringify(columnName(m, k % m.cols))} is missing or not finite; impute it first (gantry impute)`);
    }
  }
}

/** The trained discriminator plus the scaling and the normal rows' mean features. Holds tfjs variables: dispose() it. */
export class AnomalyScorer {
  constructor(
    readonly discriminator: tfl.LayersModel,
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
    return this.read(() => tf.reshape(tf.neg(applyDenseNetwork(this.discriminator, this.input(m))), [m.rows]));
  }

  /** Per row: ||phi(x) - mean phi(normal)||^2 over D's last hidden layer. Higher = more anomalous. */
  featureResidual(m: NumericMatrix): Float64Array {
    return this.read(() => {
      const { features } = denseNetworkWithFeatures(this.discriminator, this.input(m));
      return tf.sum(tf.square(tf.sub(features, tf.tensor1d(this.featureMean))), 1);
    });
  }

  dispose(): void {
    this.discriminator.dispose();
  }
}

