// Gradients for the two kernels of depthwiseConv2d's own gradient, which tfjs 4.22 does not register:
// any second derivative through tf.depthwiseConv2d, tf.separableConv2d, tf.fused.depthwiseConv2d or a
// tfjs-layers depthwiseConv2d / separableConv2d (a gradient penalty on a critic that has one) throws
// "gradient function not found for DepthwiseConv2dNativeBackpropInput" on every backend.
// Both kernels are linear in each input, so each gradient is the forward convolution or the other
// backprop kernel with the same attributes (as tfjs does for Conv2DBackpropInput).
import * as tf from '@tensorflow/tfjs-core';

type Attrs = tf.NamedAttrMap;
type Conv = Pick<tf.DepthwiseConv2dNativeAttrs, 'strides' | 'pad' | 'dilations' | 'dimRoundingMode'>;

function convAttrs(attrs: Attrs): Conv {
  const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as Conv;
  return { strides, pad, dilations, dimRoundingMode };
}

function forward(x: tf.Tensor, filter: tf.Tensor, a: Conv): tf.Tensor {
  return tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, a.strides, a.pad as 'valid', 'NHWC', a.dilations, a.dimRoundingMode);
}

function backpropInput(dy: tf.Tensor, filter: tf.Tensor, inputShape: number[], a: Conv): tf.Tensor {
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter },
    { ...a, inputShape } as unknown as Attrs) as tf.Tensor;
}

function backpropFilter(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], a: Conv): tf.Tensor {
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy },
    { ...a, filterShape } as unknown as Attrs) as tf.Tensor;
}

export const DEPTHWISE_BACKPROP_GRADIENTS: tf.GradConfig[] = [
  {
    // dx = BackpropInput(dy, filter): d/d(dy) is the forward conv of ddx, d/d(filter) BackpropFilter(ddx, dy)
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved;
      const a = convAttrs(attrs);
      return {
        dy: () => forward(ddx as tf.Tensor, filter, a),
        filter: () => backpropFilter(ddx as tf.Tensor, dy, filter.shape, a),
      };
    },
  },
  {
    // dfilter = BackpropFilter(x, dy): d/dx is BackpropInput(dy, ddf), d/d(dy) the forward conv of x by ddf
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddf, saved, attrs) => {
      const [x, dy] = saved;
      const a = convAttrs(attrs);
      return {
        x: () => backpropInput(dy, ddf as tf.Tensor, x.shape, a),
        dy: () => forward(x, ddf as tf.Tensor, a),
      };
    },
  },
];
