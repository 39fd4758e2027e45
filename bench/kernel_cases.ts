// The kernels of the mlp2d and gain16 profiles (bench/profile.ts) at the shapes those workloads
// call them with, as data: bench/kernels.ts runs each through tfjs and sends the same list to
// bench/kernels_peer.py, which runs the closest PyTorch call on tensors of the same shapes.
import * as tf from '@tensorflow/tfjs-core';

import { adam } from '@gantry/core';

/** An input: a shape and how to fill it (normal floats unless said otherwise). */
export interface InputSpec { shape: number[]; fill?: 'normal' | 'positive' | 'bool' | 'index'; range?: number }

export interface KernelCase {
  /** The tfjs kernel this case exercises (as named in tf.profile). */
  kernel: string;
  /** Which tf call (and which PyTorch peer): a key of TF_CALLS and of kernels_peer.py's PEERS. */
  op: string;
  inputs: InputSpec[];
  /** The workload(s) that call this kernel at this shape. */
  where: 'mlp2d' | 'gain16' | 'both';
}

const f = (...shape: number[]): InputSpec => ({ shape });

export const KERNEL_CASES: KernelCase[] = [
  { kernel: 'Add', op: 'add', inputs: [f(256, 128), f(128)], where: 'mlp2d' },
  { kernel: 'Add', op: 'add', inputs: [f(128, 128), f(128, 128)], where: 'mlp2d' },
  { kernel: 'Add', op: 'add', inputs: [f(128, 16), f(16)], where: 'gain16' },
  { kernel: 'Add', op: 'add', inputs: [f(), f()], where: 'both' },
  { kernel: 'Sub', op: 'sub', inputs: [f(), f(128, 16)], where: 'gain16' },
  { kernel: 'Multiply', op: 'mul', inputs: [f(256, 128), f(256, 128)], where: 'mlp2d' },
  { kernel: 'Multiply', op: 'mul', inputs: [f(256, 128), f()], where: 'mlp2d' },
  { kernel: 'Multiply', op: 'mul', inputs: [f(128, 16), f(128, 16)], where: 'gain16' },
  { kernel: 'Multiply', op: 'mul', inputs: [f(1, 1), f(256, 1)], where: 'mlp2d' },
  { kernel: 'RealDiv', op: 'div', inputs: [f(256, 1), f()], where: 'mlp2d' },
  { kernel: 'RealDiv', op: 'div', inputs: [f(128, 16), f(128, 16)], where: 'gain16' },
  { kernel: 'Neg', op: 'neg', inputs: [f(256, 1)], where: 'mlp2d' },
  { kernel: 'Square', op: 'square', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'Log', op: 'log', inputs: [{ shape: [128, 16], fill: 'positive' }], where: 'gain16' },
  { kernel: 'Greater', op: 'greaterZero', inputs: [f(256, 128)], where: 'mlp2d' },
  { kernel: 'Less', op: 'lessZero', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'Cast', op: 'castBoolToFloat', inputs: [{ shape: [256, 128], fill: 'bool' }], where: 'mlp2d' },
  { kernel: 'Relu', op: 'relu', inputs: [f(256, 128)], where: 'mlp2d' },
  { kernel: 'Relu', op: 'relu', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'LeakyRelu', op: 'leakyRelu', inputs: [f(256, 128)], where: 'mlp2d' },
  { kernel: 'Step', op: 'step', inputs: [f(256, 128)], where: 'mlp2d' },
  { kernel: 'Step', op: 'step', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'Select', op: 'select', inputs: [{ shape: [256, 128], fill: 'bool' }, f(256, 128), f(256, 128)], where: 'mlp2d' },
  { kernel: 'Sigmoid', op: 'sigmoid', inputs: [f(256, 1)], where: 'mlp2d' },
  { kernel: 'Sigmoid', op: 'sigmoid', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'Softplus', op: 'softplus', inputs: [f(256, 1)], where: 'mlp2d' },
  { kernel: 'Sum', op: 'sumRows', inputs: [f(256, 128)], where: 'mlp2d' },
  { kernel: 'Sum', op: 'sumRows', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'Mean', op: 'mean', inputs: [f(256, 1)], where: 'mlp2d' },
  { kernel: 'Mean', op: 'mean', inputs: [f(128, 16)], where: 'gain16' },
  { kernel: 'Concat', op: 'concatCols', inputs: [f(128, 16), f(128, 16)], where: 'gain16' },
  { kernel: 'SplitV', op: 'splitCols', inputs: [f(128, 32)], where: 'gain16' },
  { kernel: 'GatherV2', op: 'gatherRows', inputs: [f(20000, 16), { shape: [128], fill: 'index', range: 20000 }], where: 'gain16' },
  { kernel: 'Reshape', op: 'reshapeAddBatch', inputs: [f(256, 128)], where: 'mlp2d' },
  { kernel: 'Identity', op: 'identity', inputs: [f(256, 128)], where: 'both' },
  { kernel: 'BatchMatMul', op: 'matMul', inputs: [f(256, 128), f(128, 128)], where: 'mlp2d' },
  { kernel: 'BatchMatMul', op: 'matMulTA', inputs: [f(256, 128), f(256, 128)], where: 'mlp2d' },
  { kernel: 'BatchMatMul', op: 'matMulTB', inputs: [f(256, 2), f(128, 2)], where: 'mlp2d' },
  { kernel: 'BatchMatMul', op: 'matMul', inputs: [f(128, 32), f(32, 16)], where: 'gain16' },
  { kernel: 'BatchMatMul', op: 'matMulTA', inputs: [f(128, 32), f(128, 16)], where: 'gain16' },
  { kernel: '_FusedMatMul', op: 'linearRelu', inputs: [f(256, 128), f(128, 128), f(128)], where: 'mlp2d' },
  { kernel: '_FusedMatMul', op: 'linear', inputs: [f(256, 128), f(128, 2), f(2)], where: 'mlp2d' },
  { kernel: '_FusedMatMul', op: 'linear', inputs: [f(128, 32), f(32, 16), f(16)], where: 'gain16' },
  // one optimizer step over mlp2d's generator weights (kernel, bias of its three dense layers)
  { kernel: 'GantryAdamUpdate', op: 'adam', inputs: [f(16, 128), f(128), f(128, 128), f(128), f(128, 2), f(2)], where: 'mlp2d' },
];

