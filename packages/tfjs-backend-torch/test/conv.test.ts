// Convolution kernels on the torch backend against tfjs's cpu backend: random shapes, strides,
// kernel sizes, 'same'/'valid'/explicit (asymmetric) padding, dilation, forward and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ADAM_UPDATE_KERNEL } from '@gantry/kernels';
import { numThreads, setNumThreads } from '@gantry/tfjs-backend-torch';

import {
  TOLERANCE, assertClose, assertNative, compareBackends, makeRng, pick, randInt, randomValues, runOn, tf,
} from './conv-compare.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  n: number; h: number; w: number; ci: number; co: number; k: number; stride: number; dilation: number;
  pad: Pad; rounding?: 'floor' | 'ceil';
}

function randomCase(rand: () => number, allowDilation: boolean): ConvCase {
  const h = randInt(rand, 3, 12);
  const w = randInt(rand, 3, 12);
  const stride = randInt(rand, 1, 2);
  const dilation = allowDilation && stride === 1 && rand() < 0.4 ? 2 : 1;
  const maxK = Math.min(5, Math.floor((Math.min(h, w) - 1) / dilation) + 1);
  const kind = pick(rand, ['same', 'same', 'valid', 'explicit', 'number'] as const);
  let pad: Pad = kind === 'same' || kind === 'valid' ? kind : 0;
  let rounding: 'floor' | 'ceil' | undefined;
  if (kind === 'explicit') {
    pad = [[0, 0], [randInt(rand, 0, 2), randInt(rand, 0, 2)], [randInt(rand, 0, 2), randInt(rand, 0, 2)], [0, 0]];
  } else if (kind === 'number') {
    pad = randInt(rand, 0, 2);
    rounding = pick(rand, ['floor', 'ceil'] as const);
  }
  return { n: randInt(rand, 1, 2), h, w, ci: randInt(rand, 1, 4), co: randInt(rand, 1, 4),
    k: randInt(rand, 1, maxK), stride, dilation, pad, rounding };
}

const describe = (c: ConvCase): string => JSON.stringify(c);

test('conv2d and fused conv2d (bias, every activation) match the cpu backend', async () => {
  assertNative('Conv2D', 'FusedConv2D');
  const rand = makeRng(11);
  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;
  for (let i = 0; i < 28; i++) {
    const c = randomCase(rand, true);
    const xv = randomValues(rand, [c.n, c.h, c.w, c.ci]);
    const fv = randomValues(rand, [c.k, c.k, c.ci, c.co]);
    const bv = randomValues(rand, [c.co]);
    const pv = randomValues(rand, [c.co]);
    const activation = activations[i % activations.length];
    await compareBackends(() => {
      const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
      const f = tf.tensor4d(fv, [c.k, c.k, c.ci, c.co]);
      const plain = tf.conv2d(x, f, c.stride, c.pad, 'NHWC', c.dilation, c.rounding);
      const fused = tf.fused.conv2d({
        x, filter: f, strides: c.stride, pad: c.pad, dilations: c.dilation, dimRoundingMode: c.rounding,
        bias: tf.tensor1d(bv), activation, preluActivationWeights: tf.tensor1d(pv), leakyreluAlpha: 0.15,
      });
      return [plain, fused];
    }, TOLERANCE, `conv2d ${activation} ${describe(c)}`, ['Conv2D', 'FusedConv2D']);
  }
});

