// RadialGAN's non-adversarial terms. The adversarial terms are gantry's GanLoss and gradient penalty.
import * as tf from '@tensorflow/tfjs-core';

function checkSameShape(what: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1] || b.rank !== 2) {
    throw new Error(`${what}: expected two [N, D] tensors of the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
}

/**
 * Latent cycle consistency (Yoon et al. 2018): a row of domain j encoded to z = E_j(x_j), decoded into
 * domain k and encoded again by E_k must land on the same z. Mean over rows of the squared Euclidean distance.
 */
export function latentCycleLoss(z: tf.Tensor2D, zAgain: tf.Tensor2D): tf.Scalar {
  checkSameShape('latentCycleLoss', z, zAgain);
  return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(z, zAgain)), 1)) as tf.Scalar);
}

/** Mean over rows of the squared error of G_j(E_j(x_j)) against x_j: keeps each domain's own information in z. */
export function reconstructionLoss(x: tf.Tensor2D, reconstructed: tf.Tensor2D): tf.Scalar {
  checkSameShape('reconstructionLoss', x, reconstructed);
  return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(x, reconstructed)), 1)) as tf.Scalar);
}
