// Fused optimizer kernels. 'GantryAdamUpdate' is not a tfjs kernel: @gantry/core's adam() optimizer
// calls it (through engine().runKernel) when the active backend registers it, and otherwise runs
// tfjs Adam's own ops. Inputs: [var..., grad..., m..., v...]; outputs: [var'..., m'..., v'...].
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import { kernel, op, torch } from './util.js';

export const ADAM_UPDATE_KERNEL = 'GantryAdamUpdate';

const adamUpdateOp = op('adamUpdate');

const adamUpdate = kernel(ADAM_UPDATE_KERNEL, (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  if (inputs.length % 4 !== 0) {
    throw new Error(`torch backend: ${ADAM_UPDATE_KERNEL} needs [var, grad, m, v] per variable, got ${inputs.length} inputs`);
  }
  const n = inputs.length / 4;
  const backend = torch(args);
  const a = args.attrs ?? {};
  const handles = inputs.map((t) => backend.handleOf(t));
  // A dataId referenced once belongs to the variable alone: the native side may update it in place.
  const exclusive = inputs.slice(0, n).map((_, i) =>
    [inputs[i], inputs[2 * n + i], inputs[3 * n + i]].every((t) => backend.refCount(t.dataId) === 1) ? 1 : 0);
  const out = adamUpdateOp(handles, exclusive, a.learningRate as number, a.beta1 as number, a.beta2 as number,
    a.epsilon as number, a.accBeta1 as number, a.accBeta2 as number) as unknown as number[];
  return out.map((h, k) => backend.makeOutput(h, inputs[k % n].shape, 'float32'));
});

export const optimKernels: KernelConfig[] = [adamUpdate];