test('gradients through conv2d and conv2dTranspose match the cpu backend', async () => {
  assertNative('Conv2DBackpropInput', 'Conv2DBackpropFilter');
  const rand = makeRng(12);
  for (let i = 0; i < 24; i++) {
    const c = randomCase(rand, false);
    const xShape: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
    const fShape: [number, number, number, number] = [c.k, c.k, c.ci, c.co];
    const xv = randomValues(rand, xShape);
    const fv = randomValues(rand, fShape);
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, 1, c.pad, c.rounding);
    const yShape = info.outShape;
    const rv = randomValues(rand, yShape);
    const tv = randomValues(rand, yShape);
    // conv2dTranspose maps [n, outH, outW, co] back to x's shape with filter [k, k, ci, co].
    const padT = typeof c.pad === 'number' ? 'same' : c.pad;
    const infoT = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, 1, padT);
    const tShape = infoT.outShape;
    const tIn = randomValues(rand, tShape);
    const tWeights = randomValues(rand, xShape);
    await compareBackends(() => {
      const x = tf.tensor4d(xv, xShape);
      const f = tf.tensor4d(fv, fShape);
      const r = tf.tensor4d(rv, yShape);
      const convGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad, 'NHWC', 1, c.rounding), r)))([x, f]);
      const fusedGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.fused.conv2d({
        x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: c.stride, pad: c.pad, dimRoundingMode: c.rounding,
        bias: tf.tensor1d(tv.slice(0, c.co)), activation: 'relu',
      }), r)))([x, f]);
      const dyT = tf.tensor4d(tIn, tShape);
      const wT = tf.tensor4d(tWeights, xShape);
      const transposeGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, xShape, c.stride, padT), wT)))([dyT, f]);
      const transposed = tf.conv2dTranspose(dyT, f, xShape, c.stride, padT);
      return [...convGrads, ...fusedGrads, ...transposeGrads, transposed];
    }, TOLERANCE, `conv grads ${describe(c)}`, ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
  }
});

