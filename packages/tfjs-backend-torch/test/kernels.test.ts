// Native kernels against the cpu backend on randomized shapes and values (seeded), forward and
// gradients; plus error reporting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients

import { MIRROR_PAD_GRAD_KERNEL } from '@gantry/kernels';
import { fallbackCounts, resetFallbackCounts, setFallbackPolicy, setShapeChecks } from '@gantry/tfjs-backend-torch';
import { assertSameAsCpu, randomShape, randomValues, seededRandom } from './engine-helpers.js';

const rand = seededRandom(20261123);

function randomTensor(shape: number[], scale = 2): tf.Tensor {
  return tf.tensor(randomValues(rand, shape.reduce((a, b) => a * b, 1), scale), shape);
}

/** Fixed inputs per trial: created as plain arrays so both backends see the same numbers. */
function fixture(shape: number[], scale = 2): () => tf.Tensor {
  const values = randomValues(rand, shape.reduce((a, b) => a * b, 1), scale);
  return () => tf.tensor(values, shape);
}

function intFixture(shape: number[], low: number, high: number): () => tf.Tensor {
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => low + Math.floor(rand() * (high - low)));
  return () => tf.tensor(values, shape, 'int32');
}

// Every native kernel must run without the cpu fallback, and report exactly the shape ATen produced.
setShapeChecks(true);
test.beforeEach(() => { setFallbackPolicy('throw'); });
test.afterEach(() => { setFallbackPolicy('allow'); });

test('unary math and activations match cpu', async () => {
  const unary: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
    ['abs', tf.abs], ['neg', tf.neg], ['square', tf.square], ['exp', tf.exp], ['log1p', (x) => tf.log1p(tf.abs(x))],
    ['log', (x) => tf.log(tf.abs(x))], ['sqrt', (x) => tf.sqrt(tf.abs(x))], ['rsqrt', (x) => tf.rsqrt(tf.abs(x))],
    ['relu', tf.relu], ['relu6', (x) => tf.relu6(tf.mul(x, 4))], ['leakyRelu', (x) => tf.leakyRelu(x, 0.2)],
    ['tanh', tf.tanh], ['sigmoid', tf.sigmoid], ['softplus', (x) => tf.softplus(tf.mul(x, 10))], ['elu', tf.elu],
    ['selu', tf.selu], ['step', (x) => tf.step(x, 0.3)], ['floor', tf.floor], ['ceil', tf.ceil], ['round', (x) => tf.round(tf.mul(x, 2))],
    ['sign', tf.sign], ['sin', tf.sin], ['cos', tf.cos], ['erf', tf.erf], ['expm1', tf.expm1], ['reciprocal', tf.reciprocal],
    ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.7)], ['isNaN', (x) => tf.isNaN(tf.log(x))],
    ['softmax', (x) => tf.softmax(x)], ['cast int', (x) => tf.cast(tf.mul(x, 3), 'int32')], ['cast bool', (x) => tf.cast(tf.round(x), 'bool')],
  ];
  for (let trial = 0; trial < 3; trial++) {
    const x = fixture(randomShape(rand, 1 + trial));
    for (const [name, fn] of unary) await assertSameAsCpu(`${name} trial ${trial}`, () => fn(x()), 2e-5);
  }
});

test('binary arithmetic with broadcasting, comparisons and logic match cpu', async () => {
  const binary: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
    ['pow', (a, b) => tf.pow(tf.abs(a), b)], ['squaredDifference', tf.squaredDifference], ['floorDiv', tf.floorDiv], ['mod', tf.mod],
    ['greater', tf.greater], ['greaterEqual', tf.greaterEqual], ['less', tf.less], ['lessEqual', tf.lessEqual],
    ['equal', (a, b) => tf.equal(tf.round(a), tf.round(b))], ['notEqual', (a, b) => tf.notEqual(tf.round(a), tf.round(b))],
    ['logicalAnd', (a, b) => tf.logicalAnd(tf.greater(a, 0), tf.greater(b, 0))],
    ['logicalOr', (a, b) => tf.logicalOr(tf.greater(a, 0), tf.greater(b, 0))],
    ['where', (a, b) => tf.where(tf.greater(a, b), a, b)], ['atan2', tf.atan2],
  ];
  for (let trial = 0; trial < 4; trial++) {
    const shape = randomShape(rand, 1 + (trial % 3) + 1);
    const other = shape.map((d) => (rand() < 0.4 ? 1 : d)).slice(Math.floor(rand() * 2));
    const a = fixture(shape), b = fixture(other);
    for (const [name, fn] of binary) await assertSameAsCpu(`${name} [${shape}] vs [${other}]`, () => fn(a(), b()), 2e-5);
  }
  const ia = intFixture([3, 4], -20, 20), ib = intFixture([4], 1, 7);
  for (const [name, fn] of [['int add', tf.add], ['int sub', tf.sub], ['int mul', tf.mul], ['int floorDiv', tf.floorDiv],
    ['int div', tf.div], ['int mod', tf.mod], ['int maximum', tf.maximum]] as const) {
    await assertSameAsCpu(name, () => fn(ia(), ib()));
  }
});

