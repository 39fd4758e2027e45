// instanceNorm's hand-written backward pass (customGrad) and core's MirrorPad gradient (reflectPad2d) against
// the composed tfjs ops they replaced (moments / sub / rsqrt / mul; slice / reverse / concat), whose gradients tfjs's autodiff
// derives: values, first-order gradients for several shapes, paddings and affine on and off, and a
// second-order gradient (a gradient penalty through the layer). On cpu and, where it loads, on torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import { instanceNorm, reflectPad2d } from '../src/index.js';
import { assertClose, tensor } from './tensor-fixtures.js';

const torch = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);
const BACKENDS = torch ? ['cpu', 'torch'] : ['cpu'];

/** The composition instanceNorm used before its customGrad (autodiff derives its gradient). */
function composedInstanceNorm(x: tf.Tensor, epsilon: number, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  if (gamma) y = tf.mul(y, gamma);
  if (beta) y = tf.add(y, beta);
  return y;
}

/** Mirror padding composed from slice, reverse and concat per axis (reflectPad2d's before its own gradient). */
function composedMirrorPad(x: tf.Tensor, paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric'): tf.Tensor {
  const edge = mode === 'reflect' ? 1 : 0;
  return paddings.reduce((t, [before, after], axis) => {
    const n = t.shape[axis];
    const take = (start: number, p: number) => tf.reverse(tf.slice(t, t.shape.map((_, i) => (i === axis ? start : 0)), t.shape.map((s, i) => (i === axis ? p : s))), axis);
    return tf.concat([...(before > 0 ? [take(edge, before)] : []), t, ...(after > 0 ? [take(n - after - edge, after)] : [])], axis);
  }, x);
}
const composedReflectPad = (x: tf.Tensor, rows: number, cols: number) => composedMirrorPad(x, [[0, 0], [rows, rows], [cols, cols], [0, 0]], 'reflect');

type Layer = (x: tf.Tensor, params: tf.Tensor[]) => tf.Tensor;

/** The layer's value, its gradients in x and params of sum(w * y), and the gradient in x of a gradient penalty. */
function probe(layer: Layer, x: tf.Tensor, params: tf.Tensor[], weights: tf.Tensor): tf.Tensor[] {
  const loss = (v: tf.Tensor, ...ps: tf.Tensor[]) => tf.sum(tf.mul(layer(v, ps), weights));
  const firstOrder = tf.grads(loss)([x, ...params]);
  const penalty = (v: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mul(layer(u, params), weights))))(v)));
  return [layer(x, params), ...firstOrder, tf.grad(penalty)(x)];
}

function compare(what: string, fused: Layer, composed: Layer, x: tf.Tensor, params: tf.Tensor[], weights: tf.Tensor): void {
  const got = probe(fused, x, params, weights);
  const want = probe(composed, x, params, weights);
  const names = ['value', 'd x', ...params.map((_, i) => `d param ${i}`), 'd penalty / d x'];
  want.forEach((w, i) => assertClose(got[i], w, `${what}: ${names[i]}`, i === want.length - 1 ? 2e-4 : 2e-5));
}

test('instanceNorm on torch: an image of several kernel chunks gives the same bits on one thread and on two', { skip: !torch }, async () => {
  const { numThreads, setNumThreads } = await import('@gantry/tfjs-backend-torch');
  await tf.setBackend('torch');
  const threads = numThreads();
  // 9,216 rows of 4 channels: two chunks of the native kernels (8,192 rows each at most), split over the threads
  const x = tensor([1, 96, 96, 4], 3, 1.5, 0.7);
  const weights = tensor([1, 96, 96, 4], 5);
  const params = [tensor([4], 7, 0.5, 1), tensor([4], 9, 0.5)];
  const layer: Layer = (v, ps) => instanceNorm(v, 1e-5, ps[0], ps[1]);
  const run = (n: number) => {
    setNumThreads(n);
    return tf.tidy(() => [layer(x, params), ...tf.grads((v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer(v, [g, b]), weights)))([x, ...params])]
      .map((t) => Array.from(t.dataSync())));
  };
  try {
    const [one, two] = [run(1), run(2)];
    one.forEach((values, k) => assert.deepEqual(two[k], values, `output ${k}`));
    compare('[1, 96, 96, 4]', layer, (v, ps) => composedInstanceNorm(v, 1e-5, ps[0], ps[1]), x, params, weights);
  } finally {
    setNumThreads(threads);
  }
});