test('wide filters (the blocked transposes between tfjs and ATen filter layouts) match the cpu backend', async () => {
  // The random cases above have at most 4 channels; the filter transposes work in 8 x 16 blocks with a
  // scalar remainder, so these mix whole blocks and remainders in both directions.
  const rand = makeRng(21);
  // The last two, on two threads, split the transposes into tasks (of >= 64K elements) over column blocks.
  const threads = numThreads();
  try {
    for (const [ci, co, k, stride, split] of [[24, 40, 3, 1, 0], [13, 19, 3, 2, 0], [33, 17, 1, 1, 0], [16, 64, 4, 2, 0],
      [64, 136, 3, 1, 1], [72, 50, 4, 2, 1]]) {
      setNumThreads(split ? 2 : threads);
      const xShape: [number, number, number, number] = [2, 9, 9, ci];
      const fShape: [number, number, number, number] = [k, k, ci, co];
      const xv = randomValues(rand, xShape);
      const fv = randomValues(rand, fShape);
      const yShape = tf.backend_util.computeConv2DInfo(xShape, fShape, stride, 1, 'same').outShape;
      const rv = randomValues(rand, yShape);
      await compareBackends(() => {
        const r = tf.tensor4d(rv, yShape);
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same');
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([tf.tensor4d(xv, xShape), tf.tensor4d(fv, fShape)]);
        return [conv(tf.tensor4d(xv, xShape), tf.tensor4d(fv, fShape)), ...grads];
      }, TOLERANCE, `wide conv ${JSON.stringify({ ci, co, k, stride, threads: numThreads() })}`, ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
    }
  } finally {
    setNumThreads(threads);
  }
});

test('a filter updated in place by the fused Adam kernel is convolved with its new values', async () => {
  // The native side keeps each filter's converted layout while the filter is unchanged; Adam writes a
  // variable it holds alone in place (same native tensor), which must count as a change.
  const rand = makeRng(31);
  const xv = randomValues(rand, [1, 9, 9, 8]);
  const fv = randomValues(rand, [3, 3, 8, 16]);
  const gv = randomValues(rand, [3, 3, 8, 16]);
  const convolve = (f: tf.Tensor) => runOn('torch', () => [tf.conv2d(tf.tensor4d(xv, [1, 9, 9, 8]), f as tf.Tensor4D, 1, 'same')]);
  await tf.setBackend('torch');
  const filter = tf.tidy(() => tf.add(tf.tensor4d(fv, [3, 3, 8, 16]), 0));
  const before = await convolve(filter);
  const attrs = { learningRate: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, accBeta1: 0.9, accBeta2: 0.999 };
  const [updated, m, v] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, [filter, tf.tensor4d(gv, [3, 3, 8, 16]),
    tf.zeros([3, 3, 8, 16]), tf.zeros([3, 3, 8, 16])] as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const after = await convolve(updated);
  const updatedValues = updated.dataSync();
  const expected = await runOn('cpu', () => [tf.conv2d(tf.tensor4d(xv, [1, 9, 9, 8]), tf.tensor4d(updatedValues, [3, 3, 8, 16]), 1, 'same')]);
  assertClose(after[0], expected[0], TOLERANCE, 'convolution after the in-place update');
  assert.ok(Math.max(...after[0].map((a, i) => Math.abs(a - before[0][i]))) > 0.1, 'the update changed the filter');
  tf.dispose([m, v, updated]);
});

test('depthwise conv2d (plain, fused, dilated) and its gradients match the cpu backend', async () => {
  assertNative('DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'DepthwiseConv2dNativeBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter');
  const rand = makeRng(13);
  for (let i = 0; i < 16; i++) {
    const c = randomCase(rand, true);
    if (typeof c.pad !== 'string') c.pad = 'same';
    if (c.stride > 1) c.dilation = 1;
    const mult = randInt(rand, 1, 3);
    const xShape: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
    const fShape: [number, number, number, number] = [c.k, c.k, c.ci, mult];
    const xv = randomValues(rand, xShape);
    const fv = randomValues(rand, fShape);
    const bv = randomValues(rand, [c.ci * mult]);
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, c.dilation, c.pad, undefined, true);
    const rv = randomValues(rand, info.outShape);
    await compareBackends(() => {
      const x = tf.tensor4d(xv, xShape);
      const f = tf.tensor4d(fv, fShape);
      const r = tf.tensor4d(rv, info.outShape);
      const outs: tf.Tensor[] = [
        tf.depthwiseConv2d(x, f, c.stride, c.pad as 'same' | 'valid', 'NHWC', c.dilation),
        tf.fused.depthwiseConv2d({ x, filter: f, strides: c.stride, pad: c.pad as 'same' | 'valid',
          dilations: c.dilation, bias: tf.tensor1d(bv), activation: 'relu6' }),
      ];
      if (c.dilation === 1) {
        outs.push(...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(
          a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad as 'same' | 'valid'), r)))([x, f]));
      }
      return outs;
    }, TOLERANCE, `depthwise ${describe(c)} mult ${mult}`, ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D',
      'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']);
  }
});