test('reductions, argmax and cumulative ops match cpu', async () => {
  for (let trial = 0; trial < 4; trial++) {
    const rank = 1 + (trial % 3) + 1;
    const shape = randomShape(rand, rank);
    const x = fixture(shape);
    const axis = Math.floor(rand() * rank);
    const ops: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
      ['sum', () => tf.sum(x(), axis)], ['sum all', () => tf.sum(x())], ['mean keepDims', () => tf.mean(x(), axis, true)],
      ['max', () => tf.max(x(), axis)], ['min', () => tf.min(x(), [0, rank - 1])], ['prod', () => tf.prod(x(), axis)],
      ['argMax', () => tf.argMax(x(), axis)], ['argMin', () => tf.argMin(x(), axis)],
      ['all', () => tf.all(tf.greater(x(), -1.5), axis)], ['any', () => tf.any(tf.greater(x(), 1.5), axis)],
      ['cumsum', () => tf.cumsum(x(), axis)], ['cumsum exclusive reverse', () => tf.cumsum(x(), axis, true, true)],
      ['int sum', () => tf.sum(tf.cast(tf.mul(x(), 10), 'int32'), axis)], ['bool sum', () => tf.sum(tf.greater(x(), 0))],
      ['logSumExp', () => tf.logSumExp(x(), axis)],
      ['topk', () => { const r = tf.topk(x(), Math.min(2, shape[rank - 1])); return [r.values, r.indices]; }],
      ['topk with ties', () => { const r = tf.topk(tf.round(x()), shape[rank - 1]); return [r.values, r.indices]; }],
    ];
    for (const [name, fn] of ops) await assertSameAsCpu(`${name} [${shape}] axis ${axis}`, fn, 2e-5);
  }
});

test('shape and data-movement kernels match cpu', async () => {
  for (let trial = 0; trial < 3; trial++) {
    const shape = randomShape(rand, 3, 4).map((d) => d + 1);
    const x = fixture(shape);
    const ops: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
      ['transpose', () => tf.transpose(x(), [2, 0, 1])],
      ['concat', () => tf.concat([x(), tf.neg(x())], 1)],
      ['slice', () => tf.slice(x(), [1, 0, 1], [-1, 1, shape[2] - 1])],
      ['stridedSlice', () => tf.stridedSlice(x(), [0, 1, 0], [shape[0], shape[1], shape[2]], [1, 1, 2])],
      ['stridedSlice reversed', () => tf.stridedSlice(x(), [-1, 0, 0], [-shape[0] - 1, shape[1], shape[2]], [-1, 1, 1])],
      ['stridedSlice shrink+newAxis', () => tf.stridedSlice(x(), [1, 0, 0], [2, 1, 2], [1, 1, 1], 0, 0, 0, 2, 1)],
      ['split', () => tf.split(x(), [1, shape[1] - 1], 1)],
      ['stack', () => tf.stack([x(), x()], 1)], ['unstack', () => tf.unstack(x(), 2)],
      ['tile', () => tf.tile(x(), [2, 1, 3])], ['pad', () => tf.pad(x(), [[1, 0], [0, 2], [1, 1]], 0.5)],
      ['reverse', () => tf.reverse(x(), [0, 2])],
      ['mirrorPad reflect', () => tf.mirrorPad(x(), [[1, 1], [0, 1], [1, 0]], 'reflect')],
      ['mirrorPad symmetric', () => tf.mirrorPad(x(), [[2, 1], [1, 2], [0, 0]], 'symmetric')],
      ['gather', () => tf.gather(x(), tf.tensor1d([shape[1] - 1, 0, 1], 'int32'), 1)],
      ['unsortedSegmentSum', () => tf.unsortedSegmentSum(x(), tf.tensor1d(Array.from({ length: shape[0] }, (_, i) => i % 2), 'int32'), 3)],
      ['zerosLike/onesLike', () => [tf.zerosLike(x()), tf.onesLike(x())]],
      ['fill', () => tf.fill([2, 3], 1.5)], ['range', () => tf.range(0, 7, 2)], ['oneHot', () => tf.oneHot(tf.tensor1d([0, 2, 5, -1], 'int32'), 3)],
      ['whereAsync via booleanMask-free where', () => tf.where(tf.greater(x(), 0), x(), tf.zerosLike(x()))],
      ['reshape', () => tf.reshape(tf.neg(x()), [shape[0], -1])], ['expandDims', () => tf.expandDims(tf.neg(x()), 1)],
      ['addN', () => tf.addN([x(), x(), tf.neg(x())])],
    ];
    for (const [name, fn] of ops) await assertSameAsCpu(`${name} [${shape}]`, fn);
  }
});

