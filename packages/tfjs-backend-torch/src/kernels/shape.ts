// Data-movement kernels: Reshape (an ATen view), Identity (shared data), Transpose, Concat, Slice,
// StridedSlice, SplitV, Pack/Unpack, Tile, PadV2, MirrorPad (and GantryMirrorPadGrad), Reverse, GatherV2, UnsortedSegmentSum, fills,
// OneHot, Range.
import {
  backend_util, slice_util, util,
  type DataType, type KernelConfig, type TensorInfo,
} from '@tensorflow/tfjs-core';

import { MIRROR_PAD_GRAD_KERNEL, type MirrorPadGradAttrs } from '@gantry/kernels';

import { allNative, DTYPE_CODES, identity, isNative, kernel, multiOp, nativeOrFallback, op, torch, type KernelArgs } from './util.js';

type Inputs = Record<string, TensorInfo>;

const reshapeOp = op('reshape');
function reshapeTo(args: KernelArgs, x: TensorInfo, shape: number[]): TensorInfo {
  const backend = torch(args);
  if (!isNative(x.dtype) || !backend.isOnNative(x)) {
    // JS-held values: a new dataId over the same (immutable) values array, nothing uploaded.
    return backend.makeTensorInfo(shape, x.dtype, backend.readSync(x.dataId));
  }
  return backend.makeOutput(reshapeOp(backend.handleOf(x), shape), shape, x.dtype);
}

const reshape = kernel('Reshape', (args) => {
  const x = (args.inputs as Inputs).x;
  const shape = util.inferFromImplicitShape(args.attrs?.shape as number[], util.sizeFromShape(x.shape));
  util.assert(util.sizeFromShape(shape) === util.sizeFromShape(x.shape),
    () => `Reshape: cannot reshape [${x.shape}] into [${shape}]`);
  // tfjs' ops reshape to the same shape often (gradients of broadcasting ops): share the data.
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) return identity(args, x);
  return reshapeTo(args, x, shape);
});

const expandDims = kernel('ExpandDims', (args) => {
  const x = (args.inputs as Inputs).input;
  const dim = args.attrs?.dim as number;
  const rank = x.shape.length;
  const axis = dim < 0 ? dim + rank + 1 : dim;
  util.assert(axis >= 0 && axis <= rank, () => `ExpandDims: axis ${dim} out of range for rank ${rank}`);
  const shape = x.shape.slice();
  shape.splice(axis, 0, 1);
  return reshapeTo(args, x, shape);
});

const identityKernel = kernel('Identity', (args) => identity(args, (args.inputs as Inputs).x));

const transposeOp = op('transpose');
const transpose = nativeOrFallback('Transpose',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const perm = args.attrs?.perm as number[];
    const backend = torch(args);
    const shape = perm.map((p) => x.shape[p]);
    return backend.makeOutput(transposeOp(backend.handleOf(x), perm), shape, x.dtype);
  });

const concatOp = op('concat');
const concat = nativeOrFallback('Concat',
  (args) => allNative(args.inputs as unknown as TensorInfo[]),
  (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const backend = torch(args);
    const axis = util.parseAxisParam(args.attrs?.axis as number, inputs[0].shape)[0];
    backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
    const shape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
    const nonEmpty = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length === 0) return backend.makeTensorInfo(shape, inputs[0].dtype, util.getTypedArrayFromDType(inputs[0].dtype as 'float32', 0));
    if (nonEmpty.length === 1) return identity(args, nonEmpty[0]);
    return backend.makeOutput(concatOp(nonEmpty.map((t) => backend.handleOf(t)), axis), shape, inputs[0].dtype);
  });

const sliceOp = op('slice');
const slice = nativeOrFallback('Slice',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const [begin, size] = slice_util.parseSliceParams(x, args.attrs?.begin as number[], args.attrs?.size as number[]);
    slice_util.assertParamsValid(x, begin, size);
    if (size.every((s, i) => s === x.shape[i])) return identity(args, x);
    const backend = torch(args);
    return backend.makeOutput(sliceOp(backend.handleOf(x), begin, size), size, x.dtype);
  });

const stridedSliceOp = op('stridedSlice');
const stridedSlice = nativeOrFallback('StridedSlice',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const a = args.attrs ?? {};
    const info = slice_util.sliceInfo(x.shape, a.begin as number[], a.end as number[], a.strides as number[],
      a.beginMask as number, a.endMask as number, a.ellipsisMask as number, a.newAxisMask as number, a.shrinkAxisMask as number);
    if (info.isIdentity) return reshapeTo(args, x, info.finalShape);
    const backend = torch(args);
    // Element counts per input dimension (finalShapeSparse drops dimensions when newAxisMask is set).
    const counts = slice_util.computeOutShape(info.begin, info.end, info.strides).map((c) => Math.max(0, c));
    const handle = stridedSliceOp(backend.handleOf(x), info.begin, info.strides, counts, info.finalShape);
    return backend.makeOutput(handle, info.finalShape, x.dtype);
  });

