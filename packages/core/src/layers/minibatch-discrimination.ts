// Minibatch discrimination (Salimans et al. 2016, "Improved Techniques for Training GANs", sec. 3.2):
// lets the discriminator see how close each sample is to the rest of the batch, which penalises a
// generator that collapses onto few points.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

export interface MinibatchDiscriminationArgs {
  /** B in the paper: number of similarity features appended. */
  kernels: number;
  /** C in the paper: dimension of each kernel's projection. */
  dims: number;
  /** Seed for the projection tensor's initializer (reproducible models). */
  seed?: number;
  name?: string;
}

/**
 * Input [N, A] -> [N, A + B]. M = x T reshaped to [N, B, C];
 * o(x_i)_b = sum_j exp(-||M_{i,b} - M_{j,b}||_1), the sum including j = i as in the paper's code.
 * Samples interact, so a gradient penalty through this layer is not a per-sample penalty.
 */
export class MinibatchDiscrimination extends tfl.layers.Layer {
  static className = 'MinibatchDiscrimination';
  readonly kernels: number;
  readonly dims: number;
  readonly seed?: number;
  private projection: tfl.LayerVariable | null = null;

  constructor(args: MinibatchDiscriminationArgs) {
    super({ name: args.name });
    this.kernels = positiveInteger(args.kernels, 'MinibatchDiscrimination kernels');
    this.dims = positiveInteger(args.dims, 'MinibatchDiscrimination dims');
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const features = shape[shape.length - 1];
    if (shape.length !== 2 || features === null) {
      throw new Error(`MinibatchDiscrimination expects [batch, features] input, got [${shape.join(', ')}]`);
    }
    this.projection = this.addWeight('T', [features, this.kernels * this.dims], 'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: 0.05, seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const features = shape[1];
    return [shape[0], features === null ? null : features + this.kernels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name) as tf.Tensor2D;
      const n = x.shape[0];
      const m = tf.reshape(tf.matMul(x, this.projection!.read() as tf.Tensor2D), [n, this.kernels, this.dims]);
      // [N, B, C, 1] - [1, B, C, N] -> L1 over C -> [N, B, N]
      const diff = tf.sub(tf.expandDims(m, 3), tf.expandDims(tf.transpose(m, [1, 2, 0]), 0));
      const l1 = tf.sum(tf.abs(diff), 2);
      const similarity = tf.sum(tf.exp(tf.neg(l1)), 2);
      return tf.concat([x, similarity], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernels: this.kernels, dims: this.dims, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

tf.serialization.registerClass(MinibatchDiscrimination);
