// FusedBatchNorm (tfjs's batchNorm kernel) on the torch backend against the cpu backend, forward
// and the gradients tfjs composes from it, for ranks 2-4 and optional scale/offset; GAN-TTS's conditional
// batch norm + ReLU kernels against the same math in plain tfjs ops on the cpu backend (tf.grads for the
// gradient kernel).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import {
  CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL, CONDITIONAL_BATCH_NORM_RELU_KERNEL,
} from '@gantry/kernels';

import { TOLERANCE, assertNative, compareBackends, makeRng, randInt, randomValues, runOn, tf } from './conv-compare.js';

test('batchNorm forward and gradients match the cpu backend', async () => {
  assertNative('FusedBatchNorm');
  const rand = makeRng(31);
  for (let i = 0; i < 16; i++) {
    const rank = randInt(rand, 2, 4);
    const shape = Array.from({ length: rank }, () => randInt(rand, 1, 6));
    const c = shape[rank - 1];
    const xv = randomValues(rand, shape);
    const mv = randomValues(rand, [c]);
    const vv = Float32Array.from(randomValues(rand, [c]), (v) => v * v + 0.1);
    const ov = randomValues(rand, [c]);
    const sv = randomValues(rand, [c]);
    const rv = randomValues(rand, shape);
    const withScale = i % 3 !== 1;
    const withOffset = i % 3 !== 2;
    const epsilon = i % 2 === 0 ? 1e-3 : 1e-5;
    await compareBackends(() => {
      const x = tf.tensor(xv, shape);
      const mean = tf.tensor1d(mv);
      const variance = tf.tensor1d(vv);
      const offset = withOffset ? tf.tensor1d(ov) : undefined;
      const scale = withScale ? tf.tensor1d(sv) : undefined;
      const r = tf.tensor(rv, shape);
      const y = tf.batchNorm(x, mean, variance, offset, scale, epsilon);
      // tfjs's batchNorm gradient fails on every backend when scale or offset is absent.
      if (!withScale || !withOffset) return [y];
      const grads = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(a, m, v, offset, scale, epsilon), r)))([x, mean, variance]);
      return [y, ...grads];
    }, TOLERANCE, `batchNorm ${JSON.stringify({ shape, withScale, withOffset, epsilon })}`, ['FusedBatchNorm']);
  }
});

test('batchNorm keeps float32 accuracy when the mean is large against the spread', async () => {
  const rand = makeRng(32);
  const shape = [8, 5, 3];
  const xv = Float32Array.from(randomValues(rand, shape), (v) => 1000 + v);
  await compareBackends(() => tf.batchNorm(tf.tensor(xv, shape), tf.tensor1d([1000, 1000.5, 999.5]),
    tf.tensor1d([0.3, 0.3, 0.3]), tf.tensor1d([0, 1, 2]), tf.tensor1d([1, 2, 3]), 1e-3),
  TOLERANCE, 'batchNorm large mean', ['FusedBatchNorm']);
});

test('batchNorm with rank-matching (broadcast) parameters matches the cpu backend', async () => {
  const rand = makeRng(33);
  const shape = [2, 3, 4, 5];
  const xv = randomValues(rand, shape);
  const mv = randomValues(rand, [1, 1, 1, 5]);
  const vv = Float32Array.from(randomValues(rand, [1, 1, 1, 5]), (v) => v * v + 0.5);
  await compareBackends(() => tf.batchNorm(tf.tensor(xv, shape), tf.tensor(mv, [1, 1, 1, 5]),
    tf.tensor(vv, [1, 1, 1, 5]), tf.tensor(mv, [1, 1, 1, 5]), tf.tensor(vv, [1, 1, 1, 5])),
  TOLERANCE, 'batchNorm rank-4 params', ['FusedBatchNorm']);
});

/** The conditional batch norm + ReLU in plain tfjs ops: [y, mean, variance] (what the kernel promises). */
function composedConditionalNorm(x: tf.Tensor, params: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const c = gamma.shape[0];
  const perExample = [x.shape[0], ...x.shape.slice(1, -1).map(() => 1), c];
  const [g, h] = tf.split(params, 2, 1);
  const normed = tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon))));
  const y = tf.relu(tf.add(tf.mul(tf.add(normed, beta), tf.reshape(tf.add(g, 1), perExample)), tf.reshape(h, perExample)));
  return [y, mean, variance];
}