test('GantryMirrorPadGrad is the adjoint of MirrorPad (reflect and symmetric, any padded axes)', async () => {
  await tf.setBackend('torch');
  // <mirrorPad(x), dy> = <x, mirrorPadGrad(dy)> for every x and dy: the definition of the gradient.
  for (const [shape, paddings] of [[[3, 5, 4], [[1, 2], [0, 0], [3, 1]]], [[2, 6, 6, 3], [[0, 0], [2, 2], [1, 1], [0, 0]]], [[7], [[3, 2]]]] as Array<[number[], Array<[number, number]>]>) {
    for (const mode of ['reflect', 'symmetric'] as const) {
      tf.tidy(() => {
        const x = randomTensor(shape);
        const padded = tf.mirrorPad(x, paddings, mode);
        const dy = randomTensor(padded.shape);
        const dx = tf.engine().runKernel(MIRROR_PAD_GRAD_KERNEL, { dy }, { paddings, mode } as unknown as tf.NamedAttrMap) as tf.Tensor;
        assert.deepEqual(dx.shape, shape);
        const lhs = tf.sum(tf.mul(padded, dy)).dataSync()[0];
        const rhs = tf.sum(tf.mul(x, dx)).dataSync()[0];
        assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `${mode} [${shape}] ${JSON.stringify(paddings)}: ${lhs} vs ${rhs}`);
      });
    }
  }
});

test('gatherNd, scatterNd and linspace match cpu', async () => {
  for (let trial = 0; trial < 3; trial++) {
    const shape = randomShape(rand, 3, 4).map((d) => d + 1);
    const x = fixture(shape);
    const tuples = Array.from({ length: 5 }, () => [Math.floor(rand() * shape[0]), Math.floor(rand() * shape[1])]);
    const indices = () => tf.tensor2d(tuples, [5, 2], 'int32');
    const updates = fixture([5, shape[2]]);
    await assertSameAsCpu(`gatherNd [${shape}]`, () => tf.gatherND(x(), indices()));
    await assertSameAsCpu(`scatterNd [${shape}] (duplicates add)`, () => tf.scatterND(indices(), updates(), shape), 1e-5);
  }
  await assertSameAsCpu('linspace', () => tf.linspace(-1.5, 2.25, 7));
});

test('edge semantics follow tfjs: NaN handling, int32 division, empty ranges', async () => {
  const withNaN = () => tf.tensor1d([1, NaN, 7, 3]);
  await assertSameAsCpu('argMax skips NaN', () => tf.argMax(withNaN()));
  await assertSameAsCpu('argMin skips NaN', () => tf.argMin(withNaN()));
  await assertSameAsCpu('max propagates NaN', () => tf.max(withNaN()));
  await assertSameAsCpu('sign of NaN', () => tf.sign(withNaN()));
  await assertSameAsCpu('step of NaN', () => tf.step(withNaN(), 0.5));
  const ints = () => tf.tensor1d([7, -7, 5, 0], 'int32');
  const divisors = () => tf.tensor1d([2, 2, 0, 0], 'int32');
  await assertSameAsCpu('int32 floorDiv by zero', () => tf.floorDiv(ints(), divisors()));
  await assertSameAsCpu('int32 realDiv', () => tf.engine().runKernel('RealDiv', { a: ints(), b: divisors() }) as tf.Tensor);
  await assertSameAsCpu('cast NaN to int32', () => tf.cast(withNaN(), 'int32'));
  await assertSameAsCpu('int32 clipByValue keeps int32', () => tf.clipByValue(ints(), -2.5, 3.5));
  // tfjs-layers' losses clip with bounds beyond float32's range (ATen refused them: overflow).
  const wide = () => tf.tensor1d([-Infinity, -3e38, 0.5, 3e38, Infinity, NaN]);
  await assertSameAsCpu('clipByValue with bounds beyond float32', () => [tf.clipByValue(wide(), -Number.MAX_VALUE, 1e300),
    tf.clipByValue(wide(), 1e-300, Number.MAX_VALUE), tf.clipByValue(ints(), -1e10, 3e9)]);
  await assertSameAsCpu('int32 relu/abs/neg/square keep int32', () => [tf.relu(ints()), tf.abs(ints()), tf.neg(ints()), tf.square(ints())]);
  await assertSameAsCpu('empty range', () => tf.range(5, 1, 2));
  await assertSameAsCpu('decreasing range with step 1', () => tf.range(5, 1, 1));
  await tf.setBackend('torch');
  assert.throws(() => tf.tidy(() => tf.gather(tf.tensor1d([1, 2]), tf.tensor1d([100], 'int32'))),
    /GatherV2: the index value 100 is not in \[0, 1\]/);
});

