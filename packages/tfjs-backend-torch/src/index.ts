// import '@gantry/tfjs-backend-torch' registers the 'torch' backend (priority above cpu) with its
// native kernels and cpu fallbacks, making it the default tfjs backend in Node.
import '@tensorflow/tfjs-backend-cpu';
import { registerBackend } from '@tensorflow/tfjs-core';

import { addon } from './addon.js';
import { TorchBackend } from './backend.js';
import { installDirectClone } from './engine-clone.js';
import { installTfjsFixes } from './tfjs-fixes/index.js';
import { registerFallbacks } from './fallback.js';
import { BACKEND_NAME, registerNativeKernels } from './kernels/index.js';

export { setShapeChecks, TorchBackend } from './backend.js';
export { fallbackCounts, getFallbackPolicy, resetFallbackCounts, setFallbackPolicy, type FallbackPolicy } from './fallback.js';
export { BACKEND_NAME } from './kernels/index.js';
/** Data-parallel collectives (all-reduce, broadcast, barrier) on PyTorch's c10d: src/distributed.ts. */
export {
  allReduce, barrier, broadcast, collectiveBackends, currentProcessGroup, destroyProcessGroup, initProcessGroup,
  processGroupFromEnv, processGroupOptionsFromEnv, ProcessGroup, DEFAULT_TIMEOUT_MS,
  type CollectiveBackend, type ExtraOptions, type PendingCollective, type ProcessGroupOptions, type ReduceOp,
} from './distributed.js';
export { ADDED_GRADIENT_KERNELS, FIXED_CUSTOM_GRAD_OPS, installTfjsFixes, tfjsFixesInstalled } from './tfjs-fixes/index.js';
/**
 * The raw addon: native ops by name on tensor handles (`TorchBackend.handleOf`), each returning a fresh
 * handle that the caller must `release`. For diagnostics and benchmarks (bench/overhead.ts --layers).
 */
export { addon as nativeAddon, type NativeAddon } from './addon.js';

/** Priority above cpu (1) and wasm (2) so that importing this package makes torch the default. */
export const BACKEND_PRIORITY = 3;

const nativeKernelNames = registerNativeKernels();
registerFallbacks(BACKEND_NAME);
// tfjs programs that run on this backend should also run right: tfjs 4.22's customGrad ops lose or
// misuse their inputs in gradients, and kernels of other gradients (depthwise and conv2d backprops,
// AvgPoolGrad, the resize grads) have none, on every backend (src/tfjs-fixes/).
installTfjsFixes();
// Saving a tensor for a gradient costs a kernel dispatch that this backend does not need (src/engine-clone.ts).
installDirectClone();

registerBackend(BACKEND_NAME, () => {
  // Kernels registered for cpu after this module loaded also get forwarders.
  registerFallbacks(BACKEND_NAME);
  return new TorchBackend();
}, BACKEND_PRIORITY);

/** Threads ATen uses for intra-op parallelism (all cores unless GANTRY_TORCH_THREADS says otherwise). */
export function numThreads(): number {
  return addon.numThreads();
}

export function setNumThreads(n: number): void {
  addon.setNumThreads(n);
}

/** Native tensors currently alive in the addon's store. */
export function nativeTensorCount(): number {
  return addon.liveCount();
}

/** Names of the kernels implemented natively (the rest run through the cpu fallback). */
export function nativeKernels(): string[] {
  return [...nativeKernelNames];
}
