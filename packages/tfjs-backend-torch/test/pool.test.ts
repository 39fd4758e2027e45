// Pooling kernels on the torch backend against tfjs's cpu backend, forward and gradients, over
// random shapes, window sizes, strides and 'same'/'valid'/explicit/rounded padding.
import { test } from 'node:test';

import {
  TOLERANCE, assertNative, compareBackends, makeRng, pick, randInt, randomValues, runOn, tf,
} from './conv-compare.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

test('maxPool and avgPool with their gradients match the cpu backend', async () => {
  assertNative('MaxPool', 'AvgPool', 'MaxPoolGrad', 'AvgPoolGrad');
  const rand = makeRng(21);
  for (let i = 0; i < 30; i++) {
    const n = randInt(rand, 1, 2);
    const h = randInt(rand, 2, 11);
    const w = randInt(rand, 2, 11);
    const c = randInt(rand, 1, 5);
    const k = randInt(rand, 1, Math.min(4, h, w));
    const stride = randInt(rand, 1, 3);
    const kind = pick(rand, ['same', 'same', 'valid', 'valid', 'explicit', 'number'] as const);
    let pad: Pad = kind === 'same' || kind === 'valid' ? kind : 0;
    let rounding: 'floor' | 'ceil' | 'round' | undefined;
    if (kind === 'explicit') {
      // tfjs keeps explicit pads below the window so that no window is all padding.
      const p = () => randInt(rand, 0, k - 1);
      pad = [[0, 0], [p(), p()], [p(), p()], [0, 0]];
    } else if (kind === 'number') {
      pad = randInt(rand, 0, Math.floor((k - 1) / 2));
      rounding = pick(rand, ['floor', 'ceil', 'round'] as const);
    }
    const shape: [number, number, number, number] = [n, h, w, c];
    const xv = randomValues(rand, shape);
    const info = tf.backend_util.computePool2DInfo(shape, k, stride, 1, pad, rounding);
    const rv = randomValues(rand, info.outShape);
    const label = JSON.stringify({ shape, k, stride, pad, rounding });
    await compareBackends(() => {
      const x = tf.tensor4d(xv, shape);
      const r = tf.tensor4d(rv, info.outShape);
      const max = tf.maxPool(x, k, stride, pad, rounding);
      const avg = tf.avgPool(x, k, stride, pad, rounding);
      // tfjs's pooling gradients drop dimRoundingMode (the cpu kernel then reads past dy), so
      // gradients are compared where no rounding mode is given.
      if (rounding !== undefined) return [max, avg];
      const dMax = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, stride, pad), r)))(x);
      const dAvg = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, k, stride, pad), r)))(x);
      return [max, avg, dMax, dAvg];
    }, TOLERANCE, label, ['MaxPool', 'AvgPool', 'MaxPoolGrad', 'AvgPoolGrad']);
    if (rounding !== undefined) {
      // Our gradient kernels follow dy's shape: with a rounding mode they still produce x's shape.
      await runOn('torch', () => tf.grad((a: tf.Tensor) =>
        tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, k, stride, pad, rounding), tf.tensor4d(rv, info.outShape))))(
        tf.tensor4d(xv, shape)));
    }
  }
});

test('maxPool gradient goes to the first maximum of a window with ties, as on cpu', async () => {
  const rand = makeRng(22);
  // Values from a tiny set make ties within windows common.
  const shape: [number, number, number, number] = [2, 7, 6, 3];
  const xv = Float32Array.from(randomValues(rand, shape), (v) => Math.round(v * 2));
  const rv = randomValues(rand, [2, 4, 3, 3]);
  await compareBackends(() => tf.grad((a: tf.Tensor) =>
    tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'), tf.tensor4d(rv, [2, 4, 3, 3]))))(tf.tensor4d(xv, shape)),
  TOLERANCE, 'maxPool ties', ['MaxPoolGrad']);
});

test('maxPool skips NaN like the cpu backend, and a 1x1 pool passes NaN through', async () => {
  const xv = Float32Array.from([1, 2, 3, 4, 5, 6, 7, NaN, 9, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN]);
  const rv = Float32Array.from([1, -2, 3, 0.5, 1, 1, 1, 1]);
  await compareBackends(() => {
    const x = tf.tensor4d(xv, [2, 3, 3, 1]);
    return [tf.maxPool(x, 2, 1, 'valid'), tf.maxPool(x, 1, 1, 'valid'),
      tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 1, 'valid'), tf.tensor4d(rv, [2, 2, 2, 1]))))(x)];
  }, TOLERANCE, 'maxPool NaN', ['MaxPool', 'MaxPoolGrad']);
});
