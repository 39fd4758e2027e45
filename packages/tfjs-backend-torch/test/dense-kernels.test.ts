// The kernels with a dense-loop fast path (native/src/dense_loops.h: Step, Select, comparisons,
// bool casts) and the Reshape that shares data: edge values (NaN, +-inf, 0, -0), the dense shapes
// that take the loop and the broadcast/int32/strided shapes that take ATen, against the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients

import { setFallbackPolicy, setShapeChecks } from '@gantry/tfjs-backend-torch';
import { assertSameAsCpu, randomValues, seededRandom } from './engine-helpers.js';

const rand = seededRandom(20261124);
const EDGES = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 1, -1, 3.5, -2.25];

/** Values of the given size: the edge values first, then seeded random ones (with repeats for ==). */
function edgeValues(size: number): number[] {
  const random = randomValues(rand, size, 3);
  return Array.from({ length: size }, (_, i) => (i < EDGES.length ? EDGES[i] : i % 7 === 0 ? EDGES[i % EDGES.length] : random[i]));
}

const floats = (shape: number[]): (() => tf.Tensor) => {
  const values = edgeValues(shape.reduce((a, b) => a * b, 1));
  return () => tf.tensor(values, shape);
};
const ints = (shape: number[]): (() => tf.Tensor) => {
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(rand() * 7) - 3);
  return () => tf.tensor(values, shape, 'int32');
};

setShapeChecks(true);
test.beforeEach(() => { setFallbackPolicy('throw'); });
test.afterEach(() => { setFallbackPolicy('allow'); });

test('step: NaN stays NaN, x > 0 is 1, else alpha (float32 dense loop, int32 via ATen)', async () => {
  for (const shape of [[256, 128], [7], []]) {
    const x = floats(shape);
    for (const alpha of [0, 0.2, -1.5]) await assertSameAsCpu(`step ${alpha} [${shape}]`, () => tf.step(x(), alpha), 0);
  }
  const xi = ints([5, 4]);
  await assertSameAsCpu('step int32', () => tf.step(xi(), 0), 0);
  // a strided (transposed) input still goes through ATen
  const x = floats([6, 5]);
  await assertSameAsCpu('step of a transpose', () => tf.step(tf.transpose(x()), 0.3), 0);
});

test('select: same-shape float32/int32 loops, broadcast conditions', async () => {
  const a = floats([64, 33]);
  const b = floats([64, 33]);
  await assertSameAsCpu('where float32', () => tf.where(tf.greater(a(), b()), a(), b()), 0);
  await assertSameAsCpu('where float32 NaN-preserving', () => tf.where(tf.isNaN(a()), a(), tf.neg(b())), 0);
  const ia = ints([10, 3]);
  const ib = ints([10, 3]);
  await assertSameAsCpu('where int32', () => tf.where(tf.less(ia(), ib()), ia(), ib()), 0);
  await assertSameAsCpu('where with a broadcast condition', () => tf.where(tf.greater(tf.slice(a(), [0, 0], [1, 33]), 0), a(), b()), 0);
  await assertSameAsCpu('where scalar', () => tf.where(tf.scalar(true, 'bool'), tf.scalar(NaN), tf.scalar(1)), 0);
});

test('comparisons: float32 against a scalar or same shape (loop), broadcasts and int32 (ATen)', async () => {
  const compares: Array<[string, (a: tf.Tensor, b: tf.Tensor | number) => tf.Tensor]> = [
    ['greater', tf.greater], ['greaterEqual', tf.greaterEqual], ['less', tf.less], ['lessEqual', tf.lessEqual],
    ['equal', tf.equal], ['notEqual', tf.notEqual],
  ];
  const a = floats([40, 17]);
  const b = floats([40, 17]);
  const row = floats([17]);
  for (const [name, fn] of compares) {
    await assertSameAsCpu(`${name} same shape`, () => fn(a(), b()), 0);
    for (const s of [0, -0, 1, NaN, Infinity, -Infinity]) await assertSameAsCpu(`${name} scalar ${s}`, () => fn(a(), s), 0);
    await assertSameAsCpu(`${name} [1,1] against [17]`, () => fn(row(), tf.tensor([[0.5]])), 0);
    await assertSameAsCpu(`${name} broadcast row`, () => fn(a(), row()), 0);
    await assertSameAsCpu(`${name} scalar first`, () => fn(tf.scalar(0.5), a()), 0);
    const ia = ints([9, 4]);
    await assertSameAsCpu(`${name} int32`, () => fn(ia(), 1), 0);
  }
});

test('casts of bool to float32 and int32 (loop) and of other dtypes (ATen)', async () => {
  const x = floats([33, 9]);
  await assertSameAsCpu('bool -> float32', () => tf.cast(tf.greater(x(), 0), 'float32'), 0);
  await assertSameAsCpu('bool -> int32', () => tf.cast(tf.greater(x(), 0), 'int32'), 0);
  await assertSameAsCpu('float32 -> bool', () => tf.cast(x(), 'bool'), 0);
  await assertSameAsCpu('float32 -> int32', () => tf.cast(x(), 'int32'), 0);
  await assertSameAsCpu('transposed bool -> float32', () => tf.cast(tf.transpose(tf.greater(x(), 0)), 'float32'), 0);
});

test('relu and leakyRelu gradients (Step, Select, Greater on every MLP backward pass) match cpu', async () => {
  const x = floats([32, 16]);
  const dy = floats([32, 16]);
  await assertSameAsCpu('relu grad', () => tf.grad((t: tf.Tensor) => tf.relu(t))(x(), dy()), 0);
  await assertSameAsCpu('leakyRelu grad', () => tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.2))(x(), dy()), 0);
});

