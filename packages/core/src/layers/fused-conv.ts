// The layer behind gantry's single-kernel convolutions (GAN-TTS's TimeConv, StyleGAN's DiscriminatorConv):
// activation(conv(x) + bias) with 'same' padding and stride 1 as one FusedConv2D kernel, whose registered
// gradient (tfjs-gradients/conv-grads.ts) handles dilations and computes only the gradients asked for, where
// tfjs-layers' conv2d goes through tf.fused.conv2d's customGrad (seven saved clones; filter and bias gradients
// even when only the input's is wanted) and a separate activation layer. Weights 'kernel' [kh, kw, C, filters]
// (tfjs's conv2d layout) and 'bias' [filters] (zeros).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fusedConv2d, type FusedConvActivation } from '../tfjs-gradients/conv-grads.js';
import { single, singleShape, type Shape } from './common.js';

export type ConvInitializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export interface FusedConvSpec {
  filters: number;
  /** [kh, kw] */
  kernelShape: [number, number];
  /** [dh, dw] */
  dilations: [number, number];
  activation: FusedConvActivation;
  /** leaky relu's slope for x < 0 */
  alpha: number;
  kernelInitializer: ConvInitializer;
  name?: string;
}

export abstract class FusedConvLayer extends tfl.layers.Layer {
  readonly filters: number;
  private readonly spec: FusedConvSpec;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(spec: FusedConvSpec) {
    super({ name: spec.name });
    this.filters = spec.filters;
    this.spec = spec;
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = singleShape(inputShape, this.name)[3]!;
    this.kernel = this.addWeight('kernel', [...this.spec.kernelShape, channels, this.filters], 'float32', this.spec.kernelInitializer);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...singleShape(inputShape, this.name).slice(0, 3), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const { dilations, activation, alpha } = this.spec;
    return fusedConv2d(single(inputs, this.name) as tf.Tensor4D, this.kernel.read() as tf.Tensor4D, this.bias.read() as tf.Tensor1D,
      { strides: 1, pad: 'same', dilations, activation, leakyreluAlpha: alpha });
  }
}
