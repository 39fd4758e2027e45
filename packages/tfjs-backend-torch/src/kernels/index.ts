// Collects every native kernel array and registers it for the torch backend.
import { registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';

import { convKernels } from './conv.js';
import { imageKernels } from './image.js';
import { normKernels } from './norm.js';
import { poolKernels } from './pool.js';

export const BACKEND_NAME = 'torch';

export function nativeKernelConfigs(): KernelConfig[] {
  return [...convKernels, ...poolKernels, ...normKernels, ...imageKernels];
}

export function registerNativeKernels(): string[] {
  const names: string[] = [];
  for (const config of nativeKernelConfigs()) {
    registerKernel({ ...config, backendName: BACKEND_NAME });
    names.push(config.kernelName);
  }
  return names;
}
