// A 1-D convolution along time with dilation d on [N, 1, T, C] tensors, as a plain (undilated) 2-D
// convolution: time folded to [T/d, d] puts the samples t - d, t, t + d in one column, so a [k, 1] kernel
// along the new height is the dilated kernel, with the same zero padding ('same'). tfjs has no gradient
// for dilated conv2d; this form's kernels and gradients all run natively on the torch backend.
// T must be a multiple of d (the callers keep frame counts multiples of 4; docs/audio.md).
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../layers/conv2d.js';

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export interface TimeConvOptions {
  filters: number;
  kernel: number;
  dilation: number;
  name: string;
  kernelInitializer: Initializer;
  activation?: 'relu';
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) => layer.apply(x) as tfl.SymbolicTensor;

/** x [N, 1, T, C] -> [N, 1, T, filters]: a 'same' 1-D convolution of `kernel` taps `dilation` apart. */
export function timeConv(x: tfl.SymbolicTensor, o: TimeConvOptions): tfl.SymbolicTensor {
  const channels = x.shape[3] as number;
  if (o.dilation === 1) {
    return apply(conv2d({ filters: o.filters, kernelSize: [1, o.kernel], padding: 'same', activation: o.activation, kernelInitializer: o.kernelInitializer, name: o.name }), x);
  }
  const folded = apply(tfl.layers.reshape({ targetShape: [-1, o.dilation, channels], name: `${o.name}_fold` }), x);
  const y = apply(conv2d({ filters: o.filters, kernelSize: [o.kernel, 1], padding: 'same', activation: o.activation, kernelInitializer: o.kernelInitializer, name: o.name }), folded);
  return apply(tfl.layers.reshape({ targetShape: [1, -1, o.filters], name: `${o.name}_unfold` }), y);
}