/** Builds the call to time from a case's inputs: most are one public tf op (so the engine's per-call work is included). */
export type CallFactory = (xs: tf.Tensor[]) => () => tf.Tensor | tf.Tensor[] | void;

const call = (fn: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): CallFactory => (xs) => () => fn(xs);

/** Adam's update of variables shaped like the inputs, with the inputs as their gradients. */
const adamStep: CallFactory = (xs) => {
  const vars = xs.map((x, i) => tf.variable(tf.zerosLike(x), true, `kernels_adam_${i}_${Math.random()}`));
  const grads = Object.fromEntries(vars.map((v, i) => [v.name, xs[i]]));
  const optimizer = adam(2e-4, 0.5, 0.999);
  return () => { optimizer.applyGradients(grads); };
};

const TF_OPS: Record<string, (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]> = {
  add: ([a, b]) => tf.add(a, b),
  sub: ([a, b]) => tf.sub(a, b),
  mul: ([a, b]) => tf.mul(a, b),
  div: ([a, b]) => tf.div(a, b),
  neg: ([x]) => tf.neg(x),
  square: ([x]) => tf.square(x),
  log: ([x]) => tf.log(x),
  greaterZero: ([x]) => tf.greater(x, 0),
  lessZero: ([x]) => tf.less(x, 0),
  castBoolToFloat: ([x]) => tf.cast(x, 'float32'),
  relu: ([x]) => tf.relu(x),
  leakyRelu: ([x]) => tf.leakyRelu(x, 0.2),
  step: ([x]) => tf.step(x),
  select: ([c, a, b]) => tf.where(c, a, b),
  sigmoid: ([x]) => tf.sigmoid(x),
  softplus: ([x]) => tf.softplus(x),
  sumRows: ([x]) => tf.sum(x, 0),
  mean: ([x]) => tf.mean(x),
  concatCols: ([a, b]) => tf.concat([a, b], 1),
  splitCols: ([x]) => tf.split(x, 2, 1),
  gatherRows: ([x, i]) => tf.gather(x, i),
  reshapeAddBatch: ([x]) => tf.reshape(x, [1, ...x.shape]),
  identity: ([x]) => tf.clone(x),
  matMul: ([a, b]) => tf.matMul(a, b),
  matMulTA: ([a, b]) => tf.matMul(a, b, true, false),
  matMulTB: ([a, b]) => tf.matMul(a, b, false, true),
  linearRelu: ([a, b, bias]) => tf.fused.matMul({ a, b, bias, activation: 'relu' }),
  linear: ([a, b, bias]) => tf.fused.matMul({ a, b, bias }),
};

export const TF_CALLS: Record<string, CallFactory> = {
  ...Object.fromEntries(Object.entries(TF_OPS).map(([name, fn]) => [name, call(fn)])),
  adam: adamStep,
};

/** A case's inputs as tf tensors (same recipe as the peer's: normal floats, x > 0 masks, indices). */
export function makeInputs(c: KernelCase): tf.Tensor[] {
  return c.inputs.map((spec) => {
    if (spec.fill === 'bool') return tf.tidy(() => tf.greater(tf.randomNormal(spec.shape), 0));
    if (spec.fill === 'positive') return tf.randomUniform(spec.shape, 0.01, 1);
    if (spec.fill === 'index') {
      return tf.tidy(() => tf.cast(tf.floor(tf.randomUniform(spec.shape, 0, spec.range ?? 1)), 'int32'));
    }
    return tf.randomNormal(spec.shape);
  });
}

/** "[256,128]+[128]" style label of a case's input shapes. */
export function shapeLabel(c: KernelCase): string {
  return c.inputs.map((s) => `[${s.shape.join(',')}]`).join(' ');
}
