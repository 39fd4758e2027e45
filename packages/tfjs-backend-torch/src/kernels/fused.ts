// Fused layer kernels that are not tfjs kernels (their contract: @gantry/kernels). @gantry/core registers
// their gradients and calls them (through engine().runKernel) when the active backend registers them, so
// that a dense layer's forward pass is one kernel instead of tfjs-layers' reshape / matmul / bias /
// activation chain, and a relu's gradient is one kernel instead of tfjs's compare, cast and multiply (or select).
import {
  DENSE_KERNEL, LEAKY_RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL, type DenseAttrs, type FusedDenseActivation, type LeakyReluGradAttrs,
} from '@gantry/kernels';
import { util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { kernel, op, torch } from './util.js';

/** Activation codes of native/src/ops_matmul.cc that GantryDense accepts. */
const DENSE_ACTIVATIONS: Record<FusedDenseActivation, number> = { linear: 0, relu: 1 };

type Inputs = Record<string, TensorInfo | undefined>;

/** inputs[name], which must be a float32 tensor (or absent, when optional). */
function floatInput(kernelName: string, inputs: Inputs, name: string): TensorInfo;
function floatInput(kernelName: string, inputs: Inputs, name: string, optional: true): TensorInfo | undefined;
function floatInput(kernelName: string, inputs: Inputs, name: string, optional = false): TensorInfo | undefined {
  const t = inputs[name];
  if (t == null) {
    if (optional) return undefined;
    throw new Error(`${kernelName}: input ${name} is missing`);
  }
  util.assert(t.dtype === 'float32', () => `${kernelName}: ${name} must be float32, got ${t.dtype}`);
  return t;
}

const fusedMatMulOp = op('fusedMatMul');
const dense = kernel(DENSE_KERNEL, (args) => {
  const inputs = args.inputs as Inputs;
  const x = floatInput(DENSE_KERNEL, inputs, 'x');
  const w = floatInput(DENSE_KERNEL, inputs, 'kernel');
  const bias = floatInput(DENSE_KERNEL, inputs, 'bias', true);
  // typed by the contract, but a caller may pass anything: checked below
  const activation: string = (args.attrs as Partial<DenseAttrs> | undefined)?.activation ?? 'linear';
  util.assert(x.shape.length === 2 && w.shape.length === 2 && x.shape[1] === w.shape[0],
    () => `${DENSE_KERNEL}: x [${x.shape}] and kernel [${w.shape}] must be [n, in] and [in, out]`);
  util.assert(bias == null || (bias.shape.length === 1 && bias.shape[0] === w.shape[1]),
    () => `${DENSE_KERNEL}: bias [${bias?.shape}] must be [${w.shape[1]}]`);
  util.assert(activation in DENSE_ACTIVATIONS,
    () => `${DENSE_KERNEL}: activation '${activation}' is not one of ${Object.keys(DENSE_ACTIVATIONS).join(', ')}`);
  const backend = torch(args);
  const handle = fusedMatMulOp(backend.handleOf(x), backend.handleOf(w), false, false,
    bias != null ? backend.handleOf(bias) : -1, DENSE_ACTIVATIONS[activation as FusedDenseActivation], -1, 0);
  return backend.makeOutput(handle, [x.shape[0], w.shape[1]], 'float32');
});

/** An activation gradient kernel: inputs {dy, x} of one float32 shape, one native op on their handles. */
function activationGradKernel(kernelName: string, nativeName: string, attrArgs: (attrs: Record<string, unknown>) => number[]): KernelConfig {
  const nativeOp = op(nativeName);
  return kernel(kernelName, (args) => {
    const inputs = args.inputs as Inputs;
    const dy = floatInput(kernelName, inputs, 'dy');
    const x = floatInput(kernelName, inputs, 'x');
    util.assertShapesMatch(dy.shape, x.shape, `${kernelName}: dy and x`);
    const backend = torch(args);
    return backend.makeOutput(nativeOp(backend.handleOf(dy), backend.handleOf(x), ...attrArgs(args.attrs ?? {})), x.shape, 'float32');
  });
}

const leakyReluGrad = activationGradKernel(LEAKY_RELU_GRAD_KERNEL, 'leakyReluGrad', (attrs) => [(attrs as Partial<LeakyReluGradAttrs>).alpha ?? 0]);
const sigmoidGrad = activationGradKernel(SIGMOID_GRAD_KERNEL, 'sigmoidGrad', () => []);

export const fusedKernels: KernelConfig[] = [dense, leakyReluGrad, sigmoidGrad];
