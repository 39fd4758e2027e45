// Gradients of Conv2D and FusedConv2D that also take dilations. tfjs 4.22's Conv2D gradient throws for a
// dilation above 1 and its kernels Conv2DBackpropInput/Filter have no dilation attr, so a dilated
// convolution cannot be trained in tfjs (gantry used to fold time instead: two reshapes around every
// dilated 1-D convolution). tfjs registers no gradient for the FusedConv2D kernel (tf.fused.conv2d wraps
// it in a customGrad, whose own gradient also refuses dilations); registering one lets a layer call the
// kernel directly (layers/time-conv.ts): one kernel forward, bias and activation included.
//
// Undilated, the gradients are tfjs's own ops (conv2DBackpropInput/Filter). Dilated, on a backend that
// registers @gantry/kernels' dilated backprop kernels (torch), those; elsewhere the same math from ops
// every backend has (so it runs in a browser): with ke = (k - 1) d + 1 the dilated kernel's extent,
// - dx is the dilated convolution of dy with the filter flipped in space and transposed in channels,
//   padded by ke - 1 - p on each side (p the forward's padding; stride 1, as tfjs requires with dilation);
// - dW[i, j, ci, co] = sum over n, y, x of xpad[n, y + i dh, x + j dw, ci] dy[n, y, x, co]: a convolution
//   of xpad (as [ci, H, W, N]) with dy (as a filter [outH, outW, N, co]) at stride d.
// Both are built from differentiable ops. The dilated backprop kernels have no gradient of their own
// (tfjs names one for neither), so a second derivative through a dilated convolution on torch throws
// "gradient function not found" rather than giving a wrong number.
//
// tfjs-layers registers all of tfjs's gradients on load; importing it first guarantees ours override them.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { DILATED_CONV_FILTER_GRAD_KERNEL, DILATED_CONV_INPUT_GRAD_KERNEL, type DilatedConvGradAttrs } from '@gantry/kernels';

import { backendHasKernel, leakyReluGrad } from './fused-ops.js';

type Pad = DilatedConvGradAttrs['pad'];
type Pair = [number, number] | number;
type Rounding = DilatedConvGradAttrs['dimRoundingMode'];

/** A 2-D convolution's geometry as its attrs give it (NHWC). */
export interface ConvGeometry {
  strides: Pair;
  pad: Pad;
  dilations: Pair;
  dimRoundingMode?: Rounding;
  dataFormat?: 'NHWC' | 'NCHW';
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** The gradients of y = conv2d(x, filter) for dy, as thunks (the engine asks only for the ones it needs). */
export function conv2dGradients(x: tf.Tensor4D, filter: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): { x: () => tf.Tensor; filter: () => tf.Tensor } {
  const [dh, dw] = pair(g.dilations ?? 1);
  const format = g.dataFormat ?? 'NHWC';
  const attrs = { strides: g.strides, pad: g.pad, dataFormat: format, dimRoundingMode: g.dimRoundingMode };
  // tfjs's conv2DBackpropInput/Filter ops are not exported; on 4-D tensors they are these kernel calls
  const kernels = (input: string, filterGrad: string, extra: object) => ({
    x: () => run(input, { dy, filter }, { ...attrs, ...extra, inputShape: x.shape }),
    filter: () => run(filterGrad, { x, dy }, { ...attrs, ...extra, filterShape: filter.shape }),
  });
  if (dh === 1 && dw === 1) return kernels('Conv2DBackpropInput', 'Conv2DBackpropFilter', {});
  if (format !== 'NHWC') throw new Error(`conv2d gradient: dilations [${dh}, ${dw}] on ${format} data (only NHWC)`);
  const [sh, sw] = pair(g.strides);
  if (sh !== 1 || sw !== 1) throw new Error(`conv2d gradient: strides [${sh}, ${sw}] with dilations [${dh}, ${dw}]; tfjs allows a dilation above 1 only at stride 1`);
  if (backendHasKernel(DILATED_CONV_INPUT_GRAD_KERNEL) && backendHasKernel(DILATED_CONV_FILTER_GRAD_KERNEL)) {
    return kernels(DILATED_CONV_INPUT_GRAD_KERNEL, DILATED_CONV_FILTER_GRAD_KERNEL, { dilations: [dh, dw] });
  }
  const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, 1, [dh, dw], g.pad as 'valid' | 'same' | number, g.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  return {
    x: () => dilatedInputGradient(dy, filter, x.shape, [dh, dw], [top, bottom, left, right]),
    filter: () => tf.tidy(() => {
      // at stride 1 the padded input is exactly outH + ke - 1 rows, so the stride-d convolution has kh x kw outputs
      const padded = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
      const sums = tf.conv2d(tf.transpose(padded, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), [dh, dw], 'valid');
      return tf.transpose(sums, [1, 2, 0, 3]);
    }),
  };
}

/** dx of a dilated stride-1 convolution whose forward padding was [top, bottom, left, right]. */
function dilatedInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: number[], [dh, dw]: [number, number], [top, bottom, left, right]: number[]): tf.Tensor {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [eh, ew] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    // a forward padding wider than the kernel's reach (explicit pads) makes a pad negative: the convolution
    // then runs on dy padded by what is positive, and the surplus rows and columns of its result are cut
    const pads = [eh - 1 - top, eh - 1 - bottom, ew - 1 - left, ew - 1 - right];
    const [padTop, padBottom, padLeft, padRight] = pads.map((p) => Math.max(p, 0));
    const dx = tf.conv2d(tf.pad(dy, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]), flipped, 1, 'valid', 'NHWC', [dh, dw]);
    if (pads.every((p) => p >= 0)) return dx;
    return tf.slice(dx, [0, Math.max(-pads[0], 0), Math.max(-pads[2], 0), 0], [-1, xShape[1], xShape[2], -1]);
  });
}

