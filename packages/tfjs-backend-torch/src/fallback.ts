// Per-kernel fallback: every kernel the cpu backend has and we lack natively is forwarded to cpu
// (inputs copied over, cpu kernel run, outputs copied back, temporaries freed). This keeps the whole
// tfjs op set working while making performance cliffs visible (counts, warnings, or errors).
import {
  backend_util, findBackend, getKernel, getKernelsForBackend, registerKernel,
  type BackendValues, type DataId, type DataType, type KernelBackend, type KernelConfig, type KernelFunc, type NamedTensorInfoMap, type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { TorchBackend } from './backend.js';

export type FallbackPolicy = 'allow' | 'warn' | 'throw';

function policyFromEnv(): FallbackPolicy {
  const value = process.env.GANTRY_FALLBACK;
  if (value === undefined || value === '') return 'allow';
  if (value === 'allow' || value === 'warn' || value === 'throw') return value;
  throw new Error(`GANTRY_FALLBACK must be 'allow', 'warn' or 'throw', got '${value}'`);
}

let policy: FallbackPolicy = policyFromEnv();
const counts = new Map<string, number>();
const announced = new Set<string>();

/** 'allow' (default), 'warn' (console.warn once per kernel) or 'throw' (a fallback is an error). */
export function setFallbackPolicy(next: FallbackPolicy): void {
  if (next !== 'allow' && next !== 'warn' && next !== 'throw') {
    throw new Error(`setFallbackPolicy: expected 'allow', 'warn' or 'throw', got ${String(next)}`);
  }
  policy = next;
}

export function getFallbackPolicy(): FallbackPolicy {
  return policy;
}

/** How often each kernel ran through the cpu fallback since the last reset. */
export function fallbackCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

export function resetFallbackCounts(): void {
  counts.clear();
}

function noteUse(kernelName: string): void {
  if (policy === 'throw') {
    throw new Error(`torch backend: kernel ${kernelName} has no native implementation (fallback policy 'throw')`);
  }
  counts.set(kernelName, (counts.get(kernelName) ?? 0) + 1);
  if (announced.has(kernelName)) return;
  announced.add(kernelName);
  if (policy === 'warn') console.warn(`torch backend: ${kernelName} runs on the cpu fallback`);
  else if (process.env.GANTRY_DEBUG === '1') console.debug(`torch backend: ${kernelName} runs on the cpu fallback`);
}

function cpuBackend(): KernelBackend {
  const cpu = findBackend('cpu');
  if (cpu == null) throw new Error('torch backend: the cpu backend (needed for fallbacks) is not registered');
  // The cpu backend greets its first write with advice to install tfjs-node; not relevant here.
  (cpu as unknown as { firstUse: boolean }).firstUse = false;
  return cpu;
}

// cpu kernels sometimes read .rank, which Tensor inputs have and bare TensorInfos lack.
function cpuInfo(dataId: DataId, shape: number[], dtype: DataType): TensorInfo {
  return { dataId, shape, dtype, rank: shape.length } as TensorInfo;
}

function toCpu(torch: TorchBackend, cpu: KernelBackend, info: TensorInfo, temps: TensorInfo[]): TensorInfo {
  const values = torch.readSync(info.dataId);
  if (info.dtype === 'complex64') {
    const { real, imag } = backend_util.splitRealAndImagArrays(values as Float32Array);
    const realInfo = cpuInfo(cpu.write(real, info.shape, 'float32'), info.shape, 'float32');
    const imagInfo = cpuInfo(cpu.write(imag, info.shape, 'float32'), info.shape, 'float32');
    const complexKernel = getKernel('Complex', 'cpu');
    if (complexKernel == null) throw new Error('torch backend: cpu has no Complex kernel');
    const complex = complexKernel.kernelFunc({ inputs: { real: realInfo, imag: imagInfo }, backend: cpu, attrs: {} }) as TensorInfo;
    cpu.disposeData(realInfo.dataId);
    cpu.disposeData(imagInfo.dataId);
    temps.push(complex);
    return cpuInfo(complex.dataId, complex.shape, complex.dtype);
  }
  const moved = cpuInfo(cpu.write(values, info.shape, info.dtype), info.shape, info.dtype);
  temps.push(moved);
  return moved;
}

/** Kernel inputs are a named map, an array (Concat, Pack, AddN, Einsum), or hold arrays (Ragged*). */
type InputValue = TensorInfo | TensorInfo[] | undefined | null;

function inputsToCpu(torch: TorchBackend, cpu: KernelBackend, inputs: unknown, temps: TensorInfo[]): NamedTensorInfoMap {
  const move = (value: InputValue): InputValue => {
    if (value == null) return value;
    if (Array.isArray(value)) return value.map((t) => toCpu(torch, cpu, t, temps));
    return toCpu(torch, cpu, value, temps);
  };
  if (Array.isArray(inputs)) return (inputs as TensorInfo[]).map((t) => toCpu(torch, cpu, t, temps)) as unknown as NamedTensorInfoMap;
  const out: Record<string, InputValue> = {};
  for (const [name, value] of Object.entries(inputs as Record<string, InputValue>)) out[name] = move(value);
  return out as NamedTensorInfoMap;
}

function fromCpu(torch: TorchBackend, cpu: KernelBackend, info: TensorInfo): TensorInfo {
  const values: BackendValues = cpu.readSync(info.dataId);
  return torch.makeTensorInfo(info.shape, info.dtype, values);
}

function forwarder(kernelName: string, cpuKernelFunc: KernelFunc): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    noteUse(kernelName);
    const torch = backend as TorchBackend;
    const cpu = cpuBackend();
    const temps: TensorInfo[] = [];
    const outputs: TensorInfo[] = [];
    try {
      const cpuInputs = inputsToCpu(torch, cpu, inputs, temps);
      const result = cpuKernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
      outputs.push(...(Array.isArray(result) ? result : [result]));
      const moved = outputs.map((o) => fromCpu(torch, cpu, o));
      return Array.isArray(result) ? moved : moved[0];
    } finally {
      for (const t of [...temps, ...outputs]) cpu.disposeData(t.dataId);
    }
  };
}

/**
 * The cpu forwarder for one kernel, for native kernels to call on inputs they do not handle
 * (complex64 or string tensors, rare attribute combinations). Counted like any fallback.
 */
export function cpuFallback(kernelName: string): KernelFunc {
  let forward: KernelFunc | null = null;
  return (args) => {
    if (forward === null) {
      const config = getKernel(kernelName, 'cpu');
      if (config == null) throw new Error(`torch backend: ${kernelName} has no cpu kernel to fall back to`);
      forward = forwarder(kernelName, config.kernelFunc);
    }
    return forward(args);
  };
}

/** Registers a cpu forwarder for every cpu kernel that 'torch' lacks; returns the names added. */
export function registerFallbacks(backendName: string): string[] {
  const added: string[] = [];
  for (const config of getKernelsForBackend('cpu') as KernelConfig[]) {
    if (getKernel(config.kernelName, backendName) != null) continue;
    registerKernel({ kernelName: config.kernelName, backendName, kernelFunc: forwarder(config.kernelName, config.kernelFunc) });
    added.push(config.kernelName);
  }
  return added;
}
