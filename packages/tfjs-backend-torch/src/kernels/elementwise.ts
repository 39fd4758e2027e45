// Elementwise kernels: unary math and activations, binary arithmetic with broadcasting,
// comparisons, logic, select, cast, softmax.
import {
  backend_util, upcastType,
  type DataType, type KernelConfig, type NamedAttrMap, type TensorInfo,
} from '@tensorflow/tfjs-core';

import { allNative, DTYPE_CODES, identity, isNative, nativeOrFallback, op, torch, type KernelArgs } from './util.js';

type Inputs = Record<string, TensorInfo>;

/** Unary kernel: `ints` says whether int32 inputs are supported natively (ATen keeps the dtype). */
function unary(kernelName: string, opName: string, ints = false, extraAttrs: (attrs: NamedAttrMap) => number[] = () => []): KernelConfig {
  const fn = op(opName);
  return nativeOrFallback(kernelName,
    (args) => {
      const x = (args.inputs as Inputs).x;
      return x.dtype === 'float32' || (ints && x.dtype === 'int32');
    },
    (args) => {
      const x = (args.inputs as Inputs).x;
      const backend = torch(args);
      return backend.makeOutput(fn(backend.handleOf(x), ...extraAttrs(args.attrs ?? {})), x.shape, x.dtype);
    });
}

/** Binary kernel with broadcasting; the output dtype is tfjs' upcast of the inputs unless fixed. */
function binary(kernelName: string, opName: string, outDtype?: DataType): KernelConfig {
  const fn = op(opName);
  return nativeOrFallback(kernelName,
    (args) => { const { a, b } = args.inputs as Inputs; return isNative(a.dtype) && isNative(b.dtype); },
    (args) => {
      const { a, b } = args.inputs as Inputs;
      const backend = torch(args);
      const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return backend.makeOutput(fn(backend.handleOf(a), backend.handleOf(b)), shape, outDtype ?? upcastType(a.dtype, b.dtype));
    });
}

const numberAttr = (name: string) => (attrs: NamedAttrMap) => [attrs[name] as number];

const castOp = op('cast');
const cast = nativeOrFallback('Cast',
  (args) => isNative((args.inputs as Inputs).x.dtype) && isNative(args.attrs?.dtype as DataType),
  (args) => {
    const x = (args.inputs as Inputs).x;
    const dtype = args.attrs?.dtype as DataType;
    if (dtype === x.dtype) return identity(args, x);
    const backend = torch(args);
    return backend.makeOutput(castOp(backend.handleOf(x), DTYPE_CODES[dtype]), x.shape, dtype);
  });

const selectOp = op('select');
const select = nativeOrFallback('Select',
  (args) => allNative(Object.values(args.inputs as Inputs)),
  (args) => {
    const { condition, t, e } = args.inputs as Inputs;
    const backend = torch(args);
    const handle = selectOp(backend.handleOf(condition), backend.handleOf(t), backend.handleOf(e));
    return backend.makeOutput(handle, t.shape, upcastType(t.dtype, e.dtype));
  });

const softmaxOp = op('softmax');
const softmax = nativeOrFallback('Softmax',
  (args) => (args.inputs as Inputs).logits.dtype === 'float32',
  (args) => {
    const logits = (args.inputs as Inputs).logits;
    const backend = torch(args);
    let dim = args.attrs?.dim as number;
    if (dim < 0) dim += logits.shape.length;
    return backend.makeOutput(softmaxOp(backend.handleOf(logits), dim), logits.shape, logits.dtype);
  });

const preluOp = op('prelu');
const prelu = nativeOrFallback('Prelu',
  (args) => { const { x, alpha } = args.inputs as Inputs; return x.dtype === 'float32' && alpha.dtype === 'float32'; },
  (args) => {
    const { x, alpha } = args.inputs as Inputs;
    const backend = torch(args);
    const shape = backend_util.assertAndGetBroadcastShape(x.shape, alpha.shape);
    return backend.makeOutput(preluOp(backend.handleOf(x), backend.handleOf(alpha)), shape, 'float32');
  });

const eluGradOp = op('eluGrad');
const eluGrad = nativeOrFallback('EluGrad',
  (args) => { const { dy, y } = args.inputs as Inputs; return dy.dtype === 'float32' && y.dtype === 'float32'; },
  (args) => {
    const { dy, y } = args.inputs as Inputs;
    const backend = torch(args);
    return backend.makeOutput(eluGradOp(backend.handleOf(dy), backend.handleOf(y)), dy.shape, 'float32');
  });

const addNOp = op('addN');
const addN = nativeOrFallback('AddN',
  (args) => allNative(args.inputs as unknown as TensorInfo[]),
  (args) => {
    const xs = args.inputs as unknown as TensorInfo[];
    const backend = torch(args);
    return backend.makeOutput(addNOp(xs.map((t) => backend.handleOf(t))), xs[0].shape, xs[0].dtype);
  });

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

