// The gradients @gantry/kernels' backprop-gradients.ts adds (this package registers them on import) for kernels of tfjs's own gradients that have
// none in tfjs 4.22 (depthwise conv backprops, Conv2DBackpropFilter, AvgPoolGrad, the resize grads; so
// a gradient penalty through those ops throws), checked by directional derivatives, exact up to
// float32 rounding because each kernel is linear in the input differentiated; then a penalty through
// tf.depthwiseConv2d against the same penalty through an equivalent tf.conv2d (block-diagonal
// filter), whose second derivative tfjs has.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-layers'; // tfjs's own gradients, as a program's imports register them
import * as tf from '@tensorflow/tfjs-core';
import '@gantry/tfjs-backend-torch';

import { seededRandom } from './engine-helpers.js';

const rand = seededRandom(7);
const values = (shape: number[]) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1);
const BACKENDS = ['cpu', 'torch'];
type Shape4 = [number, number, number, number];

// float32 sums of ~20 products of values below 1: rounding stays under 1e-5; a wrong gradient (a
// transposed filter, a wrong stride) is off by order 1.
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])),
      `${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * For f linear in u, d/du sum(f(u) * r) dotted with any direction w is sum(f(w) * r): the directional
 * derivative, exact (central differences with any step give the same). Returns [from the gradient,
 * from f] for a few random directions.
 */
function directional(f: (u: tf.Tensor) => tf.Tensor, u: number[], shape: number[], r: tf.Tensor): [number[], number[]] {
  const grad = tf.tidy(() => tf.grad((v) => tf.sum(tf.mul(f(v), r)))(tf.tensor(u, shape)).dataSync());
  const fromGrad: number[] = [], fromF: number[] = [];
  for (let k = 0; k < 4; k++) {
    const w = values(shape);
    fromGrad.push(w.reduce((s, wi, i) => s + wi * grad[i], 0));
    fromF.push(tf.tidy(() => tf.sum(tf.mul(f(tf.tensor(w, shape)), r)).dataSync()[0]));
  }
  return [fromGrad, fromF];
}

for (const { strides, pad } of [{ strides: 1, pad: 'same' }, { strides: 2, pad: 'valid' }] as const) {
  test(`depthwise backprop kernels' gradients give the exact directional derivatives (strides ${strides}, ${pad})`, async () => {
    const xShape: Shape4 = [1, 5, 5, 2], fShape: Shape4 = [3, 3, 2, 2];
    const attrs = { strides: [strides, strides], pad, dilations: [1, 1], dimRoundingMode: undefined };
    const dyShape = tf.tidy(() => tf.depthwiseConv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, strides, pad).shape);
    const x = values(xShape), filter = values(fShape), dy = values(dyShape), rx = values(xShape), rf = values(fShape);
    const input = (d: tf.Tensor, f: tf.Tensor) => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: d, filter: f },
      { ...attrs, inputShape: xShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const filterGrad = (xx: tf.Tensor, d: tf.Tensor) => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xx, dy: d },
      { ...attrs, filterShape: fShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const t = (v: number[], s: number[]) => tf.tensor(v, s);
      const cases: Array<[string, (u: tf.Tensor) => tf.Tensor, number[], number[], number[]]> = [
        ['BackpropInput d/d(dy)', (u) => input(u, t(filter, fShape)), dy, dyShape, rx],
        ['BackpropInput d/d(filter)', (u) => input(t(dy, dyShape), u), filter, fShape, rx],
        ['BackpropFilter d/dx', (u) => filterGrad(u, t(dy, dyShape)), x, xShape, rf],
        ['BackpropFilter d/d(dy)', (u) => filterGrad(t(x, xShape), u), dy, dyShape, rf],
      ];
      for (const [label, f, u, shape, r] of cases) {
        const rOut = tf.tensor(r, label.startsWith('BackpropInput') ? xShape : fShape);
        const [fromGrad, fromF] = directional(f, u, shape, rOut);
        assertClose(fromGrad, fromF, `${backend} ${label}`);
        rOut.dispose();
      }
    }
  });
}

const kernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

