// Placeholder: native kernels land here (owner: engine-conv).
import type { KernelConfig } from '@tensorflow/tfjs-core';

export const poolKernels: KernelConfig[] = [];
