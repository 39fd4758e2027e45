// GatherNd, ScatterNd and LinSpace.
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { isNative, kernel, nativeOrFallback, op, torch } from './util.js';

type Inputs = Record<string, TensorInfo>;

const gatherNdOp = op('gatherNd');
const gatherNd = nativeOrFallback('GatherNd',
  (args) => { const { params, indices } = args.inputs as Inputs; return isNative(params.dtype) && indices.dtype === 'int32'; },
  (args) => {
    const { params, indices } = args.inputs as Inputs;
    const backend = torch(args);
    const [resultShape, numSlices, sliceSize, strides] = backend_util.prepareAndValidate(params as never, indices as never);
    if (numSlices === 0) return backend.makeTensorInfo(resultShape, params.dtype, util.getTypedArrayFromDType(params.dtype as 'float32', 0));
    const handle = gatherNdOp(backend.handleOf(params), backend.handleOf(indices), strides, sliceSize, resultShape);
    return backend.makeOutput(handle, resultShape, params.dtype);
  });

const scatterNdOp = op('scatterNd');
const scatterNd = nativeOrFallback('ScatterNd',
  (args) => {
    const { indices, updates } = args.inputs as Inputs;
    return (updates.dtype === 'float32' || updates.dtype === 'int32') && indices.dtype === 'int32';
  },
  (args) => {
    const { indices, updates } = args.inputs as Inputs;
    const shape = args.attrs?.shape as number[];
    const backend = torch(args);
    const { sliceSize, strides } = backend_util.calculateShapes(updates, indices, shape);
    const handle = scatterNdOp(backend.handleOf(indices), backend.handleOf(updates), strides, sliceSize, shape);
    return backend.makeOutput(handle, shape, updates.dtype);
  });

// Evenly spaced float32 values, accumulated step by step as tfjs cpu does; small, so written from JS.
const linSpace = kernel('LinSpace', (args) => {
  const start = args.attrs?.start as number, stop = args.attrs?.stop as number, num = args.attrs?.num as number;
  const values = new Float32Array(num);
  const step = (stop - start) / (num - 1);
  if (num > 0) values[0] = start;
  for (let i = 1; i < num; i++) values[i] = values[i - 1] + step;
  return torch(args).makeTensorInfo([num], 'float32', values);
});

export const indexingKernels: KernelConfig[] = [gatherNd, scatterNd, linSpace];
