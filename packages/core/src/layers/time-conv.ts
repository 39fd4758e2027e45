// A 1-D convolution along time on [N, 1, T, C] tensors with any dilation, 'same' padding, bias and an
// optional relu or leaky relu, as one FusedConv2D kernel (tfjs-gradients/conv-grads.ts gives it a
// gradient with dilations). Against tfjs-layers' conv2d it saves, per call: tf.fused.conv2d's customGrad
// (which keeps seven clones of inputs and output for its backward pass), the separate activation layer,
// and for a dilated convolution the fold and unfold that audio/dilated-conv.ts needs (four reshapes,
// forward and backward). The kernel is [1, k, C, filters], tfjs's conv2d layout.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { fusedConv2d, type FusedConvActivation } from '../tfjs-gradients/conv-grads.js';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export interface TimeConvArgs {
  filters: number;
  kernel: number;
  dilation?: number;
  activation?: FusedConvActivation;
  /** leaky relu's slope for x < 0, default 0.2 */
  alpha?: number;
  kernelInitializer?: Initializer;
  name?: string;
}

/** x [N, 1, T, C] -> activation(conv(x) + bias) [N, 1, T, filters], taps `dilation` samples apart. */
export class TimeConv extends tfl.layers.Layer {
  static className = 'GantryTimeConv';
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilation: number;
  readonly activation: FusedConvActivation;
  readonly alpha: number;
  private readonly kernelInitializer: Initializer;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: TimeConvArgs) {
    super({ name: args.name });
    this.filters = positiveInteger(args.filters, 'TimeConv filters');
    this.kernelSize = positiveInteger(args.kernel, 'TimeConv kernel');
    this.dilation = positiveInteger(args.dilation ?? 1, 'TimeConv dilation');
    this.activation = args.activation ?? 'linear';
    this.alpha = args.alpha ?? 0.2;
    this.kernelInitializer = args.kernelInitializer ?? tfl.initializers.glorotUniform({});
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[3];
    if (shape.length !== 4 || shape[1] !== 1 || channels == null) throw new Error(`${this.name}: input must be [N, 1, T, C] with C known, got [${shape}]`);
    this.kernel = this.addWeight('kernel', [1, this.kernelSize, channels, this.filters], 'float32', this.kernelInitializer);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    return [shape[0], 1, shape[2], this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs, this.name) as tf.Tensor4D;
    return fusedConv2d(x, this.kernel.read() as tf.Tensor4D, this.bias.read() as tf.Tensor1D,
      { strides: 1, pad: 'same', dilations: [1, this.dilation], activation: this.activation, leakyreluAlpha: this.alpha });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernel: this.kernelSize, dilation: this.dilation, activation: this.activation, alpha: this.alpha };
  }
}

tf.serialization.registerClass(TimeConv);