// tfjs refuses gradients of dilated convolutions, so the dilated backward kernels are checked
// through the adjoint identities <dX, E> = <dy, conv(E, f)> and <dW, E> = <dy, conv(x, E)>
// with the cpu backend's (dilated) forward convolution on the right-hand side.
test('dilated backward kernels are the adjoints of the cpu forward convolution', async () => {
  const rand = makeRng(14);
  for (let i = 0; i < 8; i++) {
    const depthwise = i % 2 === 1;
    const c = randomCase(rand, true);
    c.stride = 1;
    c.dilation = 2;
    c.pad = pick(rand, ['same', 'valid'] as const);
    c.k = Math.min(c.k, Math.floor((Math.min(c.h, c.w) - 1) / 2) + 1);
    const co = depthwise ? c.ci * c.co : c.co;
    const xShape: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
    const fShape: [number, number, number, number] = [c.k, c.k, c.ci, c.co];
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, 1, 2, c.pad, undefined, depthwise);
    const yShape = info.outShape;
    assert.equal(yShape[3], co);
    const xv = randomValues(rand, xShape);
    const fv = randomValues(rand, fShape);
    const dyv = randomValues(rand, yShape);
    const exv = randomValues(rand, xShape);
    const efv = randomValues(rand, fShape);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => (depthwise
      ? tf.depthwiseConv2d(a, b, 1, c.pad as 'same' | 'valid', 'NHWC', 2)
      : tf.conv2d(a, b, 1, c.pad as 'same' | 'valid', 'NHWC', 2));
    const [rhsX, rhsW] = await runOn('cpu', () => {
      const dy = tf.tensor4d(dyv, yShape);
      return [tf.sum(tf.mul(dy, conv(tf.tensor4d(exv, xShape), tf.tensor4d(fv, fShape)))),
        tf.sum(tf.mul(dy, conv(tf.tensor4d(xv, xShape), tf.tensor4d(efv, fShape))))];
    });
    const [lhsX, lhsW] = await runOn('torch', () => {
      const dy = tf.tensor4d(dyv, yShape);
      const attrs = { strides: 1, pad: c.pad, dilations: 2, dataFormat: 'NHWC' };
      const dx = tf.engine().runKernel(depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput',
        { dy, filter: tf.tensor4d(fv, fShape) }, { ...attrs, inputShape: xShape }) as tf.Tensor;
      const dw = tf.engine().runKernel(depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter',
        { x: tf.tensor4d(xv, xShape), dy }, { ...attrs, filterShape: fShape }) as tf.Tensor;
      return [tf.sum(tf.mul(dx, tf.tensor4d(exv, xShape))), tf.sum(tf.mul(dw, tf.tensor4d(efv, fShape)))];
    });
    const label = `dilated ${depthwise ? 'depthwise' : 'conv2d'} ${describe(c)}`;
    assertClose(lhsX, rhsX, 1e-4, `${label} dx`);
    assertClose(lhsW, rhsW, 1e-4, `${label} dw`);
  }
});

test('conv outputs are ordinary NHWC data (a DCGAN-sized step runs natively end to end)', async () => {
  const rand = makeRng(15);
  const xv = randomValues(rand, [4, 14, 14, 16]);
  const fv = randomValues(rand, [5, 5, 8, 16]);
  await compareBackends(() => {
    const x = tf.tensor4d(xv, [4, 14, 14, 16]);
    const f = tf.tensor4d(fv, [5, 5, 8, 16]);
    // Generator-style upsampling followed by a discriminator-style strided conv on the result.
    const up = tf.conv2dTranspose(x, f, [4, 28, 28, 8], 2, 'same');
    const down = tf.conv2d(up, f, 2, 'same');
    return [up, down, tf.reshape(down, [4, -1])];
  }, TOLERANCE, 'dcgan chain', ['Conv2D', 'Conv2DBackpropInput']);
});

test('NCHW convolutions still work (through the counted cpu fallback)', async () => {
  const rand = makeRng(16);
  const xv = randomValues(rand, [2, 3, 7, 6]);
  const fv = randomValues(rand, [3, 3, 3, 4]);
  await compareBackends(() => tf.conv2d(tf.tensor4d(xv, [2, 3, 7, 6]), tf.tensor4d(fv, [3, 3, 3, 4]), 2, 'same', 'NCHW'),
    TOLERANCE, 'conv2d NCHW');
});

test('backward kernels read only the output extent of a larger dy, as tfjs kernels do', async () => {
  const rand = makeRng(17);
  const dyv = randomValues(rand, [1, 8, 8, 3]);
  const fv = randomValues(rand, [3, 3, 2, 3]);
  const xv = randomValues(rand, [1, 4, 4, 2]);
  await compareBackends(() => {
    const dy = tf.tensor4d(dyv, [1, 8, 8, 3]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    return [
      tf.conv2dTranspose(dy, tf.tensor4d(fv, [3, 3, 2, 3]), [1, 4, 4, 2], 1, 'same'),
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, [1, 4, 4, 2]), dy },
        { ...attrs, filterShape: [3, 3, 2, 3] }) as tf.Tensor,
    ];
  }, TOLERANCE, 'large dy', ['Conv2DBackpropInput', 'Conv2DBackpropFilter']);
});
