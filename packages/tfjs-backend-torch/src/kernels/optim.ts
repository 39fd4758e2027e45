// Fused optimizer kernels (their contract: @gantry/kernels). 'GantryAdamUpdate' is not a tfjs kernel:
// @gantry/core's adam() optimizer calls it (through engine().runKernel) when the active backend
// registers it, and otherwise runs tfjs Adam's own ops; 'GantryEmaUpdate' likewise for core's weight averages.
import { ADAM_UPDATE_KERNEL, EMA_UPDATE_KERNEL, type AdamUpdateAttrs, type EmaUpdateAttrs } from '@gantry/kernels';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import { kernel, op, torch } from './util.js';

const adamUpdateOp = op('adamUpdate');

const adamUpdate = kernel(ADAM_UPDATE_KERNEL, (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  if (inputs.length % 4 !== 0) {
    throw new Error(`torch backend: ${ADAM_UPDATE_KERNEL} needs [var, grad, m, v] per variable, got ${inputs.length} inputs`);
  }
  const n = inputs.length / 4;
  const backend = torch(args);
  const a = args.attrs as unknown as AdamUpdateAttrs;
  const handles = inputs.map((t) => backend.handleOf(t));
  // A dataId referenced once belongs to the variable alone: the native side may update it in place.
  const exclusive = inputs.slice(0, n).map((_, i) =>
    [inputs[i], inputs[2 * n + i], inputs[3 * n + i]].every((t) => backend.refCount(t.dataId) === 1) ? 1 : 0);
  const out = adamUpdateOp(handles, exclusive, a.learningRate, a.beta1, a.beta2, a.epsilon, a.accBeta1, a.accBeta2) as unknown as number[];
  return out.map((h, k) => backend.makeOutput(h, inputs[k % n].shape, 'float32'));
});

const emaUpdateOp = op('emaUpdate');

const emaUpdate = kernel(EMA_UPDATE_KERNEL, (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  if (inputs.length % 2 !== 0) throw new Error(`torch backend: ${EMA_UPDATE_KERNEL} needs [shadow, value] per weight, got ${inputs.length} inputs`);
  const n = inputs.length / 2;
  const backend = torch(args);
  const exclusive = inputs.slice(0, n).map((t) => (backend.refCount(t.dataId) === 1 ? 1 : 0));
  const out = emaUpdateOp(inputs.map((t) => backend.handleOf(t)), exclusive, (args.attrs as unknown as EmaUpdateAttrs).decay) as unknown as number[];
  return out.map((h, k) => backend.makeOutput(h, inputs[k].shape, 'float32'));
});

export const optimKernels: KernelConfig[] = [adamUpdate, emaUpdate];
