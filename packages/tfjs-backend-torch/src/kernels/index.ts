// Collects every native kernel array and registers it for the torch backend. Errors thrown inside
// a kernel are re-thrown naming the kernel and its input shapes.
import { registerKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { fusedKernels } from './fused.js';
import { imageKernels } from './image.js';
import { indexingKernels } from './indexing.js';
import { matmulKernels } from './matmul.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { shapeKernels } from './shape.js';
import { BACKEND_NAME } from './util.js';

export { BACKEND_NAME } from './util.js';

export function nativeKernelConfigs(): KernelConfig[] {
  return [
    ...elementwiseKernels, ...reduceKernels, ...shapeKernels, ...indexingKernels, ...matmulKernels,
    ...convKernels, ...poolKernels, ...normKernels, ...imageKernels, ...optimKernels, ...fusedKernels,
  ];
}

function describeInputs(inputs: Record<string, TensorInfo | undefined> | TensorInfo[]): string {
  return Object.entries(inputs)
    .filter((entry): entry is [string, TensorInfo] => entry[1] != null)
    .map(([name, t]) => `${name}: ${t.dtype}[${t.shape.join(',')}]`)
    .join(', ');
}

function withErrorContext(kernelName: string, kernelFunc: KernelFunc): KernelFunc {
  return (args) => {
    try {
      return kernelFunc(args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith('torch backend:')) throw error;
      const wrapped = new Error(`torch backend: ${kernelName} failed for inputs (${describeInputs(args.inputs)}): ${message}`);
      (wrapped as Error & { cause?: unknown }).cause = error;
      throw wrapped;
    }
  };
}

/**
 * Kernel names that GANTRY_DISABLE_KERNELS (comma-separated) keeps from being registered: for measuring what one
 * native kernel buys (a fused @gantry/kernels kernel left out makes @gantry/core take its tfjs-ops path; a tfjs
 * kernel left out goes to the cpu fallback).
 */
function disabledKernels(): Set<string> {
  return new Set((process.env.GANTRY_DISABLE_KERNELS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== ''));
}

export function registerNativeKernels(): string[] {
  const names: string[] = [];
  const disabled = disabledKernels();
  for (const config of nativeKernelConfigs().filter((c) => !disabled.has(c.kernelName))) {
    registerKernel({ ...config, backendName: BACKEND_NAME, kernelFunc: withErrorContext(config.kernelName, config.kernelFunc) });
    names.push(config.kernelName);
  }
  return names;
}
