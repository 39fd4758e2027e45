// Max/average pooling and their gradients on ATen via the native addon; geometry from tfjs's
// computePool2DInfo so that 'same', 'valid', explicit pads and rounding modes match tfjs.
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { nativeOp } from '../addon.js';
import type { TorchBackend } from '../backend.js';
import { BACKEND_NAME, windowGeometry } from './conv.js';
import { identity } from './util.js';

type Inputs = Record<string, TensorInfo | undefined>;
interface Args { inputs: Inputs; attrs?: NamedAttrMap; backend: TorchBackend }
interface PoolAttrs {
  filterSize: [number, number] | number; strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function need(inputs: Inputs, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${kernel}: missing input '${name}'`);
  return t;
}

function poolInfo(x: TensorInfo, attrs: NamedAttrMap | undefined): backend_util.Conv2DInfo {
  const a = attrs as unknown as PoolAttrs;
  if (x.shape.length !== 4) throw new Error(`pooling needs a rank-4 NHWC input, got shape [${x.shape.join(', ')}]`);
  return backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize,
    a.strides, 1, a.pad, a.dimRoundingMode);
}

// tfjs's maxPool/avgPool gradients drop dimRoundingMode, so the window recomputed from the attrs can
// disagree with dy. dy is the truth: take the rounding mode that reproduces its shape.
function gradInfo(kernel: string, x: TensorInfo, dy: TensorInfo, attrs: NamedAttrMap | undefined): backend_util.Conv2DInfo {
  const given = attrs as unknown as PoolAttrs;
  for (const dimRoundingMode of [given.dimRoundingMode, 'floor', 'ceil', 'round'] as const) {
    let info: backend_util.Conv2DInfo;
    try {
      info = poolInfo(x, { ...attrs, dimRoundingMode } as unknown as NamedAttrMap);
    } catch {
      continue;  // rounding modes are refused with 'same'/'valid' pads
    }
    if (info.outHeight === dy.shape[1] && info.outWidth === dy.shape[2]) return info;
  }
  throw new Error(`${kernel}: dy shape [${dy.shape.join(', ')}] does not match any pooling window of input ` +
    `[${x.shape.join(', ')}] with these attrs`);
}

function pool(kernel: string, op: 'maxPool' | 'avgPool'): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const x = need(inputs, 'x', kernel);
    const info = poolInfo(x, attrs);
    // tfjs's cpu kernels return x itself for a 1x1 window that keeps the shape, even where the
    // padding and stride would put every window in the padding (avg would be 0/0 there).
    if (info.filterHeight === 1 && info.filterWidth === 1 && util.arraysEqual(info.inShape, info.outShape)) {
      return identity({ inputs, attrs: attrs ?? {}, backend }, x);
    }
    const handle = nativeOp(op)(backend.handleOf(x), windowGeometry(info));
    return backend.makeOutput(handle, info.outShape, 'float32');
  };
  return run as unknown as KernelFunc;
}

function poolGrad(kernel: string, op: 'maxPoolGrad' | 'avgPoolGrad'): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const dy = need(inputs, 'dy', kernel);
    const x = need(inputs, 'input', kernel);
    const info = gradInfo(kernel, x, dy, attrs);
    const handle = nativeOp(op)(backend.handleOf(dy), backend.handleOf(x), windowGeometry(info));
    return backend.makeOutput(handle, [...x.shape], 'float32');
  };
  return run as unknown as KernelFunc;
}

const kernel = (kernelName: string, kernelFunc: KernelFunc): KernelConfig =>
  ({ kernelName, backendName: BACKEND_NAME, kernelFunc });

export const poolKernels: KernelConfig[] = [
  kernel('MaxPool', pool('MaxPool', 'maxPool')),
  kernel('AvgPool', pool('AvgPool', 'avgPool')),
  kernel('MaxPoolGrad', poolGrad('MaxPoolGrad', 'maxPoolGrad')),
  kernel('AvgPoolGrad', poolGrad('AvgPoolGrad', 'avgPoolGrad')),
];
