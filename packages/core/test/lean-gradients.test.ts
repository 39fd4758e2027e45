// gantry's cast-free gradients of Multiply, RealDiv, Log and Square: the closed forms' numbers (broadcast
// operands summed back, int operands, second order), and no Cast kernel left for float32 operands.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { LEAN_GRADIENT_KERNELS } from '../src/index.js';

await tf.setBackend('cpu');

const A = [[0.5, -1.5, 2, 3], [1, 0.25, -2, 4], [-0.75, 2.5, 1.5, -1]];
const B = [2, -0.5, 4, 1.25];
const W = A.map((row, i) => row.map((_, j) => 1 + 0.1 * i - 0.2 * j));

const map2 = (f: (i: number, j: number) => number) => A.map((row, i) => row.map((_, j) => f(i, j)));
const colSum = (m: number[][]) => m[0].map((_, j) => m.reduce((s, row) => s + row[j], 0));
const total = (m: number[][]) => m.flat().reduce((s, v) => s + v, 0);

function close(actual: tf.Tensor, expected: number | number[] | number[][], what: string): void {
  const want = tf.tensor(expected);
  assert.deepEqual(actual.shape, want.shape, `${what}: shape`);
  const [got, exp] = [actual.dataSync(), want.dataSync()];
  exp.forEach((e, k) => assert.ok(Math.abs(got[k] - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${what}[${k}]: ${got[k]} vs ${e}`));
}

test('Multiply and RealDiv: both operands\' gradients, broadcast operands summed back, as the closed forms', () => {
  tf.tidy(() => {
    const [a, b, w] = [tf.tensor2d(A), tf.tensor1d(B), tf.tensor2d(W)];
    const [gaMul, gbMul] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, tf.mul(x, y))))([a, b]);
    close(gaMul, map2((i, j) => W[i][j] * B[j]), 'mul da');
    close(gbMul, colSum(map2((i, j) => W[i][j] * A[i][j])), 'mul db');
    const [gaDiv, gbDiv] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, tf.div(x, y))))([a, b]);
    close(gaDiv, map2((i, j) => W[i][j] / B[j]), 'div da');
    close(gbDiv, colSum(map2((i, j) => -W[i][j] * A[i][j] / B[j] ** 2)), 'div db');
    const s = tf.scalar(3);
    close(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, tf.mul(a, x))))(s), total(map2((i, j) => W[i][j] * A[i][j])), 'mul scalar');
    close(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, tf.div(a, x))))(s), total(map2((i, j) => -W[i][j] * A[i][j] / 9)), 'div scalar');
  });
});

test('an int32 operand is cast for the gradient, as in tfjs', () => {
  tf.tidy(() => {
    const n = tf.tensor1d([2, -3, 4, 1], 'int32');
    const a = tf.tensor2d(A);
    close(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, n)))(a), map2((_, j) => [2, -3, 4, 1][j]), 'mul by int');
    close(tf.grad((x: tf.Tensor) => tf.sum(tf.div(x, n)))(a), map2((_, j) => 1 / [2, -3, 4, 1][j]), 'div by int');
  });
});

test('Log and Square, and second derivatives through all four', () => {
  tf.tidy(() => {
    const x = tf.tensor2d(A.map((row) => row.map(Math.abs)));
    const w = tf.tensor2d(W);
    const absA = A.map((row) => row.map(Math.abs));
    close(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.log(v))))(x), map2((i, j) => W[i][j] / absA[i][j]), 'log');
    close(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.square(v))))(x), map2((i, j) => 2 * W[i][j] * absA[i][j]), 'square');
    // d/dx sum(d/dx sum(w log x)) = -w / x^2 ; for square: 2w ; for x / b (b = B): d/db of sum(d/dx) = -sum_i w / b^2
    const logFirst = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.log(v))));
    close(tf.grad((v: tf.Tensor) => tf.sum(logFirst(v)))(x), map2((i, j) => -W[i][j] / absA[i][j] ** 2), 'log second');
    const squareFirst = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.square(v))));
    close(tf.grad((v: tf.Tensor) => tf.sum(squareFirst(v)))(x), map2((i, j) => 2 * W[i][j]), 'square second');
    const b = tf.tensor1d(B);
    const divFirstA = (y: tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.div(v, y))))(x);
    close(tf.grad((y: tf.Tensor) => tf.sum(divFirstA(y)))(b), colSum(map2((i, j) => -W[i][j] / B[j] ** 2)), 'div second (a then b)');
    const mulFirstA = (y: tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.mul(v, y))))(x);
    close(tf.grad((y: tf.Tensor) => tf.sum(mulFirstA(y)))(b), colSum(W), 'mul second (a then b)');
  });
});

test('no Cast kernel in these gradients for float32 operands', async () => {
  assert.deepEqual([...LEAN_GRADIENT_KERNELS].sort(), ['Log', 'Multiply', 'RealDiv', 'Square']);
  const a = tf.tensor2d(A);
  const b = tf.tensor1d(B);
  const profile = await tf.profile(() => {
    tf.dispose(tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.log(tf.add(tf.square(tf.div(tf.mul(x, y), y)), 1))))([a, b]));
  });
  const names = profile.kernels.map((k) => k.name);
  assert.ok(names.includes('RealDiv') && names.includes('Multiply'), names.join(', '));
  assert.ok(!names.includes('Cast'), `kernels: ${names.join(', ')}`);
  tf.dispose([a, b]);
});
