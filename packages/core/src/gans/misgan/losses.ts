// MisGAN's loss terms (Li, Jiang & Marlin, ICLR 2019). Three WGAN-GP games, each critic scoring one thing:
//   data critic D_x:    masked real data  x * m + tau (1 - m)   vs  masked fakes  G_x(z) * G_m(z') + tau (1 - G_m(z'))
//   mask critic D_m:    real masks m                            vs  G_m(z')
//   imputer critic D_i: G_x(z) (complete fakes)                 vs  x * m + I(x, m, w) * (1 - m)
// Every critic loss is losses.ts' Wasserstein pair plus penalties.ts' gradient penalty; every player's loss is
// -mean(critic(its output)). Masking the data with the generated mask is what lets G_x learn complete data from
// incomplete data only: D_x never sees a value the mask hides, in the real or the fake batch.
//
// This file: the terms. The schedule (critic steps, which player minimises what): ./trainer.ts.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { wassersteinLoss } from '../../losses.js';
import { gradientPenalty } from '../../penalties.js';
import type { Rng } from '../../random.js';
import { SINGLE_PROCESS, type Replicas } from '../../train/replicas.js';
import { term, type LossTerms } from '../../train/update.js';
import { runNetwork } from './models.js';

/** x * m + tau * (1 - m): what a critic may see of data under a mask (tau fills the hidden entries). */
export function maskData(x: tf.Tensor2D, mask: tf.Tensor2D, tau: number): tf.Tensor2D {
  const kept: tf.Tensor2D = tf.mul(x, mask);
  return tau === 0 ? kept : tf.add(kept, tf.mul(tau, tf.sub(1, mask)));
}

/** A network as a critic: its logits [N, 1] as [N]. */
export function criticOf(model: tfl.LayersModel): (x: tf.Tensor) => tf.Tensor {
  return (x) => tf.reshape(runNetwork(model, x as tf.Tensor2D), [-1]);
}

/**
 * A WGAN-GP critic's loss, mean D(fake) - mean D(real) + weight * E[(|grad D(x-hat)| - 1)^2], registered as
 * `${name}` (the Wasserstein part) and `${name}_gp` (the penalty); the interpolation epsilons come from rng.
 */
export function criticLoss(parts: LossTerms, name: string, critic: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor2D, fake: tf.Tensor2D,
  rng: Rng, gpWeight: number, replicas: Replicas = SINGLE_PROCESS): tf.Scalar {
  const adversarial = term(parts, name, wassersteinLoss.discriminator(critic(real), critic(fake)));
  if (gpWeight === 0) return adversarial;
  return tf.add(adversarial, term(parts, `${name}_gp`, gradientPenalty(critic, real, fake, rng, gpWeight, replicas)));
}

/** A player's Wasserstein loss: -mean D(its output). */
export function playerLoss(critic: (x: tf.Tensor) => tf.Tensor, output: tf.Tensor2D): tf.Scalar {
  return wassersteinLoss.generator(critic(output));
}

/** sigmoid(logits / temperature): the mask generator's probabilities of "observed" (the authors' 'sigmoid' mask generator). */
export function maskProbabilities(logits: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.sigmoid(temperature === 1 ? logits : tf.div<tf.Tensor2D>(logits, temperature));
}

/** The imputer's output I(x, m, w): it sees the observed values, and noise w where entries are missing, x m + w (1 - m). */
export function imputerOutput(imputer: tfl.LayersModel, x: tf.Tensor2D, mask: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor2D {
  return tf.sigmoid(runNetwork(imputer, tf.add(tf.mul(x, mask), tf.mul(noise, tf.sub(1, mask)))));
}

/** x m + out (1 - m): the imputer's output fills the missing entries, observed ones are kept. */
export function complete(x: tf.Tensor2D, mask: tf.Tensor2D, out: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.mul(x, mask), tf.mul(out, tf.sub(1, mask)));
}

/** The imputer's completion of a batch: complete(x, m, I(x, m, w)). */
export function imputeBatch(imputer: tfl.LayersModel, x: tf.Tensor2D, mask: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor2D {
  return complete(x, mask, imputerOutput(imputer, x, mask, noise));
}

/**
 * sum(m (out - x)^2) / sum(m): the imputer's squared error on the entries it was shown (its output is not replaced
 * there), the authors' optional "mismatch" term (misgan_impute.py's gamma; their mask_norm, which averages per
 * example, equals this when every example has as many observed entries).
 */
export function observedMismatch(x: tf.Tensor2D, mask: tf.Tensor2D, out: tf.Tensor2D): tf.Scalar {
  return tf.div(tf.sum(tf.mul(mask, tf.square(tf.sub(out, x)))), tf.maximum(tf.sum(mask), 1));
}