test('dense loops allocate nothing that outlives their outputs', async () => {
  await tf.setBackend('torch');
  const x = floats([16, 8]);
  const before = tf.memory() as tf.MemoryInfo & { numNativeTensors: number };
  for (let i = 0; i < 5; i++) {
    tf.tidy(() => { tf.step(x()); tf.where(tf.greater(x(), 0), x(), x()); tf.cast(tf.less(x(), 1), 'float32'); });
  }
  const after = tf.memory() as tf.MemoryInfo & { numNativeTensors: number };
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numNativeTensors, before.numNativeTensors);
});

test('gather with int32 indices checked in one loop: rows, 2-D indices, both bad-index ends', async () => {
  const x = floats([50, 4]);
  await assertSameAsCpu('gather rows', () => tf.gather(x(), tf.tensor1d([49, 0, 7, 7, 3], 'int32')), 0);
  await assertSameAsCpu('gather 2-D indices', () => tf.gather(x(), tf.tensor2d([[3, 0], [49, 7]], [2, 2], 'int32')), 0);
  await assertSameAsCpu('gather axis 1', () => tf.gather(x(), tf.tensor1d([3, 1], 'int32'), 1), 0);
  await tf.setBackend('torch');
  assert.throws(() => tf.tidy(() => tf.gather(x(), tf.tensor1d([0, -2, 5], 'int32'))), /GatherV2: the index value -2 is not in \[0, 49\]/);
  assert.throws(() => tf.tidy(() => tf.gather(x(), tf.tensor1d([0, 50], 'int32'))), /GatherV2: the index value 50 is not in \[0, 49\]/);
});

// Kernels of src/kernels/fused.ts (not tfjs kernels: @gantry/core's dense layer and relu gradients call them).
test('GantryDense: activation(x . kernel + bias) for linear and relu, with and without bias; bad inputs name the kernel', async () => {
  await tf.setBackend('torch');
  const x = tf.tensor2d(edgeValues(12).map((v) => (Number.isFinite(v) ? v : 2)), [3, 4]);
  const w = tf.tensor2d(randomValues(rand, 20, 1), [4, 5]);
  const b = tf.tensor1d(randomValues(rand, 5, 1));
  const xs = x.arraySync();
  const ws = w.arraySync();
  const bs = b.arraySync();
  for (const activation of ['linear', 'relu']) {
    for (const withBias of [true, false]) {
      const inputs: tf.NamedTensorMap = withBias ? { x, kernel: w, bias: b } : { x, kernel: w };
      const y = tf.engine().runKernel('GantryDense', inputs, { activation }) as tf.Tensor;
      assert.deepEqual(y.shape, [3, 5]);
      const got = y.arraySync() as number[][];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) {
        let s = withBias ? bs[j] : 0;
        for (let k = 0; k < 4; k++) s += xs[i][k] * ws[k][j];
        const expected = activation === 'relu' ? Math.max(0, s) : s;
        assert.ok(Math.abs(got[i][j] - expected) <= 1e-5 * (1 + Math.abs(expected)), `${activation} bias ${withBias} [${i},${j}]: ${got[i][j]} vs ${expected}`);
      }
      y.dispose();
    }
  }
  assert.throws(() => tf.engine().runKernel('GantryDense', { x, kernel: tf.zeros([3, 5]) }, { activation: 'relu' }),
    /GantryDense: x \[3,4\] and kernel \[3,5\] must be \[n, in\] and \[in, out\]/);
  assert.throws(() => tf.engine().runKernel('GantryDense', { x, kernel: w, bias: tf.zeros([4]) }, { activation: 'relu' }),
    /GantryDense: bias \[4\] must be \[5\]/);
  assert.throws(() => tf.engine().runKernel('GantryDense', { x, kernel: w }, { activation: 'sigmoid' }),
    /GantryDense: activation 'sigmoid' is not one of linear, relu/);
  assert.throws(() => tf.engine().runKernel('GantryDense', { x: tf.cast(x, 'int32'), kernel: w }, { activation: 'relu' }),
    /GantryDense: x must be float32, got int32/);
  tf.dispose([x, w, b]);
});

test('GantryLeakyReluGrad: dy where x > 0, else alpha * dy (edge values, dense loop and strided input)', async () => {
  await tf.setBackend('torch');
  const xv = edgeValues(256 * 3);
  const dyv = randomValues(rand, 256 * 3, 2);
  for (const alpha of [0, 0.2]) {
    const got = tf.tidy(() => (tf.engine().runKernel('GantryLeakyReluGrad', { dy: tf.tensor2d(dyv, [256, 3]), x: tf.tensor2d(xv, [256, 3]) }, { alpha }) as tf.Tensor).dataSync());
    assert.deepEqual(Array.from(got), xv.map((v, i) => (v > 0 ? Math.fround(dyv[i]) : Math.fround(Math.fround(alpha) * Math.fround(dyv[i])))), `alpha ${alpha}`);
    const strided = tf.tidy(() => (tf.engine().runKernel('GantryLeakyReluGrad',
      { dy: tf.transpose(tf.tensor2d(dyv, [256, 3])), x: tf.transpose(tf.tensor2d(xv, [256, 3])) }, { alpha }) as tf.Tensor).dataSync());
    const expected = tf.tidy(() => tf.transpose(tf.tensor2d(xv.map((v, i) => (v > 0 ? dyv[i] : Math.fround(Math.fround(alpha) * Math.fround(dyv[i])))), [256, 3])).dataSync());
    assert.deepEqual(Array.from(strided), Array.from(expected), `strided alpha ${alpha}`);
  }
  assert.throws(() => tf.engine().runKernel('GantryLeakyReluGrad', { dy: tf.zeros([2, 3]), x: tf.zeros([3, 2]) }, { alpha: 0 }),
    /GantryLeakyReluGrad: dy and x/);
});