const splitOp = multiOp('splitV');
const splitV = nativeOrFallback('SplitV',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const backend = torch(args);
    const axis = util.parseAxisParam(args.attrs?.axis as number, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, args.attrs?.numOrSizeSplits as number | number[], axis);
    const handles = splitOp(backend.handleOf(x), sizes, axis);
    return handles.map((h, i) => {
      const shape = x.shape.slice();
      shape[axis] = sizes[i];
      return backend.makeOutput(h, shape, x.dtype);
    });
  });

const packOp = op('pack');
const pack = nativeOrFallback('Pack',
  (args) => allNative(args.inputs as unknown as TensorInfo[]),
  (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    for (const t of inputs) {
      util.assertShapesMatch(inputs[0].shape, t.shape, 'All tensors passed to stack must have matching shapes');
      util.assert(inputs[0].dtype === t.dtype, () => 'All tensors passed to stack must have matching dtypes');
    }
    const backend = torch(args);
    const axis = args.attrs?.axis as number;
    const rank = inputs[0].shape.length;
    const $axis = axis < 0 ? axis + rank + 1 : axis;
    const shape = inputs[0].shape.slice();
    shape.splice($axis, 0, inputs.length);
    return backend.makeOutput(packOp(inputs.map((t) => backend.handleOf(t)), $axis), shape, inputs[0].dtype);
  });

const unpackOp = multiOp('unpack');
const unpack = nativeOrFallback('Unpack',
  (args) => isNative((args.inputs as Inputs).value.dtype),
  (args) => {
    const x = (args.inputs as Inputs).value;
    const backend = torch(args);
    let axis = args.attrs?.axis as number;
    if (axis < 0) axis += x.shape.length;
    const shape = x.shape.filter((_, i) => i !== axis);
    return unpackOp(backend.handleOf(x), axis).map((h) => backend.makeOutput(h, shape, x.dtype));
  });

const tileOp = op('tile');
const tile = nativeOrFallback('Tile',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const reps = args.attrs?.reps as number[];
    const backend = torch(args);
    const shape = x.shape.map((s, i) => s * reps[i]);
    return backend.makeOutput(tileOp(backend.handleOf(x), reps), shape, x.dtype);
  });

const padOp = op('pad');
const padV2 = nativeOrFallback('PadV2',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const paddings = args.attrs?.paddings as Array<[number, number]>;
    const value = args.attrs?.constantValue as number;
    const backend = torch(args);
    const shape = x.shape.map((s, i) => paddings[i][0] + s + paddings[i][1]);
    const atenPads = paddings.slice().reverse().flatMap(([before, after]) => [before, after]);
    return backend.makeOutput(padOp(backend.handleOf(x), atenPads, value), shape, x.dtype);
  });

/** The native mirror ops' offset: 1 for 'reflect' (the edge is not repeated), 0 for 'symmetric'. */
const mirrorOffset = (mode: unknown): number => (mode === 'reflect' ? 1 : 0);

const mirrorPadOp = op('mirrorPad');
const mirrorPad = nativeOrFallback('MirrorPad',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const paddings = args.attrs?.paddings as Array<[number, number]>;
    const backend = torch(args);
    const shape = x.shape.map((s, i) => paddings[i][0] + s + paddings[i][1]);
    return backend.makeOutput(mirrorPadOp(backend.handleOf(x), paddings.flat(), mirrorOffset(args.attrs?.mode)), shape, x.dtype);
  });

// Not a tfjs kernel: @gantry/core's reflection padding calls it for MirrorPad's gradient (tfjs 4.22's drops
// the mirrored borders' share) where the backend registers it.
const mirrorPadGradOp = op('mirrorPadGrad');
const mirrorPadGrad = kernel(MIRROR_PAD_GRAD_KERNEL, (args) => {
  const dy = (args.inputs as Inputs).dy;
  const { paddings, mode } = args.attrs as unknown as MirrorPadGradAttrs;
  util.assert(dy.dtype === 'float32', () => `${MIRROR_PAD_GRAD_KERNEL}: dy must be float32, got ${dy.dtype}`);
  util.assert(paddings.length === dy.shape.length, () => `${MIRROR_PAD_GRAD_KERNEL}: ${paddings.length} paddings for rank ${dy.shape.length}`);
  const backend = torch(args);
  const shape = dy.shape.map((s, i) => s - paddings[i][0] - paddings[i][1]);
  return backend.makeOutput(mirrorPadGradOp(backend.handleOf(dy), paddings.flat(), mirrorOffset(mode)), shape, 'float32');
});

