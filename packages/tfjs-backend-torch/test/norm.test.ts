// FusedBatchNorm (tfjs's batchNorm kernel) on the torch backend against the cpu backend, forward
// and the gradients tfjs composes from it, for ranks 2-4 and optional scale/offset.
import { test } from 'node:test';

import { TOLERANCE, assertNative, compareBackends, makeRng, randInt, randomValues, tf } from './conv-compare.js';

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