test('conditional batch norm + ReLU kernels match plain tfjs ops (values, batch statistics, tf.grads) to 1e-5', async () => {
  assertNative(CONDITIONAL_BATCH_NORM_RELU_KERNEL, CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL);
  const rand = makeRng(34);
  const shapes = [[8, 1, 300, 16], [1, 1, 5, 1], [3, 7, 2], [4, 1, 9, 5], [2, 3], [5, 2, 2, 3], [6, 1, 1, 4]];
  for (const [i, shape] of shapes.entries()) {
    const c = shape[shape.length - 1];
    // an offset and a spread per channel, so that the statistics matter
    const xv = randomValues(rand, shape).map((v, j) => 3 * v * (1 + (j % c)) + (j % c) - 1);
    const latent = 1 + (i % 3);
    const zv = randomValues(rand, [shape[0], latent]);
    const kv = randomValues(rand, [latent, 2 * c]).map((v) => 0.5 * v);
    const biasv = randomValues(rand, [2 * c]).map((v) => 0.5 * v);
    const gv = randomValues(rand, [c]).map((v) => v + 1.2);
    const bv = randomValues(rand, [c]);
    const dv = randomValues(rand, shape);
    const epsilon = i % 2 === 0 ? 1e-3 : 1e-5;
    const mv = randomValues(rand, [c]);
    const vv = randomValues(rand, [c]).map((v) => v * v + 0.5);
    const momentum = i % 2 === 0 ? 0.9 : 0.99;
    const tensors = () => [tf.tensor(xv, shape), tf.tensor2d(zv, [shape[0], latent]), tf.tensor2d(kv, [latent, 2 * c]), tf.tensor1d(biasv),
      tf.tensor1d(gv), tf.tensor1d(bv), tf.tensor1d(mv), tf.tensor1d(vv)];
    const expected = await runOn('cpu', () => {
      const [x, z, kernel, bias, gamma, beta, movingMean, movingVariance] = tensors();
      const dy = tf.tensor(dv, shape);
      const norm = (a: tf.Tensor, zz: tf.Tensor, k: tf.Tensor, b: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor) =>
        composedConditionalNorm(a, tf.add(tf.matMul(zz, k), b), gm, bt, epsilon);
      const grads = tf.grads((a: tf.Tensor, zz: tf.Tensor, k: tf.Tensor, b: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor) =>
        tf.sum(tf.mul(norm(a, zz, k, b, gm, bt)[0], dy)))([x, z, kernel, bias, gamma, beta]);
      const [y, mean, variance] = norm(x, z, kernel, bias, gamma, beta);
      // tfjs-layers' BatchNormalization's update
      const moved = [[movingMean, mean], [movingVariance, variance]].map(([m, b]) => tf.sub(m, tf.mul(tf.sub(m, b), 1 - momentum)));
      return [y, mean, variance, ...moved, ...grads];
    });
    const actual = await runOn('torch', () => {
      const [x, z, kernel, bias, gamma, beta, movingMean, movingVariance] = tensors();
      const dy = tf.tensor(dv, shape);
      const forward = tf.engine().runKernel(CONDITIONAL_BATCH_NORM_RELU_KERNEL,
        { x, z, kernel, bias, gamma, beta, movingMean, movingVariance }, { epsilon, momentum }) as tf.Tensor[];
      const [y, mean, variance] = forward;
      const grads = tf.engine().runKernel(CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL,
        { dy, x, y, z, kernel, bias, gamma, beta, mean, variance }, { epsilon }) as tf.Tensor[];
      assert.deepEqual([...forward, ...grads].map((t) => t.shape),
        [shape, [c], [c], [c], [c], shape, [shape[0], latent], [latent, 2 * c], [2 * c], [c], [c]]);
      return [...forward, ...grads];
    });
    // error within 1e-5 of max(1, the largest value): with two samples per channel ([2, 3]) dx is ~1e-4, all cancellation
    ['y', 'mean', 'variance', 'moving mean', 'moving variance', 'dx', 'dz', 'dKernel', 'dBias', 'dGamma', 'dBeta'].forEach((what, k) => {
      const scale = Math.max(1, ...expected[k].map(Math.abs));
      const worst = Math.max(...actual[k].map((v, j) => Math.abs(v - expected[k][j])));
      assert.ok(worst <= 1e-5 * scale, `${what} for x [${shape}], epsilon ${epsilon}: off by ${worst} (largest value ${scale})`);
    });
  }
});

test('conditional batch norm + ReLU kernels refuse mismatched shapes and dtypes', async () => {
  await tf.setBackend('torch');
  const run = (x: tf.Tensor, kernel: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, moving = tf.ones([4]), attrs = { epsilon: 1e-3, momentum: 0.9 }) => tf.tidy(() =>
    tf.engine().runKernel(CONDITIONAL_BATCH_NORM_RELU_KERNEL,
      { x, z: tf.ones([2, 3]), kernel, bias: tf.ones([8]), gamma, beta, movingMean: moving, movingVariance: moving }, attrs));
  const x = tf.ones([2, 1, 3, 4]);
  const [params, ones] = [tf.ones([3, 8]), tf.ones([4])];
  assert.doesNotThrow(() => run(x, params, ones, ones));
  assert.throws(() => run(x, tf.ones([3, 4]), ones, ones), /kernel has shape \[3, 4\], expected \[3, 8\]/);
  assert.throws(() => run(x, params, tf.ones([3]), ones), /gamma has shape \[3\], expected \[4\]/);
  assert.throws(() => run(x, params, ones, ones, tf.ones([5])), /movingMean has shape \[5\], expected \[4\]/);
  assert.throws(() => run(tf.ones([2, 1, 3, 4], 'int32'), params, ones, ones), /x must be float32/);
  assert.throws(() => run(tf.ones([5, 1, 3, 4]), params, ones, ones), /z has shape \[2, 3\], expected \[5, 3\]/);
  assert.throws(() => run(x, params, ones, ones, ones, { epsilon: 1e-3 } as { epsilon: number; momentum: number }), /attr momentum must be a number in \[0, 1\]/);
  assert.throws(() => run(x, params, ones, ones, ones, { momentum: 0.9 } as { epsilon: number; momentum: number }), /attr epsilon must be a number/);
});

test('GANTRY_DISABLE_KERNELS leaves the named kernels unregistered (the A/B switch for the conditional batch norm)', () => {
  const script = "import('@gantry/tfjs-backend-torch').then((m) => console.log(JSON.stringify(m.nativeKernels().filter((k) => k.includes('ConditionalBatchNorm')))))";
  const run = (disable: string) => JSON.parse(execFileSync(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', '--input-type=module', '-e', script],
    { env: { ...process.env, GANTRY_DISABLE_KERNELS: disable }, encoding: 'utf8' }).trim().split('\n').pop()!) as string[];
  assert.deepEqual(run(''), [CONDITIONAL_BATCH_NORM_RELU_KERNEL, CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL]);
  assert.deepEqual(run(` ${CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL}, Nonexistent`), [CONDITIONAL_BATCH_NORM_RELU_KERNEL]);
});
