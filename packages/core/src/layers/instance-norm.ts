// Instance normalisation (Ulyanov et al. 2016): each image's each channel is normalised over its own
// height and width, so the statistics never mix examples (unlike batch norm) and nothing is tracked
// between calls: training and inference compute the same. pix2pix / CycleGAN's InstanceNorm2d
// (affine=False, track_running_stats=False, eps 1e-5) is the default; `affine` adds a learned scale and
// shift per channel.
import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { INSTANCE_NORM_GRAD_KERNEL, INSTANCE_NORM_KERNEL, type InstanceNormAttrs } from '@gantry/kernels';
import { backendHasKernel } from '../tfjs-gradients/fused-ops.js';
import { single, singleShape, type Shape } from './common.js';

export interface InstanceNormalizationArgs {
  /** added to the variance (default 1e-5, as PyTorch) */
  epsilon?: number;
  /** a learned per-channel scale (gamma, from 1) and shift (beta, from 0); default false */
  affine?: boolean;
  name?: string;
}

const AXES = [1, 2];

/** xhat = (x - mean) r with r = 1 / sqrt(var + epsilon), and the statistics [N, 1, 1, C] (variance biased), per image and channel. */
interface Standardized { xhat: tf.Tensor; r: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor }

function standardize(x: tf.Tensor, epsilon: number): Standardized {
  const mean = tf.mean(x, AXES, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), AXES, true);
  const r = tf.rsqrt(tf.add(variance, epsilon));
  return { xhat: tf.mul(centered, r), r, mean, variance };
}

/** standardize as one GantryInstanceNorm kernel where the backend registers it (inside the custom gradient below only). */
function standardizeFast(x: tf.Tensor, epsilon: number): Standardized {
  if (!backendHasKernel(INSTANCE_NORM_KERNEL)) return standardize(x, epsilon);
  const attrs: InstanceNormAttrs = { epsilon };
  const [xhat, r, mean, variance] = tf.engine().runKernel(INSTANCE_NORM_KERNEL, { x }, { ...attrs }) as tf.Tensor[];
  return { xhat, r, mean, variance };
}

/** Whether a gradient computed now is itself recorded for a higher-order gradient (gradient penalties). */
function recordingHigherOrder(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

/** [dx, sum(dy xhat), sum(dy)] (the sums [N, 1, 1, C]) from tfjs ops, differentiable again: GantryInstanceNormGrad's math. */
function composedGradient(dy: tf.Tensor, { xhat, r }: { xhat: tf.Tensor; r: tf.Tensor }, gamma?: tf.Tensor): tf.Tensor[] {
  const pixels = xhat.shape[1]! * xhat.shape[2]!;
  const dyTimesXhat = tf.sum(tf.mul(dy, xhat), AXES, true);
  const dyTotal = tf.sum(dy, AXES, true);
  const k = gamma ? tf.mul(r, gamma) : r;
  const perPixel = tf.div(k, pixels);
  return [tf.sub(tf.sub(tf.mul(dy, k), tf.mul(xhat, tf.mul(dyTimesXhat, perPixel))), tf.mul(dyTotal, perPixel)), dyTimesXhat, dyTotal];
}

/** Receives the forward pass's statistics [N, 1, 1, C], kept (the receiver disposes them). */
export type StatisticsReceiver = (mean: tf.Tensor, variance: tf.Tensor) => void;

/**
 * The op on x [N, H, W, C] (and gamma, beta [C] when affine) with a hand-written backward: with
 * xhat = (x - mean) r, r = 1 / sqrt(var + eps) and M = H W pixels per channel,
 *   dx = r k (dy - mean(dy) - xhat mean(dy xhat)),  k = gamma (1 without affine),
 * where tfjs's autodiff of the composed ops (moments, sub, rsqrt, mul) took twice the kernel calls per
 * use, forward and backward, most of them broadcasts and the engine's clones of saved tensors.
 * The saved xhat and r are constants to the tape, so under a higher-order gradient the backward pass
 * recomputes them from the saved x (whose clone the tape links to x) and stays exact. Where the backend has
 * them (torch), the forward is one GantryInstanceNorm kernel and a first-order backward one
 * GantryInstanceNormGrad (17 kernel calls down to 2 per use without affine).
 */
function normalizeOp(epsilon: number, affine: boolean, statistics?: StatisticsReceiver) {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x, gamma, beta] = args as tf.Tensor[];
    const { xhat, r, mean, variance } = standardizeFast(x, epsilon);
    statistics?.(tf.keep(mean), tf.keep(variance));
    const y = affine ? tf.add(tf.mul(xhat, gamma), beta) : xhat;
    save(affine ? [x, xhat, r, gamma] : [x, xhat, r]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedXhat, savedR, savedGamma] = saved;
        const higherOrder = recordingHigherOrder();
        const [dx, dyTimesXhat, dyTotal] = !higherOrder && backendHasKernel(INSTANCE_NORM_GRAD_KERNEL)
          ? tf.engine().runKernel(INSTANCE_NORM_GRAD_KERNEL, affine ? { dy, xhat: savedXhat, r: savedR, gamma: savedGamma } : { dy, xhat: savedXhat, r: savedR }) as tf.Tensor[]
          : composedGradient(dy, higherOrder ? standardize(savedX, epsilon) : { xhat: savedXhat, r: savedR }, affine ? savedGamma : undefined);
        if (!affine) return [dx];
        // a gamma of one example's each channel ([N, 1, 1, C], AdaIN) takes the per-example sums as they are
        const perExample = savedGamma.rank === 4;
        return [dx, perExample ? dyTimesXhat : tf.sum(dyTimesXhat, [0, 1, 2]), perExample ? dyTotal : tf.sum(dyTotal, [0, 1, 2])];
      },
    };
  }) as unknown as CustomGradientFunc<tf.Tensor>);
}