type Saved = tf.Tensor[];
const geometry = (attrs: tf.NamedAttrMap): ConvGeometry => attrs as unknown as ConvGeometry;

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved: Saved, attrs) => {
      const [x, filter] = saved as tf.Tensor4D[];
      return conv2dGradients(x, filter, dy as tf.Tensor4D, geometry(attrs));
    },
  },
  {
    // only for direct kernel calls (fusedConv2d below): tf.fused.conv2d's customGrad keeps its own gradient
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    // relu's and leaky relu's gradients need only the output's sign (alpha > 0 for leaky relu)
    outputsToSave: [true],
    gradFunc: (dy, saved: Saved, attrs) => {
      if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') throw new Error(`FusedConv2D gradient: dataFormat ${String(attrs.dataFormat)} (only NHWC)`);
      const [x, filter, y] = saved as tf.Tensor4D[];
      const activation = String(attrs.activation ?? 'linear');
      if (activation !== 'linear' && activation !== 'relu' && activation !== 'leakyrelu') throw new Error(`FusedConv2D gradient: activation ${activation} (linear, relu and leakyrelu have one)`);
      const alpha = activation === 'leakyrelu' ? Number(attrs.leakyreluAlpha) : 0;
      const g = activation === 'linear' ? dy as tf.Tensor4D : leakyReluGrad(dy as tf.Tensor, y, alpha) as tf.Tensor4D;
      return { ...conv2dGradients(x, filter, g, geometry(attrs)), bias: () => tf.sum(g, [0, 1, 2]) };
    },
  },
];

export type FusedConvActivation = 'linear' | 'relu' | 'leakyrelu';

/** activation(conv2d(x, filter) + bias) as one FusedConv2D kernel (every backend has it), differentiable with dilations. */
export function fusedConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | undefined, g: ConvGeometry & { activation: FusedConvActivation; leakyreluAlpha?: number }): tf.Tensor4D {
  if (g.activation === 'leakyrelu' && !((g.leakyreluAlpha ?? 0.2) > 0)) throw new Error(`fusedConv2d: leaky relu alpha must be > 0, got ${g.leakyreluAlpha}`);
  if (bias != null && (bias.rank !== 1 || bias.shape[0] !== filter.shape[3])) throw new Error(`fusedConv2d: bias [${bias.shape}] must be [${filter.shape[3]}]`);
  const inputs: tf.NamedTensorMap = bias != null ? { x, filter, bias } : { x, filter };
  const attrs = { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dilations: g.dilations, dimRoundingMode: g.dimRoundingMode, activation: g.activation, leakyreluAlpha: g.leakyreluAlpha ?? 0.2 };
  return run('FusedConv2D', inputs, attrs) as tf.Tensor4D;
}

let installed = false;

/** Registers the gradients above once per process (on import of @gantry/core). */
export function installConvGradients(): void {
  if (installed) return;
  for (const config of GRADIENTS) tf.registerGradient(config);
  installed = true;
}

installConvGradients();