test('Conv2DBackpropFilter\'s gradients give the exact directional derivatives', async () => {
  const xShape: Shape4 = [2, 5, 5, 2], fShape: Shape4 = [3, 3, 2, 3];
  const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: fShape };
  const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, 2, 'same').shape);
  const x = values(xShape), dy = values(dyShape), r = values(fShape);
  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    const rOut = tf.tensor(r, fShape);
    for (const [label, f, u, shape] of [
      ['d/dx', (v: tf.Tensor) => kernel('Conv2DBackpropFilter', { x: v, dy: tf.tensor(dy, dyShape) }, attrs), x, xShape],
      ['d/d(dy)', (v: tf.Tensor) => kernel('Conv2DBackpropFilter', { x: tf.tensor(x, xShape), dy: v }, attrs), dy, dyShape],
    ] as const) {
      const [fromGrad, fromF] = directional(f, [...u], [...shape], rOut);
      assertClose(fromGrad, fromF, `${backend} Conv2DBackpropFilter ${label}`);
    }
    rOut.dispose();
  }
});

for (const pad of ['valid', 'same'] as const) {
  test(`AvgPoolGrad's gradient gives the exact directional derivatives (${pad})`, async () => {
    const xShape: Shape4 = [1, 5, 5, 2];
    const attrs = { filterSize: [3, 3], strides: [2, 2], pad };
    const dyShape = tf.tidy(() => tf.avgPool(tf.zeros(xShape) as tf.Tensor4D, 3, 2, pad).shape);
    const dy = values(dyShape), r = values(xShape);
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const rOut = tf.tensor(r, xShape);
      const [fromGrad, fromF] = directional((v) => kernel('AvgPoolGrad', { dy: v, input: tf.zeros(xShape) }, attrs), dy, dyShape, rOut);
      assertClose(fromGrad, fromF, `${backend} AvgPoolGrad ${pad}`);
      rOut.dispose();
    }
  });
}

// tfjs-backend-cpu's own resize gradients are wrong for some of these (ResizeBilinearGrad swaps height
// and width for non-square images; ResizeNearestNeighborGrad ignores halfPixelCenters), so cpu is
// checked only on the cases its kernels get right; torch's native kernels get all of them right.
const RESIZE_CASES = [
  { forward: 'ResizeNearestNeighbor', alignCorners: false, halfPixelCenters: false, cpu: true },
  { forward: 'ResizeNearestNeighbor', alignCorners: false, halfPixelCenters: true, cpu: false },
  { forward: 'ResizeNearestNeighbor', alignCorners: true, halfPixelCenters: false, cpu: true },
  { forward: 'ResizeBilinear', alignCorners: false, halfPixelCenters: false, cpu: false },
  { forward: 'ResizeBilinear', alignCorners: false, halfPixelCenters: true, cpu: false },
  { forward: 'ResizeBilinear', alignCorners: true, halfPixelCenters: false, cpu: false },
] as const;
for (const { forward, alignCorners, halfPixelCenters, cpu } of RESIZE_CASES) {
  test(`${forward}Grad's gradient gives the exact directional derivatives (alignCorners ${alignCorners}, halfPixelCenters ${halfPixelCenters})`, async () => {
    const imagesShape: Shape4 = [1, 3, 4, 2], dyShape: Shape4 = [1, 7, 6, 2];
    const attrs = { alignCorners, halfPixelCenters, size: [7, 6] };
    const dy = values(dyShape), r = values(imagesShape);
    for (const backend of cpu ? BACKENDS : ['torch']) {
      await tf.setBackend(backend);
      const rOut = tf.tensor(r, imagesShape);
      const [fromGrad, fromF] = directional((v) => kernel(`${forward}Grad`, { images: tf.zeros(imagesShape), dy: v }, attrs), dy, dyShape, rOut);
      assertClose(fromGrad, fromF, `${backend} ${forward}Grad`);
      rOut.dispose();
    }
  });
}

test('a gradient penalty through tf.depthwiseConv2d equals the one through the equivalent tf.conv2d', async () => {
  const c = 3, xShape = [2, 6, 6, c], fShape = [3, 3, c, 1];
  const x = values(xShape), filter = values(fShape);
  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    const penalty = (conv: (xx: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor) => tf.tidy(() =>
      tf.grad((f) => tf.sum(tf.square(tf.grad((xx) => tf.mean(tf.square(conv(xx as tf.Tensor4D, f as tf.Tensor4D))))(tf.tensor(x, xShape)))))(
        tf.tensor(filter, fShape)).dataSync());
    const depthwise = penalty((xx, f) => tf.depthwiseConv2d(xx, f, 1, 'same'));
    // channel multiplier 1: the same as a conv2d whose [c, c] filter slice is diagonal
    const dense = penalty((xx, f) => tf.conv2d(xx, tf.mul(f, tf.eye(c)) as tf.Tensor4D, 1, 'same'));
    assertClose(depthwise, dense, `${backend} penalty`);
  }
});