for (const backend of BACKENDS) {
  test(`instanceNorm on ${backend}: values and gradients (first and second order) as the composed ops, affine off, per channel and per image`, async () => {
    await tf.setBackend(backend);
    for (const [i, shape] of [[2, 5, 6, 3], [1, 4, 4, 1], [3, 8, 3, 5], [2, 1, 7, 2]].entries()) {
      // affine: one gamma and beta per channel ([C]), or per image and channel ([N, 1, 1, C], AdaIN's styles)
      for (const affine of [false, 'channel', 'image'] as const) {
        tf.tidy(() => {
          const x = tensor(shape, 11 + i, 1.5, 0.7);
          const weights = tensor(shape, 31 + i);
          const epsilon = i === 1 ? 1e-3 : 1e-5;
          const paramShape = affine === 'image' ? [shape[0], 1, 1, shape[3]] : [shape[3]];
          const params = affine ? [tensor(paramShape, 51 + i, 0.5, 1), tensor(paramShape, 71 + i, 0.5)] : [];
          const as = (norm: typeof composedInstanceNorm): Layer => (v, ps) => norm(v, epsilon, ps[0], ps[1]);
          compare(`[${shape}] affine ${affine}`, as(instanceNorm), as(composedInstanceNorm), x, params, weights);
        });
      }
    }
    assert.throws(() => instanceNorm(tf.ones([1, 2, 2, 1]), 1e-5, tf.ones([1])), /gamma and beta together/);
  });

  test(`reflectPad2d on ${backend}: values and gradients (first and second order) as slice / reverse / concat`, async () => {
    await tf.setBackend(backend);
    const cases: Array<[number[], number, number]> = [[[2, 5, 6, 3], 1, 1], [[1, 4, 5, 2], 3, 2], [[2, 7, 3, 1], 2, 0], [[1, 6, 6, 2], 0, 3], [[1, 9, 9, 1], 3, 3]];
    for (const [i, [shape, rows, cols]] of cases.entries()) {
      tf.tidy(() => {
        const x = tensor(shape, 91 + i);
        const weights = tensor([shape[0], shape[1] + 2 * rows, shape[2] + 2 * cols, shape[3]], 111 + i);
        compare(`[${shape}] pad ${rows}, ${cols}`, (v) => reflectPad2d(v, [rows, cols]), (v) => composedReflectPad(v, rows, cols), x, [], weights);
      });
    }
  });

  test(`tf.mirrorPad on ${backend}: core's gradient for both modes, uneven paddings and ranks 1 to 4, first and second order`, async () => {
    await tf.setBackend(backend);
    const cases: Array<[number[], Array<[number, number]>, 'reflect' | 'symmetric']> = [
      [[2, 5, 6, 3], [[0, 0], [2, 1], [0, 3], [0, 0]], 'symmetric'], [[4, 5, 3], [[1, 2], [3, 0], [0, 1]], 'reflect'],
      [[3, 4], [[2, 2], [1, 3]], 'symmetric'], [[6], [[5, 4]], 'reflect'], [[2, 3, 3, 2], [[1, 0], [2, 2], [0, 2], [1, 1]], 'reflect'],
    ];
    for (const [i, [shape, paddings, mode]] of cases.entries()) {
      tf.tidy(() => {
        const x = tensor(shape, 131 + i);
        const weights = tensor(shape.map((s, axis) => s + paddings[axis][0] + paddings[axis][1]), 151 + i);
        compare(`[${shape}] ${mode} ${JSON.stringify(paddings)}`, (v) => tf.mirrorPad(v, paddings, mode), (v) => composedMirrorPad(v, paddings, mode), x, [], weights);
      });
    }
  });
}
