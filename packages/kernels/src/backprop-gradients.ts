// Gradients for kernels that tfjs 4.22 runs inside other gradients but registers no gradient for, so a
// second derivative through the op (a gradient penalty on a critic that has it) throws "gradient
// function not found for <kernel>" on every backend:
// - DepthwiseConv2dNativeBackpropInput / ...BackpropFilter: tf.depthwiseConv2d, tf.separableConv2d,
//   tf.fused.depthwiseConv2d, tfjs-layers' depthwiseConv2d and separableConv2d;
// - Conv2DBackpropFilter: a penalty on a conv2d's weight gradient (tfjs has Conv2DBackpropInput's);
// - AvgPoolGrad: tf.avgPool, tfjs-layers' averagePooling2d;
// - ResizeNearestNeighborGrad / ResizeBilinearGrad: tf.image.resize*, tfjs-layers' upSampling2d.
// Each of these kernels is linear in its gradient input, so its own gradient is the forward op (or the
// other backprop kernel) with the same attributes, as tfjs writes Conv2DBackpropInput's. Not covered:
// MaxPoolGrad (needs the argmax positions), LRNGrad, the 3D and dilation kernels.
// They live here because both @gantry/core (whose StyleGAN R1 and ProGAN gradient penalty go through
// averagePooling2d, in a browser too) and @gantry/tfjs-backend-torch (for plain tfjs programs) register them,
// and neither may import the other. Configs only: registering is each importer's step.
import * as tf from '@tensorflow/tfjs-core';

type Attrs = tf.NamedAttrMap;
type Pad = 'valid' | 'same';
type DepthwiseConv = Pick<tf.DepthwiseConv2dNativeAttrs, 'strides' | 'pad' | 'dilations' | 'dimRoundingMode'>;
type Conv = Omit<tf.Conv2DBackpropFilterAttrs, 'filterShape'>;

function depthwiseAttrs(attrs: Attrs): DepthwiseConv {
  const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as DepthwiseConv;
  return { strides, pad, dilations, dimRoundingMode };
}

function depthwiseForward(x: tf.Tensor, filter: tf.Tensor, a: DepthwiseConv): tf.Tensor {
  return tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, a.strides, a.pad as Pad, 'NHWC', a.dilations, a.dimRoundingMode);
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as Attrs) as tf.Tensor;
}

const DEPTHWISE: tf.GradConfig[] = [
  {
    // dx = BackpropInput(dy, filter): d/d(dy) is the forward conv of ddx, d/d(filter) BackpropFilter(ddx, dy)
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved;
      const a = depthwiseAttrs(attrs);
      return {
        dy: () => depthwiseForward(ddx as tf.Tensor, filter, a),
        filter: () => run('DepthwiseConv2dNativeBackpropFilter', { x: ddx as tf.Tensor, dy }, { ...a, filterShape: filter.shape }),
      };
    },
  },
  {
    // dfilter = BackpropFilter(x, dy): d/dx is BackpropInput(dy, ddf), d/d(dy) the forward conv of x by ddf
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddf, saved, attrs) => {
      const [x, dy] = saved;
      const a = depthwiseAttrs(attrs);
      return {
        x: () => run('DepthwiseConv2dNativeBackpropInput', { dy, filter: ddf as tf.Tensor }, { ...a, inputShape: x.shape }),
        dy: () => depthwiseForward(x, ddf as tf.Tensor, a),
      };
    },
  },
];

const OTHERS: tf.GradConfig[] = [
  {
    // dfilter = Conv2DBackpropFilter(x, dy): d/dx is Conv2DBackpropInput(dy, ddf), d/d(dy) conv2d(x, ddf)
    kernelName: 'Conv2DBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddf, saved, attrs) => {
      const [x, dy] = saved;
      const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv;
      return {
        x: () => run('Conv2DBackpropInput', { dy, filter: ddf as tf.Tensor }, { strides, pad, dataFormat, dimRoundingMode, inputShape: x.shape }),
        dy: () => tf.conv2d(x as tf.Tensor4D, ddf as tf.Tensor4D, strides, pad as Pad, dataFormat, 1, dimRoundingMode),
      };
    },
  },
  {
    // dx = AvgPoolGrad(dy, input) spreads dy[o] / (window size) over o's window (padding included in
    // the size, unlike avgPool, which divides by the valid pixels: see the README's defect list). Its
    // transpose is therefore avgPool(ddx) * valid[o] / (window size), equal to avgPool(ddx) for 'valid'.
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (ddx, saved, attrs) => {
      const [input] = saved;
      const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
      const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
      const [, h, w] = input.shape;
      return {
        dy: () => {
          const pooled = tf.avgPool(ddx as tf.Tensor4D, filterSize, strides, pad as Pad);
          const valid = tf.conv2d(tf.ones([1, h!, w!, 1]) as tf.Tensor4D, tf.ones([fh, fw, 1, 1]) as tf.Tensor4D, strides, pad as Pad);
          return tf.mul(pooled, tf.div(valid, fh * fw));
        },
        input: () => tf.zerosLike(input),
      };
    },
  },
  ...(['ResizeNearestNeighbor', 'ResizeBilinear'] as const).map((forward): tf.GradConfig => ({
    // dimages = Resize*Grad(images, dy): d/d(dy) is the forward resize of ddx to dy's size; images give their shape
    kernelName: `${forward}Grad`,
    inputsToSave: ['images', 'dy'],
    gradFunc: (ddx, saved, attrs) => {
      const [images, dy] = saved;
      const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeBilinearAttrs;
      const size: [number, number] = [dy.shape[1]!, dy.shape[2]!];
      return {
        dy: () => run(forward, { images: ddx as tf.Tensor }, { alignCorners, halfPixelCenters, size }),
        images: () => tf.zerosLike(images),
      };
    },
  })),
];

export const BACKPROP_GRADIENTS: tf.GradConfig[] = [...DEPTHWISE, ...OTHERS];