const reverseOp = op('reverse');
const reverse = nativeOrFallback('Reverse',
  (args) => isNative((args.inputs as Inputs).x.dtype),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const dims = util.parseAxisParam(args.attrs?.dims as number | number[], x.shape);
    if (dims.length === 0 || x.shape.length === 0) return identity(args, x);
    const backend = torch(args);
    return backend.makeOutput(reverseOp(backend.handleOf(x), dims), x.shape, x.dtype);
  });

const gatherOp = op('gather');
const gatherV2 = nativeOrFallback('GatherV2',
  (args) => {
    const { x, indices } = args.inputs as Inputs;
    return isNative(x.dtype) && indices.dtype === 'int32' && !(args.attrs?.batchDims as number);
  },
  (args) => {
    const { x, indices } = args.inputs as Inputs;
    const backend = torch(args);
    const axis = util.parseAxisParam(args.attrs?.axis as number, x.shape)[0];
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return backend.makeOutput(gatherOp(backend.handleOf(x), backend.handleOf(indices), axis), shape, x.dtype);
  });

const segmentSumOp = op('unsortedSegmentSum');
const unsortedSegmentSum = nativeOrFallback('UnsortedSegmentSum',
  (args) => {
    const { x, segmentIds } = args.inputs as Inputs;
    return (x.dtype === 'float32' || x.dtype === 'int32') && segmentIds.dtype === 'int32';
  },
  (args) => {
    const { x, segmentIds } = args.inputs as Inputs;
    const numSegments = args.attrs?.numSegments as number;
    const backend = torch(args);
    const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    return backend.makeOutput(segmentSumOp(backend.handleOf(x), backend.handleOf(segmentIds), numSegments), shape, x.dtype);
  });

function likeKernel(kernelName: string, opName: string): KernelConfig {
  const fn = op(opName);
  return nativeOrFallback(kernelName,
    (args) => isNative((args.inputs as Inputs).x.dtype),
    (args) => {
      const x = (args.inputs as Inputs).x;
      const backend = torch(args);
      return backend.makeOutput(fn(backend.handleOf(x)), x.shape, x.dtype);
    });
}

const fillOp = op('fill');
const fill = nativeOrFallback('Fill',
  (args) => isNative((args.attrs?.dtype as DataType | undefined) ?? 'float32') && typeof args.attrs?.value === 'number',
  (args) => {
    const shape = args.attrs?.shape as number[];
    const dtype = (args.attrs?.dtype as DataType | undefined) ?? 'float32';
    const backend = torch(args);
    return backend.makeOutput(fillOp(shape, args.attrs?.value as number, DTYPE_CODES[dtype]), shape, dtype);
  });

const oneHotOp = op('oneHot');
const oneHot = nativeOrFallback('OneHot',
  (args) => (args.inputs as Inputs).indices.dtype === 'int32' && isNative((args.attrs?.dtype as DataType | undefined) ?? 'int32'),
  (args) => {
    const indices = (args.inputs as Inputs).indices;
    const a = args.attrs ?? {};
    const dtype = (a.dtype as DataType | undefined) ?? 'int32';
    const depth = a.depth as number;
    const backend = torch(args);
    const handle = oneHotOp(backend.handleOf(indices), depth, a.onValue as number, a.offValue as number, DTYPE_CODES[dtype]);
    return backend.makeOutput(handle, [...indices.shape, depth], dtype);
  });

// Range is small and computed from attributes alone; written as JS values (uploaded if used natively).
// Semantics follow tfjs cpu: empty for an impossible direction (a decreasing range needs step < 0 or
// exactly 1, which is then flipped to -1), values accumulated step by step in the output dtype.
const range = kernel('Range', (args) => {
  const a = args.attrs ?? {};
  const start = a.start as number, stop = a.stop as number;
  let step = a.step as number;
  const dtype = a.dtype as 'float32' | 'int32';
  const backend = torch(args);
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  const count = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
  const values = util.getTypedArrayFromDType(dtype, count);
  if (stop < start && step === 1) step = -1;
  if (count > 0) values[0] = start;
  for (let i = 1; i < count; i++) values[i] = values[i - 1] + step;
  return backend.makeTensorInfo([count], dtype, values);
});

export const shapeKernels: KernelConfig[] = [
  reshape, expandDims, identityKernel, transpose, concat, slice, stridedSlice, splitV, pack, unpack, tile, padV2, mirrorPad, mirrorPadGrad, reverse,
  gatherV2, unsortedSegmentSum, likeKernel('ZerosLike', 'zerosLike'), likeKernel('OnesLike', 'onesLike'),
  fill, oneHot, range,
];
