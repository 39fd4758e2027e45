// Critic regularisers. A penalty is a function of a critic (a batch -> logits function) and data; it
// returns a scalar to add to the critic's loss inside the same tf.variableGrads call, so the gradient
// of the penalty's inner gradient (second order) reaches the critic's weights. Importing @gantry/core
// installs the tfjs gradient fixes that make those second-order gradients correct.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SINGLE_PROCESS, takeShard, type Replicas } from './train/replicas.js';
import { randomUniform, type Rng } from './random.js';
import { installGradientFixes } from './tfjs-gradients/second-order.js';

/** Conditional critics close over their labels. Per-sample outputs: [N] or [N, 1]. */
export type Critic = (x: tf.Tensor) => tf.Tensor;

installGradientFixes();

// Gradients of sum(critic(x)) w.r.t. x are per-sample gradients as long as samples do not interact in
// the critic (no batch norm, minibatch discrimination or minibatch stddev).
function inputGradient(critic: Critic, x: tf.Tensor): tf.Tensor {
  return tf.grad((input: tf.Tensor) => tf.sum(critic(input)))(x);
}

function perSampleSquaredNorm(g: tf.Tensor): tf.Tensor1D {
  const axes = g.shape.map((_, i) => i).slice(1);
  return tf.sum(tf.square(g), axes) as tf.Tensor1D;
}

function checkBatchPair(real: tf.Tensor, fake: tf.Tensor): void {
  if (real.shape.length !== fake.shape.length || real.shape.some((d, i) => d !== fake.shape[i])) {
    throw new Error(`gradientPenalty: real [${real.shape.join(', ')}] and fake [${fake.shape.join(', ')}] must have the same shape`);
  }
}

/**
 * Gulrajani et al. 2017 (WGAN-GP): weight * E[(||grad_x critic(x_hat)||_2 - 1)^2] at x_hat = real + eps * (fake - real),
 * eps ~ U[0, 1] per sample, drawn from rng. With replicas, `real` and `fake` are this rank's shard: the eps of
 * the full batch are drawn and this rank's kept, so that the ranks' penalties average to one process's.
 */
export function gradientPenalty(critic: Critic, real: tf.Tensor, fake: tf.Tensor, rng: Rng, weight = 10, replicas: Replicas = SINGLE_PROCESS): tf.Scalar {
  checkBatchPair(real, fake);
  const n = real.shape[0];
  const epsShape = [n * replicas.worldSize, ...real.shape.slice(1).map(() => 1)];
  const eps = takeShard(randomUniform(rng, epsShape), replicas);
  try {
    return tf.tidy(() => {
      const mixed = tf.add(real, tf.mul(eps, tf.sub(fake, real)));
      const g = inputGradient(critic, mixed);
      // The small constant keeps the norm's own gradient finite when g is exactly zero.
      const norm = tf.sqrt(tf.add(perSampleSquaredNorm(g), 1e-12));
      return tf.mul(weight, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
    });
  } finally {
    eps.dispose();
  }
}

/** Mescheder et al. 2018 R1: (gamma / 2) * E[||grad_x critic(x)||^2] on real data. */
export function r1Penalty(critic: Critic, real: tf.Tensor, gamma = 10): tf.Scalar {
  return tf.tidy(() => tf.mul(gamma / 2, tf.mean(perSampleSquaredNorm(inputGradient(critic, real)))) as tf.Scalar);
}

/** Arjovsky et al. 2017: clamp every trainable weight of the critic to [-limit, limit]; call after each critic update. */
export function clipWeights(model: tfl.LayersModel, limit: number): void {
  if (!(limit > 0)) throw new Error(`clipWeights needs a positive limit, got ${limit}`);
  tf.tidy(() => {
    for (const w of model.trainableWeights) {
      w.write(tf.clipByValue(w.read(), -limit, limit));
    }
  });
}
