// Bilinear and nearest-neighbour resizing (and gradients) on ATen with tfjs's sampling rules.
// Gradients are exact adjoints of the forward, halfPixelCenters included.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { nativeOp } from '../addon.js';
import type { TorchBackend } from '../backend.js';
import { BACKEND_NAME } from './conv.js';

type Inputs = Record<string, TensorInfo | undefined>;
interface Args { inputs: Inputs; attrs?: NamedAttrMap; backend: TorchBackend }
interface ResizeAttrs { alignCorners?: boolean; halfPixelCenters?: boolean; size?: [number, number] }

function images4d(inputs: Inputs, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${kernel}: missing input '${name}'`);
  if (t.shape.length !== 4) {
    throw new Error(`${kernel}: '${name}' must be rank 4 NHWC, got shape [${t.shape.join(', ')}]`);
  }
  return t;
}

function resize(kernel: string, op: 'resizeBilinear' | 'resizeNearestNeighbor'): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const a = (attrs ?? {}) as unknown as ResizeAttrs;
    const images = images4d(inputs, 'images', kernel);
    if (a.size == null) throw new Error(`${kernel}: missing attr size`);
    const [newHeight, newWidth] = a.size;
    const handle = nativeOp(op)(backend.handleOf(images), newHeight, newWidth,
      a.alignCorners === true, a.halfPixelCenters === true);
    const [batch, , , channels] = images.shape;
    const dtype = op === 'resizeBilinear' ? 'float32' : images.dtype;
    return backend.makeOutput(handle, [batch, newHeight, newWidth, channels], dtype);
  };
  return run as unknown as KernelFunc;
}

function resizeGrad(kernel: string, op: 'resizeBilinearGrad' | 'resizeNearestNeighborGrad'): KernelFunc {
  const run = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const a = (attrs ?? {}) as unknown as ResizeAttrs;
    const images = images4d(inputs, 'images', kernel);
    const dy = images4d(inputs, 'dy', kernel);
    const handle = nativeOp(op)(backend.handleOf(dy), backend.handleOf(images),
      a.alignCorners === true, a.halfPixelCenters === true);
    return backend.makeOutput(handle, [...images.shape], 'float32');
  };
  return run as unknown as KernelFunc;
}

const kernel = (kernelName: string, kernelFunc: KernelFunc): KernelConfig =>
  ({ kernelName, backendName: BACKEND_NAME, kernelFunc });

export const imageKernels: KernelConfig[] = [
  kernel('ResizeBilinear', resize('ResizeBilinear', 'resizeBilinear')),
  kernel('ResizeNearestNeighbor', resize('ResizeNearestNeighbor', 'resizeNearestNeighbor')),
  kernel('ResizeBilinearGrad', resizeGrad('ResizeBilinearGrad', 'resizeBilinearGrad')),
  kernel('ResizeNearestNeighborGrad', resizeGrad('ResizeNearestNeighborGrad', 'resizeNearestNeighborGrad')),
];
