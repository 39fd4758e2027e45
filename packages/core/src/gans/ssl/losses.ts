// The semi-supervised GAN's loss terms (Salimans et al. 2016, sec. 5; the authors' MNIST code). The
// classifier's K logits l(x) stand for K + 1 classes with the "generated" logit fixed at 0, so
// D(x) = P(real | x) = sigmoid(lse(x)), lse = logsumexp over the K logits. In one line:
//   classifier: CE(l(x_lab), y) + w * (0.5 mean softplus(-lse(x_unl)) + 0.5 mean softplus(lse(G(z))))
//   generator:  || mean f(x_unl) - mean f(G(z)) ||^2 / width      (feature matching on hidden features f)
import * as tf from '@tensorflow/tfjs-core';
import { auxiliaryClassLoss } from '../../losses.js';

/** Mean softmax cross-entropy of labelled rows' logits against their classes (the authors' loss_lab). */
export function supervisedLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return auxiliaryClassLoss(logits, labels);
}

/**
 * The unsupervised (real vs generated) loss of the K + 1-class discriminator: unlabelled rows should look
 * real, generated ones generated. Written as the authors' loss_unl, -0.5 mean(lse_u) + 0.5 mean(softplus(lse_u))
 * + 0.5 mean(softplus(lse_g)), with softplus(x) - x = softplus(-x).
 */
export function unsupervisedLoss(unlabelledLogits: tf.Tensor2D, generatedLogits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.mean(tf.softplus(tf.neg(tf.logSumExp(unlabelledLogits, 1))));
    const generated = tf.mean(tf.softplus(tf.logSumExp(generatedLogits, 1)));
    return tf.mul(0.5, tf.add(real, generated)) as tf.Scalar;
  });
}

/** Feature matching: the mean over features of the squared difference of the batch means. */
export function featureMatchingLoss(realFeatures: tf.Tensor2D, generatedFeatures: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.mean(realFeatures, 0), tf.mean(generatedFeatures, 0)))) as tf.Scalar);
}

/**
 * Pseudo-labelling (Lee 2013): unlabelled rows are trained towards their current most probable class, as
 * if labelled. The targets come from the same forward pass and carry no gradient (argmax has none).
 */
export function pseudoLabelLoss(unlabelledLogits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => auxiliaryClassLoss(unlabelledLogits, tf.argMax(unlabelledLogits, 1)));
}