// cpu stores a bound it returns into the output's typed array: as float32 that is Math.fround of it
// (1e300 or Number.MAX_VALUE -> Infinity), which is also the clamp on float32 values it computes.
// ATen refuses a double bound beyond float's range ("cannot be converted to type float without
// overflow"; tfjs-layers' losses clip with such bounds), so float32 bounds go rounded. For int32 a
// bound beyond int32's range that no value can reach (min below it, max above) clamps to it; one
// that every value reaches (cpu wraps it into the Int32Array) takes the cpu fallback.
const clipByValueOp = op('clipByValue');
const clipByValue = nativeOrFallback('ClipByValue',
  (args) => {
    const x = (args.inputs as Inputs).x;
    const bounds = [args.attrs?.clipValueMin as number, args.attrs?.clipValueMax as number];
    return x.dtype === 'float32' || (x.dtype === 'int32' && bounds[0] <= INT32_MAX && bounds[1] >= INT32_MIN);
  },
  (args) => {
    const x = (args.inputs as Inputs).x;
    const backend = torch(args);
    const round = x.dtype === 'float32' ? Math.fround : (b: number) => Math.min(Math.max(b, INT32_MIN), INT32_MAX);
    const min = round(args.attrs?.clipValueMin as number);
    const max = round(args.attrs?.clipValueMax as number);
    return backend.makeOutput(clipByValueOp(backend.handleOf(x), min, max), x.shape, x.dtype);
  });

function boolUnary(kernelName: string, opName: string, accepts: (dtype: DataType) => boolean): KernelConfig {
  const fn = op(opName);
  return nativeOrFallback(kernelName,
    (args: KernelArgs) => accepts((args.inputs as Inputs).x.dtype),
    (args: KernelArgs) => {
      const x = (args.inputs as Inputs).x;
      const backend = torch(args);
      return backend.makeOutput(fn(backend.handleOf(x)), x.shape, 'bool');
    });
}

export const elementwiseKernels: KernelConfig[] = [
  unary('Abs', 'abs', true),
  unary('Neg', 'neg', true),
  unary('Square', 'square', true),
  unary('Sqrt', 'sqrt'),
  unary('Rsqrt', 'rsqrt'),
  unary('Reciprocal', 'reciprocal'),
  unary('Exp', 'exp'),
  unary('Expm1', 'expm1'),
  unary('Log', 'log'),
  unary('Log1p', 'log1p'),
  unary('Floor', 'floor'),
  unary('Ceil', 'ceil'),
  unary('Round', 'round'),
  unary('Sign', 'sign', true),
  unary('Sin', 'sin'),
  unary('Cos', 'cos'),
  unary('Tan', 'tan'),
  unary('Asin', 'asin'),
  unary('Acos', 'acos'),
  unary('Atan', 'atan'),
  unary('Sinh', 'sinh'),
  unary('Cosh', 'cosh'),
  unary('Asinh', 'asinh'),
  unary('Acosh', 'acosh'),
  unary('Atanh', 'atanh'),
  unary('Erf', 'erf'),
  unary('Relu', 'relu', true),
  unary('Relu6', 'relu6', true),
  unary('Elu', 'elu'),
  unary('Selu', 'selu'),
  unary('Sigmoid', 'sigmoid'),
  unary('Tanh', 'tanh'),
  unary('Softplus', 'softplus'),
  unary('LeakyRelu', 'leakyRelu', false, numberAttr('alpha')),
  unary('Step', 'step', true, numberAttr('alpha')),
  clipByValue,
  boolUnary('IsNan', 'isNaN', (d) => d === 'float32'),
  boolUnary('IsInf', 'isInf', (d) => d === 'float32'),
  boolUnary('IsFinite', 'isFinite', (d) => d === 'float32'),
  boolUnary('LogicalNot', 'logicalNot', isNative),
  binary('Add', 'add'),
  binary('Sub', 'sub'),
  binary('Multiply', 'mul'),
  binary('RealDiv', 'realDiv'),
  binary('FloorDiv', 'floorDiv', 'int32'),
  binary('Mod', 'mod'),
  binary('Pow', 'pow'),
  binary('Maximum', 'maximum'),
  binary('Minimum', 'minimum'),
  binary('SquaredDifference', 'squaredDifference'),
  binary('Atan2', 'atan2'),
  binary('Greater', 'greater', 'bool'),
  binary('GreaterEqual', 'greaterEqual', 'bool'),
  binary('Less', 'less', 'bool'),
  binary('LessEqual', 'lessEqual', 'bool'),
  binary('Equal', 'equal', 'bool'),
  binary('NotEqual', 'notEqual', 'bool'),
  binary('LogicalAnd', 'logicalAnd', 'bool'),
  binary('LogicalOr', 'logicalOr', 'bool'),
  cast, select, softmax, prelu, addN, eluGrad,
];