test('matMul and fused matMul (bias, activations, transposes, batches) match cpu', async () => {
  for (let trial = 0; trial < 4; trial++) {
    const [m, k, n] = randomShape(rand, 3, 9);
    const batch = trial % 2 === 0 ? 1 : 3;
    const ta = rand() < 0.5, tb = rand() < 0.5;
    const a = fixture(batch === 1 ? (ta ? [k, m] : [m, k]) : (ta ? [batch, k, m] : [batch, m, k]));
    const b = fixture(batch === 1 ? (tb ? [n, k] : [k, n]) : (tb ? [batch, n, k] : [batch, k, n]));
    const bias = fixture([n]);
    await assertSameAsCpu(`matMul ${trial}`, () => tf.matMul(a(), b(), ta, tb), 1e-4);
    for (const activation of ['linear', 'relu', 'leakyrelu', 'sigmoid', 'elu', 'relu6'] as const) {
      await assertSameAsCpu(`fused ${activation} ${trial}`,
        () => tf.fused.matMul({ a: a(), b: b(), transposeA: ta, transposeB: tb, bias: bias(), activation, leakyreluAlpha: 0.1 }), 1e-4);
    }
  }
});

test('gradients through native kernels match cpu', async () => {
  const x = fixture([4, 5]);
  const w = fixture([5, 3]);
  const bias = fixture([3]);
  const loss = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => {
    const h = tf.fused.matMul({ a: xs, b: ws, bias: bs, activation: 'leakyrelu', leakyreluAlpha: 0.2 });
    const y = tf.add(tf.tanh(h), tf.mul(tf.sigmoid(h), tf.softplus(h)));
    return tf.mean(tf.square(tf.sub(tf.concat([y, tf.exp(tf.neg(tf.abs(h)))], 1), 0.3)));
  };
  await assertSameAsCpu('grads', () => tf.grads(loss)([x(), w(), bias()]), 1e-4);
  const gatherLoss = (t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d([0, 2, 2, 1], 'int32'))));
  await assertSameAsCpu('grad of gather/segment sum', () => tf.grad(gatherLoss)(x()), 1e-5);
});

test('a bad shape inside a native kernel is a JS error naming the kernel and shapes', async () => {
  await tf.setBackend('torch');
  const a = randomTensor([2, 3]);
  const b = randomTensor([4, 5]);
  assert.throws(() => tf.engine().runKernel('BatchMatMul', { a: tf.reshape(a, [1, 2, 3]), b: tf.reshape(b, [1, 4, 5]) }, {}),
    (error: Error) => /BatchMatMul/.test(error.message) && /float32\[1,2,3\]/.test(error.message) && /float32\[1,4,5\]/.test(error.message));
  tf.dispose([a, b]);
});

test('fallback counter and policy', async () => {
  await tf.setBackend('torch');
  setFallbackPolicy('allow');
  resetFallbackCounts();
  const x = tf.tensor1d([1, 2, 3]);
  tf.tidy(() => tf.multinomial(tf.reshape(x, [1, 3]) as tf.Tensor2D, 2, 7));
  assert.equal(fallbackCounts().Multinomial, 1);
  tf.tidy(() => tf.add(x, x));
  assert.equal(fallbackCounts().Add, undefined);
  setFallbackPolicy('throw');
  assert.throws(() => tf.tidy(() => tf.multinomial(tf.reshape(x, [1, 3]) as tf.Tensor2D, 2, 7)), /Multinomial.*fallback/);
  x.dispose();
});
