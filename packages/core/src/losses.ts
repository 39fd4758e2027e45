// GAN losses. Every loss takes raw critic logits (the discriminator has no sigmoid) and is a pair of
// functions returning scalars that the respective player minimises.
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax } from './tfjs-gradients/second-order.js';

export type LossName = 'minimax' | 'nonsaturating' | 'wgan' | 'wgan-gp' | 'hinge' | 'lsgan';

export interface GanLoss {
  readonly name: LossName;
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  generator(fakeLogits: tf.Tensor): tf.Scalar;
}

export interface LossOptions {
  /**
   * Target for real samples in the discriminator loss (one-sided label smoothing, Salimans et al. 2016,
   * who use 0.9). Fake targets stay 0. Only meaningful for the classifier losses and lsgan.
   */
  realLabel?: number;
}

function checkLogits(what: string, t: tf.Tensor): void {
  if (t.dtype !== 'float32') throw new Error(`${what} must be float32 logits, got ${t.dtype}`);
  if (t.size === 0) throw new Error(`${what} is empty (shape [${t.shape.join(', ')}])`);
}

function checkRealLabel(realLabel: number): void {
  if (!(realLabel > 0 && realLabel <= 1)) throw new Error(`realLabel must lie in (0, 1], got ${realLabel}`);
}

// Binary cross-entropy of sigmoid(logits) against a constant target t, in the overflow-free form
// t*softplus(-x) + (1-t)*softplus(x).
function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    if (target === 1) return tf.mean(tf.softplus(tf.neg(logits)));
    if (target === 0) return tf.mean(tf.softplus(logits));
    return tf.mean(tf.add(tf.mul(target, tf.softplus(tf.neg(logits))), tf.mul(1 - target, tf.softplus(logits))));
  }) as tf.Scalar;
}

function classifierDiscriminatorLoss(realLabel: number) {
  return (realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar => {
    checkLogits('realLogits', realLogits);
    checkLogits('fakeLogits', fakeLogits);
    return tf.tidy(() => tf.add(bceWithLogits(realLogits, realLabel), bceWithLogits(fakeLogits, 0)) as tf.Scalar);
  };
}

/** Goodfellow et al. 2014, the original game: G minimises log(1 - D(G(z))). Saturates when D wins. */
export function minimax(options: LossOptions = {}): GanLoss {
  const realLabel = options.realLabel ?? 1;
  checkRealLabel(realLabel);
  return {
    name: 'minimax',
    discriminator: classifierDiscriminatorLoss(realLabel),
    // log(1 - sigmoid(x)) = -softplus(x)
    generator: (fakeLogits) => {
      checkLogits('fakeLogits', fakeLogits);
      return tf.tidy(() => tf.neg(tf.mean(tf.softplus(fakeLogits))) as tf.Scalar);
    },
  };
}

/** Goodfellow et al. 2014's practical variant: G maximises log D(G(z)). */
export function nonSaturating(options: LossOptions = {}): GanLoss {
  const realLabel = options.realLabel ?? 1;
  checkRealLabel(realLabel);
  return {
    name: 'nonsaturating',
    discriminator: classifierDiscriminatorLoss(realLabel),
    generator: (fakeLogits) => {
      checkLogits('fakeLogits', fakeLogits);
      return bceWithLogits(fakeLogits, 1);
    },
  };
}

/** Mao et al. 2017 least squares GAN with targets a=0 (fake), b=1 (real), c=1 (G). */
export function leastSquares(options: LossOptions = {}): GanLoss {
  const realLabel = options.realLabel ?? 1;
  checkRealLabel(realLabel);
  return {
    name: 'lsgan',
    discriminator: (realLogits, fakeLogits) => {
      checkLogits('realLogits', realLogits);
      checkLogits('fakeLogits', fakeLogits);
      return tf.tidy(() => tf.mul(0.5, tf.add(
        tf.mean(tf.square(tf.sub(realLogits, realLabel))), tf.mean(tf.square(fakeLogits)))) as tf.Scalar);
    },
    generator: (fakeLogits) => {
      checkLogits('fakeLogits', fakeLogits);
      return tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1)))) as tf.Scalar);
    },
  };
}

export const minimaxLoss: GanLoss = minimax();
export const nonSaturatingLoss: GanLoss = nonSaturating();
export const leastSquaresLoss: GanLoss = leastSquares();

/** Arjovsky et al. 2017: the critic estimates E[f(real)] - E[f(fake)]; needs clipping or a gradient penalty. */
export const wassersteinLoss: GanLoss = {
  name: 'wgan',
  discriminator: (realLogits, fakeLogits) => {
    checkLogits('realLogits', realLogits);
    checkLogits('fakeLogits', fakeLogits);
    return tf.tidy(() => tf.sub(tf.mean(fakeLogits), tf.mean(realLogits)) as tf.Scalar);
  },
  generator: (fakeLogits) => {
    checkLogits('fakeLogits', fakeLogits);
    return tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar);
  },
};

