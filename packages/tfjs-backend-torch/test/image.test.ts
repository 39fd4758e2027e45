// Resize kernels on the torch backend: forwards against the cpu backend for every sampling mode,
// gradients against the cpu backend where its kernels are exact, and against the adjoint identity
// <dX, E> = <dy, resize(E)> (cpu forward on the right) everywhere, halfPixelCenters included.
import { test } from 'node:test';

import {
  TOLERANCE, assertClose, assertNative, compareBackends, makeRng, randInt, randomValues, runOn, tf,
} from './conv-compare.js';

const MODES = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: true, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
] as const;

type Resize = (x: tf.Tensor4D, size: [number, number], align: boolean, half: boolean) => tf.Tensor4D;
const resizers: [string, Resize][] = [
  ['bilinear', (x, size, align, half) => tf.image.resizeBilinear(x, size, align, half)],
  ['nearest', (x, size, align, half) => tf.image.resizeNearestNeighbor(x, size, align, half)],
];

function randomSizes(rand: () => number): { shape: [number, number, number, number]; size: [number, number] } {
  return {
    shape: [randInt(rand, 1, 2), randInt(rand, 1, 7), randInt(rand, 1, 7), randInt(rand, 1, 3)],
    size: [randInt(rand, 1, 13), randInt(rand, 1, 13)],
  };
}

test('resizeBilinear and resizeNearestNeighbor match the cpu backend in every sampling mode', async () => {
  assertNative('ResizeBilinear', 'ResizeNearestNeighbor');
  const rand = makeRng(41);
  for (let i = 0; i < 24; i++) {
    const { shape, size } = randomSizes(rand);
    const mode = MODES[i % MODES.length];
    const xv = randomValues(rand, shape);
    await compareBackends(() => resizers.map(([, resize]) =>
      resize(tf.tensor4d(xv, shape), size, mode.alignCorners, mode.halfPixelCenters)),
    TOLERANCE, `resize ${JSON.stringify({ shape, size, mode })}`, ['ResizeBilinear', 'ResizeNearestNeighbor']);
  }
});

test('resize gradients match the cpu backend (square images, no half-pixel centers)', async () => {
  assertNative('ResizeBilinearGrad', 'ResizeNearestNeighborGrad');
  const rand = makeRng(42);
  for (let i = 0; i < 16; i++) {
    // tfjs's cpu ResizeBilinearGrad labels its output [n, w, h, c] and its ResizeNearestNeighborGrad
    // offsets dy's batches by the image's batch stride: only square single images compare.
    // (Its nearest-neighbour gradient also loops forever on a 1-pixel image with alignCorners.)
    const side = randInt(rand, 2, 7);
    const shape: [number, number, number, number] = [1, side, side, randInt(rand, 1, 3)];
    const outSide = randInt(rand, 1, 15);
    const size: [number, number] = [outSide, outSide];
    const align = i % 2 === 1;
    const xv = randomValues(rand, shape);
    const rv = randomValues(rand, [shape[0], outSide, outSide, shape[3]]);
    await compareBackends(() => resizers.map(([, resize]) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(
      resize(a as tf.Tensor4D, size, align, false), tf.tensor4d(rv, [shape[0], outSide, outSide, shape[3]]))))(
      tf.tensor4d(xv, shape))),
    TOLERANCE, `resize grads ${JSON.stringify({ shape, size, align })}`, ['ResizeBilinearGrad', 'ResizeNearestNeighborGrad']);
  }
});

test('resize gradients are the adjoints of the cpu forward resize in every mode', async () => {
  const rand = makeRng(43);
  for (let i = 0; i < 18; i++) {
    const { shape, size } = randomSizes(rand);
    const mode = MODES[i % MODES.length];
    const yShape: [number, number, number, number] = [shape[0], size[0], size[1], shape[3]];
    const dyv = randomValues(rand, yShape);
    const ev = randomValues(rand, shape);
    const rhs = await runOn('cpu', () => resizers.map(([, resize]) => tf.sum(tf.mul(tf.tensor4d(dyv, yShape),
      resize(tf.tensor4d(ev, shape), size, mode.alignCorners, mode.halfPixelCenters)))));
    const lhs = await runOn('torch', () => ['ResizeBilinearGrad', 'ResizeNearestNeighborGrad'].map((kernel) => {
      const dx = tf.engine().runKernel(kernel, { images: tf.tensor4d(ev, shape), dy: tf.tensor4d(dyv, yShape) },
        { ...mode }) as tf.Tensor;
      return tf.sum(tf.mul(dx, tf.tensor4d(ev, shape)));
    }));
    resizers.forEach(([name], k) =>
      assertClose(lhs[k], rhs[k], 1e-4, `${name} adjoint ${JSON.stringify({ shape, size, mode })}`));
  }
});
