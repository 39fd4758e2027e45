// tfjs-layers' Conv2D calling the FusedConv2D kernel directly, with the kernel gradient that
// tfjs-gradients/conv-grads.ts registers, instead of through tf.fused.conv2d. That op wraps the kernel in a
// customGrad whose gradient computes the input's, the filter's and the bias's gradients every time, and which
// saves seven tensors (each an engine clone): so a generator's update that backpropagates through a frozen
// discriminator paid for every discriminator filter gradient (PyTorch skips them: requires_grad is off), and
// every convolution cost four clones more than it needs. The registered gradient hands the engine one thunk
// per input, and the engine calls only those on the path to what is differentiated. A ReLU is fused into the
// kernel (its gradient reads the output's sign); any other activation follows as its own op, as tfjs-layers
// does for activations it does not fuse. Inside a second-order gradient (gradient penalties) a non-linear
// activation is never fused, as tf.fused.conv2d does. channelsFirst data and inputs of another rank run
// Conv2D's own call. It is a Conv2D in every other respect (arguments, weights, config) and serialises as
// one, so saved models load in plain tfjs; registered as the class behind 'Conv2D', models loaded while
// @gantry/core is imported get it too (as layers/dense.ts does for Dense).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ConvLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/convolutional.js';

import { fusedConv2d } from '../tfjs-gradients/conv-grads.js';
import { single } from './common.js';

type Kwargs = Record<string, unknown>;

// tfjs-layers exports a factory for Conv2D, not the class.
type Conv2DClass = tf.serialization.SerializableConstructor<tfl.layers.Layer> & (new (args: ConvLayerArgs) => tfl.layers.Layer);
const TfjsConv2D = tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as Conv2DClass;

/** The fields of tfjs-layers' Conv2D that the call reads (protected in its typings). */
interface Conv2DFields {
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: number | [number, number];
  activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
}

export class FusedConv2D extends TfjsConv2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = single(inputs, this.name);
    const f = this as unknown as Conv2DFields;
    if (x.rank !== 4 || f.dataFormat !== 'channelsLast') return super.call(inputs, kwargs);
    this.invokeCallHook(inputs, kwargs);
    const activation = f.activation.getClassName();
    // a depth above 1 is the forward pass of a gradient that will itself be differentiated
    const fuseRelu = activation === 'relu' && tf.engine().state.gradientDepth <= 1;
    return tf.tidy(() => {
      const y = fusedConv2d(x as tf.Tensor4D, f.kernel.read() as tf.Tensor4D, f.bias?.read() as tf.Tensor1D | undefined,
        { strides: f.strides, pad: f.padding, dilations: f.dilationRate, activation: fuseRelu ? 'relu' : 'linear' });
      return fuseRelu || activation === 'linear' ? y : f.activation.apply(y);
    });
  }
}

tf.serialization.registerClass(FusedConv2D);

/** tfl.layers.conv2d through the FusedConv2D kernel and its registered gradient (see FusedConv2D). */
export function conv2d(args: ConvLayerArgs): FusedConv2D {
  return new FusedConv2D(args);
}
