// Small helpers shared by the engine-core kernel files.
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { nativeOp, type NativeMultiOp, type NativeOp } from '../addon.js';
import type { TorchBackend } from '../backend.js';
import { cpuFallback } from '../fallback.js';

export const BACKEND_NAME = 'torch';

export type KernelArgs = Parameters<KernelFunc>[0];

export function torch(args: KernelArgs): TorchBackend {
  return args.backend as TorchBackend;
}

/** The addon's op by name, looked up once at module load. */
export function op(name: string): NativeOp {
  return nativeOp(name);
}

/** An op returning several handles (split, unpack). */
export function multiOp(name: string): NativeMultiOp {
  return nativeOp(name);
}

export function isNative(dtype: DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

export function allNative(infos: TensorInfo[]): boolean {
  return infos.every((t) => isNative(t.dtype));
}

export function kernel(kernelName: string, kernelFunc: KernelFunc): KernelConfig {
  return { kernelName, backendName: BACKEND_NAME, kernelFunc };
}

/**
 * A kernel that runs natively when `handles(args)` is true and otherwise forwards to cpu (complex64
 * and string tensors, attribute combinations the native op does not cover).
 */
export function nativeOrFallback(kernelName: string, handles: (args: KernelArgs) => boolean,
  run: (args: KernelArgs) => TensorInfo | TensorInfo[]): KernelConfig {
  const fallback = cpuFallback(kernelName);
  return kernel(kernelName, (args) => (handles(args) ? run(args) : fallback(args)));
}

export const DTYPE_CODES: Record<string, number> = { float32: 0, int32: 1, bool: 2 };

/** Returns an identity output sharing x's data. */
export function identity(args: KernelArgs, x: TensorInfo): TensorInfo {
  torch(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
