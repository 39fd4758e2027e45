// Instance normalisation (Ulyanov et al. 2016): each image's each channel is normalised over its own
// height and width, so the statistics never mix examples (unlike batch norm) and nothing is tracked
// between calls: training and inference compute the same. pix2pix / CycleGAN's InstanceNorm2d
// (affine=False, track_running_stats=False, eps 1e-5) is the default; `affine` adds a learned scale and
// shift per channel.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { single, singleShape, type Shape } from './common.js';

export interface InstanceNormalizationArgs {
  /** added to the variance (default 1e-5, as PyTorch) */
  epsilon?: number;
  /** a learned per-channel scale (gamma, from 1) and shift (beta, from 0); default false */
  affine?: boolean;
  name?: string;
}

/** (x - mean) / sqrt(var + epsilon) over axes 1 and 2 of [N, H, W, C] (biased variance), then gamma, beta. */
export function instanceNorm(x: tf.Tensor, epsilon = 1e-5, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (x.rank !== 4) throw new Error(`instanceNorm expects [N, H, W, C] input, got [${x.shape.join(', ')}]`);
    const { mean, variance } = tf.moments(x, [1, 2], true);
    let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    if (gamma) y = tf.mul(y, gamma);
    if (beta) y = tf.add(y, beta);
    return y;
  });
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
