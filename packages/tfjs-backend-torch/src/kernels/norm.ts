// tfjs's FusedBatchNorm (the batchNorm op's kernel) on ATen. Its gradient is composed by tfjs
// from other kernels, so only the forward lives here.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { nativeOp } from '../addon.js';
import type { TorchBackend } from '../backend.js';
import { BACKEND_NAME, NO_TENSOR } from './conv.js';

type Inputs = Record<string, TensorInfo | undefined>;
interface Args { inputs: Inputs; attrs?: NamedAttrMap; backend: TorchBackend }

const DEFAULT_EPSILON = 0.001;  // tfjs's cpu kernel uses this when the attr is absent

function batchNorm({ inputs, attrs, backend }: Args): TensorInfo {
  const { x, mean, variance, offset, scale } = inputs;
  if (x == null || mean == null || variance == null) {
    throw new Error('FusedBatchNorm: inputs x, mean and variance are required');
  }
  const epsilon = (attrs?.varianceEpsilon as number | undefined) ?? DEFAULT_EPSILON;
  const handle = nativeOp('batchNorm')(backend.handleOf(x), backend.handleOf(mean),
    backend.handleOf(variance), offset == null ? NO_TENSOR : backend.handleOf(offset),
    scale == null ? NO_TENSOR : backend.handleOf(scale), epsilon);
  return backend.makeOutput(handle, [...x.shape], 'float32');
}

export const normKernels: KernelConfig[] = [
  { kernelName: 'FusedBatchNorm', backendName: BACKEND_NAME, kernelFunc: batchNorm as unknown as KernelFunc },
];
