// Reductions (Sum, Mean, Prod, Max, Min, All, Any, ArgMax, ArgMin), cumulative sums/products, TopK.
import { backend_util, upcastType, util, type DataType, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { identity, isNative, multiOp, nativeOrFallback, op, torch, type KernelArgs } from './util.js';

type Inputs = Record<string, TensorInfo>;

function reduction(kernelName: string, opName: string, outDtype: (x: DataType) => DataType, accepts: (x: DataType) => boolean = isNative): KernelConfig {
  const fn = op(opName);
  const castOp = op('cast');
  const codes: Record<string, number> = { float32: 0, int32: 1, bool: 2 };
  return nativeOrFallback(kernelName,
    (args) => accepts((args.inputs as Inputs).x.dtype),
    (args: KernelArgs) => {
      const x = (args.inputs as Inputs).x;
      const backend = torch(args);
      // Max names its axes reductionIndices, the other reductions axis.
      const axisAttr = args.attrs?.axis ?? args.attrs?.reductionIndices;
      const axes = util.parseAxisParam(axisAttr as number | number[], x.shape);
      const keepDims = Boolean(args.attrs?.keepDims);
      const dtype = outDtype(x.dtype);
      let [shape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      if (keepDims) shape = backend_util.expandShapeToKeepDim(shape, axes);
      if (axes.length === 0) {
        // Nothing to reduce: tfjs returns x (cast to the result dtype).
        if (dtype === x.dtype) return identity(args, x);
        return backend.makeOutput(castOp(backend.handleOf(x), codes[dtype]), x.shape, dtype);
      }
      return backend.makeOutput(fn(backend.handleOf(x), axes, keepDims), shape, dtype);
    });
}

function argReduction(kernelName: string, opName: string): KernelConfig {
  const fn = op(opName);
  return nativeOrFallback(kernelName,
    (args) => { const d = (args.inputs as Inputs).x.dtype; return d === 'float32' || d === 'int32'; },
    (args: KernelArgs) => {
      const x = (args.inputs as Inputs).x;
      const backend = torch(args);
      const [axis] = util.parseAxisParam(args.attrs?.axis as number | number[], x.shape);
      const shape = x.shape.filter((_, i) => i !== axis);
      return backend.makeOutput(fn(backend.handleOf(x), axis), shape, 'int32');
    });
}

function cumulative(kernelName: string, opName: string): KernelConfig {
  const fn = op(opName);
  return nativeOrFallback(kernelName,
    (args) => isNative((args.inputs as Inputs).x.dtype),
    (args: KernelArgs) => {
      const x = (args.inputs as Inputs).x;
      const backend = torch(args);
      const [axis] = util.parseAxisParam(args.attrs?.axis as number, x.shape);
      const handle = fn(backend.handleOf(x), axis, Boolean(args.attrs?.exclusive), Boolean(args.attrs?.reverse));
      return backend.makeOutput(handle, x.shape, upcastType(x.dtype, 'int32'));
    });
}

const topKOp = multiOp('topK');
const topK = nativeOrFallback('TopK',
  (args) => { const d = (args.inputs as Inputs).x.dtype; return d === 'float32' || d === 'int32'; },
  (args: KernelArgs) => {
    const x = (args.inputs as Inputs).x;
    const k = args.attrs?.k as number;
    const last = x.shape[x.shape.length - 1];
    util.assert(x.shape.length > 0, () => 'topk() expects the input to be of rank 1 or higher');
    util.assert(k >= 0 && k <= last, () => `'k' passed to topk() must be >= 0 and <= the last dimension (${last}) but got ${k}`);
    const backend = torch(args);
    const shape = [...x.shape.slice(0, -1), k];
    const [values, indices] = topKOp(backend.handleOf(x), k);
    return [backend.makeOutput(values, shape, x.dtype), backend.makeOutput(indices, shape, 'int32')];
  });

const toInt = (d: DataType): DataType => upcastType(d, 'int32');
const same = (d: DataType): DataType => d;

export const reduceKernels: KernelConfig[] = [
  reduction('Sum', 'sum', toInt),
  reduction('Mean', 'mean', () => 'float32'),
  reduction('Prod', 'prod', toInt),
  reduction('Max', 'max', same, (d) => d === 'float32' || d === 'int32'),
  reduction('Min', 'min', same, (d) => d === 'float32' || d === 'int32'),
  reduction('All', 'all', () => 'bool'),
  reduction('Any', 'any', () => 'bool'),
  argReduction('ArgMax', 'argMax'),
  argReduction('ArgMin', 'argMin'),
  cumulative('Cumsum', 'cumsum'),
  cumulative('Cumprod', 'cumprod'),
  topK,
];
