// A 1-D convolution along time on [N, 1, T, C] tensors with any dilation, 'same' padding, bias and an
// optional relu or leaky relu, as one FusedConv2D kernel (tfjs-gradients/conv-grads.ts gives it a
// gradient with dilations). Against tfjs-layers' conv2d it saves, per call: tf.fused.conv2d's customGrad
// (which keeps seven clones of inputs and output for its backward pass), the separate activation layer,
// and for a dilated convolution the fold and unfold that audio/dilated-conv.ts needs (four reshapes,
// forward and backward). The kernel is [1, k, C, filters], tfjs's conv2d layout.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import type { FusedConvActivation } from '../tfjs-gradients/conv-grads.js';
import { positiveInteger, singleShape, type Shape } from './common.js';
import { FusedConvLayer, type ConvInitializer } from './fused-conv.js';

export interface TimeConvArgs {
  filters: number;
  kernel: number;
  dilation?: number;
  activation?: FusedConvActivation;
  /** leaky relu's slope for x < 0, default 0.2 */
  alpha?: number;
  kernelInitializer?: ConvInitializer;
  name?: string;
}

/** x [N, 1, T, C] -> activation(conv(x) + bias) [N, 1, T, filters], taps `dilation` samples apart. */
export class TimeConv extends FusedConvLayer {
  static className = 'GantryTimeConv';
  readonly kernelSize: number;
  readonly dilation: number;
  readonly activation: FusedConvActivation;
  readonly alpha: number;

  constructor(args: TimeConvArgs) {
    const kernelSize = positiveInteger(args.kernel, 'TimeConv kernel');
    const dilation = positiveInteger(args.dilation ?? 1, 'TimeConv dilation');
    const activation = args.activation ?? 'linear';
    const alpha = args.alpha ?? 0.2;
    super({
      filters: positiveInteger(args.filters, 'TimeConv filters'), kernelShape: [1, kernelSize], dilations: [1, dilation], activation, alpha,
      kernelInitializer: args.kernelInitializer ?? tfl.initializers.glorotUniform({}), name: args.name,
    });
    this.kernelSize = kernelSize;
    this.dilation = dilation;
    this.activation = activation;
    this.alpha = alpha;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 4 || shape[1] !== 1 || shape[3] == null) throw new Error(`${this.name}: input must be [N, 1, T, C] with C known, got [${shape}]`);
    super.build(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernel: this.kernelSize, dilation: this.dilation, activation: this.activation, alpha: this.alpha };
  }
}

tf.serialization.registerClass(TimeConv);
