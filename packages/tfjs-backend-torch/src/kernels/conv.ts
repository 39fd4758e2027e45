// Convolution kernels (plain, depthwise, fused) and their backward kernels, run by ATen through
// the native addon. tfjs works out the geometry (computeConv2DInfo); the addon receives it as one
// int list so that the native side never re-derives tfjs's padding rules.
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { DILATED_CONV_FILTER_GRAD_KERNEL, DILATED_CONV_INPUT_GRAD_KERNEL } from '@gantry/kernels';

import { nativeOp } from '../addon.js';
import type { TorchBackend } from '../backend.js';
import { cpuFallback } from '../fallback.js';

export const BACKEND_NAME = 'torch';
export const NO_TENSOR = -1;

type ConvInfo = backend_util.Conv2DInfo;

/** [kh, kw, sh, sw, dh, dw, top, bottom, left, right, outH, outW] for the addon. */
export function windowGeometry(info: ConvInfo): number[] {
  const p = info.padInfo;
  return [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, p.top, p.bottom, p.left, p.right,
    info.outHeight, info.outWidth];
}

const isNchw = (attrs: NamedAttrMap | undefined): boolean =>
  attrs?.dataFormat === 'NCHW' || attrs?.dataFormat === 'channelsFirst';

// NCHW data (only direct tf.conv2d(..., 'NCHW') calls make it; tfjs-layers converts to NHWC) goes
// to the cpu kernel through the counted fallback rather than a second native layout.
function nhwcOrFallback(kernelName: string, native: KernelFunc): KernelFunc {
  const fallback = cpuFallback(kernelName);
  return (args) => (isNchw(args.attrs) ? fallback(args) : native(args));
}

function optionalHandle(backend: TorchBackend, t: TensorInfo | undefined | null): number {
  return t == null ? NO_TENSOR : backend.handleOf(t);
}

type Inputs = Record<string, TensorInfo | undefined>;
interface Args { inputs: Inputs; attrs?: NamedAttrMap; backend: TorchBackend }

function need(inputs: Inputs, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${kernel}: missing input '${name}'`);
  return t;
}

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Pair = [number, number] | number;
interface ConvAttrs {
  strides: Pair; pad: Pad; dilations?: Pair; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW'; activation?: string; leakyreluAlpha?: number;
  inputShape?: [number, number, number, number]; filterShape?: [number, number, number, number];
}

function forward(kernel: string, depthwise: boolean, fused: boolean): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const a = attrs as unknown as ConvAttrs;
    const x = need(inputs, 'x', kernel);
    const filter = need(inputs, 'filter', kernel);
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad,
      a.dimRoundingMode, depthwise);
    const handle = nativeOp('conv2d')(backend.handleOf(x), backend.handleOf(filter),
      windowGeometry(info), depthwise,
      fused ? optionalHandle(backend, inputs.bias) : NO_TENSOR,
      fused ? (a.activation ?? 'linear') : 'linear',
      fused ? optionalHandle(backend, inputs.preluActivationWeights) : NO_TENSOR,
      a.leakyreluAlpha ?? 0.2);
    return backend.makeOutput(handle, info.outShape, 'float32');
  };
  return run as unknown as KernelFunc;
}

function backpropInput(kernel: string, depthwise: boolean): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const a = attrs as unknown as ConvAttrs;
    const dy = need(inputs, 'dy', kernel);
    const filter = need(inputs, 'filter', kernel);
    const inputShape = a.inputShape;
    if (inputShape == null) throw new Error(`${kernel}: missing attr inputShape`);
    const info = backend_util.computeConv2DInfo(inputShape,
      filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad,
      a.dimRoundingMode, depthwise);
    const handle = nativeOp('conv2dBackpropInput')(backend.handleOf(dy), backend.handleOf(filter),
      [...inputShape], windowGeometry(info), depthwise);
    return backend.makeOutput(handle, [...inputShape], 'float32');
  };
  return run as unknown as KernelFunc;
}

function backpropFilter(kernel: string, depthwise: boolean): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const a = attrs as unknown as ConvAttrs;
    const x = need(inputs, 'x', kernel);
    const dy = need(inputs, 'dy', kernel);
    const filterShape = a.filterShape;
    if (filterShape == null) throw new Error(`${kernel}: missing attr filterShape`);
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number],
      filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise);
    const handle = nativeOp('conv2dBackpropFilter')(backend.handleOf(x), backend.handleOf(dy),
      [...filterShape], windowGeometry(info), depthwise);
    return backend.makeOutput(handle, [...filterShape], 'float32');
  };
  return run as unknown as KernelFunc;
}

const kernel = (kernelName: string, kernelFunc: KernelFunc): KernelConfig =>
  ({ kernelName, backendName: BACKEND_NAME, kernelFunc: nhwcOrFallback(kernelName, kernelFunc) });

export const convKernels: KernelConfig[] = [
  kernel('Conv2D', forward('Conv2D', false, false)),
  kernel('FusedConv2D', forward('FusedConv2D', false, true)),
  kernel('Conv2DBackpropInput', backpropInput('Conv2DBackpropInput', false)),
  kernel('Conv2DBackpropFilter', backpropFilter('Conv2DBackpropFilter', false)),
  // the same kernels under @gantry/kernels' names, which promise that the dilations attr is honoured
  // (ATen's convolution_backward takes it): core's dilated conv2d gradient then needs no extra ops
  kernel(DILATED_CONV_INPUT_GRAD_KERNEL, backpropInput(DILATED_CONV_INPUT_GRAD_KERNEL, false)),
  kernel(DILATED_CONV_FILTER_GRAD_KERNEL, backpropFilter(DILATED_CONV_FILTER_GRAD_KERNEL, false)),
  kernel('DepthwiseConv2dNative', forward('DepthwiseConv2dNative', true, false)),
  kernel('FusedDepthwiseConv2D', forward('FusedDepthwiseConv2D', true, true)),
  kernel('DepthwiseConv2dNativeBackpropInput',
    backpropInput('DepthwiseConv2dNativeBackpropInput', true)),
  kernel('DepthwiseConv2dNativeBackpropFilter',
    backpropFilter('DepthwiseConv2dNativeBackpropFilter', true)),
];