/**
 * Normalises x [N, H, W, C] over H and W per image and channel, then gamma, beta when given: [C], or [N, 1, 1, C]
 * with one scale and shift per image (AdaIN's styles); `statistics`, when given, receives the mean and variance
 * [N, 1, 1, C]. Batch norm is this op on its input viewed as [1, N H W, 1, C].
 */
export function standardizeImages(x: tf.Tensor4D, epsilon: number, affine?: { gamma: tf.Tensor; beta: tf.Tensor }, statistics?: StatisticsReceiver): tf.Tensor {
  return affine ? normalizeOp(epsilon, true, statistics)(x, affine.gamma, affine.beta) : normalizeOp(epsilon, false, statistics)(x);
}

/** (x - mean) / sqrt(var + epsilon) over axes 1 and 2 of [N, H, W, C] (biased variance), then gamma, beta. */
export function instanceNorm(x: tf.Tensor, epsilon = 1e-5, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  if (x.rank !== 4) throw new Error(`instanceNorm expects [N, H, W, C] input, got [${x.shape.join(', ')}]`);
  if ((gamma === undefined) !== (beta === undefined)) throw new Error('instanceNorm takes gamma and beta together or neither');
  return tf.tidy(() => standardizeImages(x as tf.Tensor4D, epsilon, gamma && beta ? { gamma, beta } : undefined));
}

export class InstanceNormalization extends tfl.layers.Layer {
  static className = 'InstanceNormalization';
  readonly epsilon: number;
  readonly affine: boolean;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: InstanceNormalizationArgs = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(this.epsilon > 0)) throw new Error(`InstanceNormalization epsilon must be > 0, got ${this.epsilon}`);
    this.affine = args.affine ?? false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[3];
    if (shape.length !== 4 || channels === null) throw new Error(`InstanceNormalization expects [N, H, W, C] input with known C, got [${shape.join(', ')}]`);
    if (this.affine) {
      this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones());
      this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return instanceNorm(single(inputs, this.name), this.epsilon, this.gamma?.read(), this.beta?.read());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, affine: this.affine };
  }
}

tf.serialization.registerClass(InstanceNormalization);
