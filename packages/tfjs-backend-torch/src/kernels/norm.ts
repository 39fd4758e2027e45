// tfjs's FusedBatchNorm (the batchNorm op's kernel) on ATen. Its gradient is composed by tfjs
// from other kernels, so only the forward lives here. And GAN-TTS's conditional batch norm + ReLU
// (@gantry/kernels' GantryConditionalBatchNormRelu and its Grad, native/src/cond_norm.cc), whose
// gradient @gantry/core registers; and instance normalisation's forward and backward (GantryInstanceNorm and
// its Grad, native/src/instance_norm.cc), which @gantry/core's instanceNorm calls inside its custom gradient.
import {
  CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL, CONDITIONAL_BATCH_NORM_RELU_KERNEL, INSTANCE_NORM_GRAD_KERNEL, INSTANCE_NORM_KERNEL,
  type ConditionalBatchNormReluAttrs, type InstanceNormAttrs,
} from '@gantry/kernels';
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

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

/** The named float32 inputs of a normalisation kernel, in order. */
function floatInputs(kernelName: string, inputs: Inputs, names: string[]): TensorInfo[] {
  return names.map((name) => {
    const t = inputs[name];
    if (t == null) throw new Error(`${kernelName}: input ${name} is missing`);
    util.assert(t.dtype === 'float32', () => `${kernelName}: ${name} must be float32, got ${t.dtype}`);
    return t;
  });
}

/** A number attr of a conditional batch norm kernel, within [0, max]. */
function numberAttr(kernelName: string, attrs: NamedAttrMap | undefined, name: keyof ConditionalBatchNormReluAttrs, max = Infinity): number {
  const value = (attrs as Partial<ConditionalBatchNormReluAttrs> | undefined)?.[name];
  util.assert(typeof value === 'number' && value >= 0 && value <= max, () => `${kernelName}: attr ${name} must be a number in [0, ${max}], got ${value}`);
  return value as number;
}

/**
 * [y, mean, variance, movingMean', movingVariance']; the native op checks the shapes (x [N, ..., C], z [N, Z],
 * kernel [Z, 2C], bias [2C], the others [C]).
 */
function conditionalBatchNormRelu({ inputs, attrs, backend }: Args): TensorInfo[] {
  const kernelName = CONDITIONAL_BATCH_NORM_RELU_KERNEL;
  const tensors = floatInputs(kernelName, inputs, ['x', 'z', 'kernel', 'bias', 'gamma', 'beta', 'movingMean', 'movingVariance']);
  const channels = tensors[0].shape[tensors[0].shape.length - 1];
  const handles = nativeOp('conditionalBatchNormRelu')(...tensors.map((t) => backend.handleOf(t)),
    numberAttr(kernelName, attrs, 'epsilon'), numberAttr(kernelName, attrs, 'momentum', 1)) as unknown as number[];
  return handles.map((handle, k) => backend.makeOutput(handle, k === 0 ? [...tensors[0].shape] : [channels], 'float32'));
}

/** [dx, dz, dKernel, dBias, dGamma, dBeta], shaped as x, z, kernel, bias, gamma and beta. */
function conditionalBatchNormReluGrad({ inputs, attrs, backend }: Args): TensorInfo[] {
  const kernelName = CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL;
  const tensors = floatInputs(kernelName, inputs, ['dy', 'x', 'y', 'z', 'kernel', 'bias', 'gamma', 'beta', 'mean', 'variance']);
  const handles = nativeOp('conditionalBatchNormReluGrad')(...tensors.map((t) => backend.handleOf(t)),
    numberAttr(kernelName, attrs, 'epsilon')) as unknown as number[];
  return [1, 3, 4, 5, 6, 7].map((input, k) => backend.makeOutput(handles[k], [...tensors[input].shape], 'float32'));
}

/** [xhat, r, mean, variance] of x [N, H, W, C], the statistics [N, 1, 1, C]. */
function instanceNorm({ inputs, attrs, backend }: Args): TensorInfo[] {
  const [x] = floatInputs(INSTANCE_NORM_KERNEL, inputs, ['x']);
  util.assert(x.shape.length === 4, () => `${INSTANCE_NORM_KERNEL}: x must be [N, H, W, C], got [${x.shape}]`);
  const epsilon = (attrs as Partial<InstanceNormAttrs> | undefined)?.epsilon;
  util.assert(typeof epsilon === 'number' && epsilon > 0, () => `${INSTANCE_NORM_KERNEL}: attr epsilon must be a number > 0, got ${epsilon}`);
  const handles = nativeOp('instanceNorm')(backend.handleOf(x), epsilon as number) as unknown as number[];
  return handles.map((handle, k) => backend.makeOutput(handle, k === 0 ? [...x.shape] : [x.shape[0], 1, 1, x.shape[3]], 'float32'));
}

/** [dx, sum(dy xhat), sum(dy)]; the native op checks the shapes. */
function instanceNormGrad({ inputs, backend }: Args): TensorInfo[] {
  const [dy, xhat, r] = floatInputs(INSTANCE_NORM_GRAD_KERNEL, inputs, ['dy', 'xhat', 'r']);
  const gamma = inputs.gamma;
  util.assert(gamma == null || gamma.dtype === 'float32', () => `${INSTANCE_NORM_GRAD_KERNEL}: gamma must be float32`);
  const handles = nativeOp('instanceNormGrad')(backend.handleOf(dy), backend.handleOf(xhat), backend.handleOf(r),
    gamma == null ? NO_TENSOR : backend.handleOf(gamma)) as unknown as number[];
  return handles.map((handle, k) => backend.makeOutput(handle, k === 0 ? [...xhat.shape] : [...r.shape], 'float32'));
}

export const normKernels: KernelConfig[] = [
  { kernelName: 'FusedBatchNorm', backendName: BACKEND_NAME, kernelFunc: batchNorm as unknown as KernelFunc },
  { kernelName: CONDITIONAL_BATCH_NORM_RELU_KERNEL, backendName: BACKEND_NAME, kernelFunc: conditionalBatchNormRelu as unknown as KernelFunc },
  { kernelName: CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL, backendName: BACKEND_NAME, kernelFunc: conditionalBatchNormReluGrad as unknown as KernelFunc },
  { kernelName: INSTANCE_NORM_KERNEL, backendName: BACKEND_NAME, kernelFunc: instanceNorm as unknown as KernelFunc },
  { kernelName: INSTANCE_NORM_GRAD_KERNEL, backendName: BACKEND_NAME, kernelFunc: instanceNormGrad as unknown as KernelFunc },
];
