// BatchMatMul and _FusedMatMul (bias and activation fused natively, applied in place).
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { nativeOrFallback, op, torch } from './util.js';

type Inputs = Record<string, TensorInfo | undefined>;

/** Activation codes of native/src/ops_matmul.cc. */
const ACTIVATION_CODES: Record<string, number> = {
  linear: 0, relu: 1, relu6: 2, prelu: 3, leakyrelu: 4, sigmoid: 5, elu: 6,
};

const batchMatMulOp = op('batchMatMul');

/** tfjs' own checks: rank >= 2 and matching inner dimensions. */
function assertMatMulShapes(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): void {
  const innerA = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const innerB = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
  util.assert(a.shape.length >= 2 && b.shape.length >= 2 && innerA === innerB,
    () => `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${a.shape} and ` +
      `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
}
const fusedMatMulOp = op('fusedMatMul');

/** Broadcast batch dimensions, then [rows of op(a), columns of op(b)] (what ATen's matmul returns). */
function matMulShape(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number[] {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const rows = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const cols = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ra === 2 && rb === 2) return [rows, cols];
  return [...backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), rows, cols];
}

function floatInputs(inputs: Inputs): boolean {
  return Object.values(inputs).every((t) => t == null || t.dtype === 'float32');
}

const batchMatMul = nativeOrFallback('BatchMatMul',
  (args) => floatInputs(args.inputs as Inputs),
  (args) => {
    const { a, b } = args.inputs as Record<string, TensorInfo>;
    assertMatMulShapes(a, b, Boolean(args.attrs?.transposeA), Boolean(args.attrs?.transposeB));
    const backend = torch(args);
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const handle = batchMatMulOp(backend.handleOf(a), backend.handleOf(b), transposeA, transposeB);
    return backend.makeOutput(handle, matMulShape(a, b, transposeA, transposeB), 'float32');
  });

const fusedMatMul = nativeOrFallback('_FusedMatMul',
  (args) => floatInputs(args.inputs as Inputs) && (args.attrs?.activation as string | undefined ?? 'linear') in ACTIVATION_CODES,
  (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Inputs;
    const attrs = args.attrs ?? {};
    assertMatMulShapes(a as TensorInfo, b as TensorInfo, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
    const backend = torch(args);
    const handle = fusedMatMulOp(
      backend.handleOf(a as TensorInfo), backend.handleOf(b as TensorInfo),
      Boolean(attrs.transposeA), Boolean(attrs.transposeB),
      bias != null ? backend.handleOf(bias) : -1,
      ACTIVATION_CODES[(attrs.activation as string | undefined) ?? 'linear'],
      preluActivationWeights != null ? backend.handleOf(preluActivationWeights) : -1,
      (attrs.leakyreluAlpha as number | undefined) ?? 0.2);
    let shape = matMulShape(a as TensorInfo, b as TensorInfo, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
    // bias and prelu weights broadcast against the product (as tfjs' add and prelu do)
    for (const t of [bias, preluActivationWeights]) if (t != null) shape = backend_util.assertAndGetBroadcastShape(shape, t.shape);
    return backend.makeOutput(handle, shape, 'float32');
  });

export const matmulKernels: KernelConfig[] = [batchMatMul, fusedMatMul];