/** Lim & Ye 2017 / Miyato et al. 2018 hinge loss. */
export const hingeLoss: GanLoss = {
  name: 'hinge',
  discriminator: (realLogits, fakeLogits) => {
    checkLogits('realLogits', realLogits);
    checkLogits('fakeLogits', fakeLogits);
    return tf.tidy(() => tf.add(
      tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))) as tf.Scalar);
  },
  generator: (fakeLogits) => {
    checkLogits('fakeLogits', fakeLogits);
    return tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar);
  },
};

export const LOSS_NAMES: readonly LossName[] = ['minimax', 'nonsaturating', 'wgan', 'wgan-gp', 'hinge', 'lsgan'];

/** 'wgan-gp' is the Wasserstein loss; the penalty is added by the training step. */
export function lossByName(name: LossName, options: LossOptions = {}): GanLoss {
  switch (name) {
    case 'minimax': return options.realLabel === undefined ? minimaxLoss : minimax(options);
    case 'nonsaturating': return options.realLabel === undefined ? nonSaturatingLoss : nonSaturating(options);
    case 'lsgan': return options.realLabel === undefined ? leastSquaresLoss : leastSquares(options);
    case 'wgan':
    case 'wgan-gp':
    case 'hinge':
      if (options.realLabel !== undefined) throw new Error(`label smoothing has no meaning for the ${name} loss`);
      return name === 'hinge' ? hingeLoss : wassersteinLoss;
    default:
      throw new Error(`unknown loss '${String(name)}'; expected one of ${LOSS_NAMES.join(', ')}`);
  }
}

/** The same loss with one-sided label smoothing on the discriminator's real targets. */
export function smoothRealLabels(loss: GanLoss, realLabel = 0.9): GanLoss {
  return lossByName(loss.name, { realLabel });
}

/**
 * ACGAN (Odena et al. 2017) auxiliary classifier loss: mean softmax cross-entropy of class logits [N, K]
 * against integer labels [N] or [N, 1].
 */
export function auxiliaryClassLoss(classLogits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (classLogits.rank !== 2) throw new Error(`classLogits must be [N, K], got [${classLogits.shape.join(', ')}]`);
  const [n, k] = classLogits.shape;
  const columnOk = labels.rank === 2 && labels.shape[1] === 1;
  if (!(labels.rank === 1 || columnOk) || labels.shape[0] !== n) {
    throw new Error(`labels must be [${n}] or [${n}, 1] to match classLogits [${n}, ${k}], got [${labels.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [n]), 'int32') as tf.Tensor1D, k);
    const logProbs = logSoftmax(classLogits);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1))) as tf.Scalar;
  });
}

/**
 * The gradient difference loss (Mathieu, Couprie and LeCun 2016, eq. 5) of images [N, H, W, C]: the mean over
 * pixels of ||dy p| - |dy t||^alpha + ||dx p| - |dx t||^alpha, dy and dx the differences of vertical and
 * horizontal neighbours. It penalises edges that are missing or blurred in p where t has them, which a
 * pixel loss averages away. The paper sums over pixels; the mean keeps its weight independent of the size.
 */
export function gradientDifferenceLoss(predicted: tf.Tensor4D, target: tf.Tensor4D, alpha = 1): tf.Scalar {
  if (predicted.shape.join(',') !== target.shape.join(',')) {
    throw new Error(`gradientDifferenceLoss: predicted [${predicted.shape.join(', ')}] and target [${target.shape.join(', ')}] differ in shape`);
  }
  if (!(alpha > 0)) throw new Error(`gradientDifferenceLoss: alpha must be > 0, got ${alpha}`);
  const [n, h, w, c] = predicted.shape;
  if (h < 2 || w < 2) throw new Error(`gradientDifferenceLoss: images must be at least 2 x 2, got ${h} x ${w}`);
  return tf.tidy(() => {
    const dy = (x: tf.Tensor4D) => tf.abs(tf.sub(tf.slice(x, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [n, h - 1, w, c])));
    const dx = (x: tf.Tensor4D) => tf.abs(tf.sub(tf.slice(x, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [n, h, w - 1, c])));
    const power = (d: tf.Tensor) => (alpha === 1 ? tf.abs(d) : tf.pow(tf.abs(d), alpha));
    const vertical = tf.sum(power(tf.sub(dy(predicted), dy(target))));
    const horizontal = tf.sum(power(tf.sub(dx(predicted), dx(target))));
    return tf.div(tf.add(vertical, horizontal), n * h * w * c) as tf.Scalar;
  });
}
