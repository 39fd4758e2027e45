// tfjs 4.22's customGrad ops (logSigmoid, logSoftmax, softmaxCrossEntropy, fused matMul / conv2d /
// depthwiseConv2d, a user's tf.customGrad) differentiated the ways programs do: tf.grad, variableGrads
// and optimizer.minimize, with an intermediate or a variable as input, first and second order
// (a gradient penalty), on cpu, wasm and torch. References are central finite differences of the
// same functions written in float64 JavaScript. Without src/custom-grad.ts (importing the backend
// installs it) logSigmoid and the user op throw with an intermediate input, logSoftmax's and the
// cross-entropy's second derivatives are wrong by percents, and the cross-entropy's label gradient
// is wrong at first order.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-layers'; // registers tfjs's gradients, as a tfjs program's imports do
import * as tf from '@tensorflow/tfjs-core';
import { tfjsFixesInstalled } from '@gantry/tfjs-backend-torch';

import { seededRandom } from './engine-helpers.js';

const B = 8, D = 4, K = 3;
const rand = seededRandom(22);
const sample = (n: number, scale: number) => Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
const X = sample(B * D, 1.5), V = sample(D * K, 1.5), W = sample(D * K, 1), LOGITS = sample(B * K, 2);
const HOT = Array.from({ length: B * K }, (_, i) => (i % K === Math.floor(i / K) % K ? 1 : 0));
const MB = sample(K * 2, 1), MBIAS = sample(2, 0.5);

// ---- float64 reference ----------------------------------------------------------------------------
type M = number[];
function matmul(a: M, b: M, n: number, k: number, m: number, transB = false): M {
  const out = new Array<number>(n * m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * (transB ? b[j * k + p] : b[p * m + j]);
    out[i * m + j] = s;
  }
  return out;
}
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
function logSoftmaxRows(h: M, cols: number): M {
  const out: M = [];
  for (let r = 0; r < h.length / cols; r++) {
    const row = h.slice(r * cols, (r + 1) * cols);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
    out.push(...row.map((z) => z - lse));
  }
  return out;
}
const sum = (a: M) => a.reduce((s, z) => s + z, 0);

/** A loss of H [B, K] in float64: its value and its gradient dL/dH. */
interface Ref { value(h: M): number; dh(h: M): M }
const REFS: Record<string, Ref> = {
  logSigmoid: { value: (h) => sum(h.map((z) => Math.log(sigmoid(z)))) / h.length, dh: (h) => h.map((z) => sigmoid(-z) / h.length) },
  logSoftmax: {
    value: (h) => sum(logSoftmaxRows(h, K)) / h.length,
    dh: (h) => logSoftmaxRows(h, K).map((l) => (1 - K * Math.exp(l)) / h.length),
  },
  softmaxCrossEntropy: {
    value: (h) => -sum(logSoftmaxRows(h, K).map((l, i) => HOT[i] * l)) / B,
    dh: (h) => logSoftmaxRows(h, K).map((l, i) => (Math.exp(l) - HOT[i]) / B),
  },
  fusedMatMul: { // mean((H·MB + bias)^2) over [B, 2]
    value: (h) => sum(matmul(h, MB, B, K, 2).map((z, i) => (z + MBIAS[i % 2]) ** 2)) / (B * 2),
    dh: (h) => matmul(matmul(h, MB, B, K, 2).map((z, i) => 2 * (z + MBIAS[i % 2]) / (B * 2)), MB, B, 2, K, true),
  },
  customGrad: { value: (h) => sum(h.map((z) => z * z)) / h.length, dh: (h) => h.map((z) => 2 * z / h.length) },
};
REFS.customGradChained = REFS.customGrad;

/** Central finite differences of g at p, float64. */
function numericGradient(g: (p: M) => number, p: M, eps = 1e-5): M {
  return p.map((_, i) => {
    const up = p.slice(), down = p.slice();
    up[i] += eps; down[i] -= eps;
    return (g(up) - g(down)) / (2 * eps);
  });
}
const firstOrder = (ref: Ref) => numericGradient((v) => ref.value(matmul(X, v, B, D, K)), V);
// A gradient penalty: |dL/dX|^2 with dL/dX = dL/dH · V^T, differentiated with respect to V.
const secondOrder = (ref: Ref) => numericGradient((v) => {
  const dx = matmul(ref.dh(matmul(X, v, B, D, K)), v, B, K, D, true);
  return sum(dx.map((z) => z * z));
}, V);

// ---- the same losses in tfjs ----------------------------------------------------------------------
const userSquare = tf.customGrad as (f: (x: tf.Tensor) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor }) => (x: tf.Tensor) => tf.Tensor;
const LOSSES: Record<string, (h: tf.Tensor) => tf.Tensor> = {
  logSigmoid: (h) => tf.mean(tf.logSigmoid(h)),
  logSoftmax: (h) => tf.mean(tf.logSoftmax(h)),
  softmaxCrossEntropy: (h) => tf.losses.softmaxCrossEntropy(tf.tensor2d(HOT, [B, K]), h),
  fusedMatMul: (h) => tf.mean(tf.square(tf.fused.matMul({ a: h, b: tf.tensor2d(MB, [K, 2]), bias: tf.tensor1d(MBIAS) }))),
  // a user's op whose gradient closure reads its input, as tf.customGrad's documentation shows
  customGrad: (h) => tf.mean(userSquare((x) => ({ value: tf.square(x), gradFunc: (dy) => tf.mul(dy, tf.mul(2, x)) }))(h)),
  // the same through a Tensor method (x.clone(), like the chained x.mul()), which refuses a disposed
  // tensor even where its data lives
  customGradChained: (h) => tf.mean(userSquare((x) => ({ value: tf.square(x), gradFunc: (dy) => tf.mul(dy, tf.mul(2, x.clone())) }))(h)),
};

// float32 kernels, ~10 operations deep, on values of order 1: a few 1e-7 relative each. The defects
// are wrong by more than 1e-2 (or throw); 1e-3 relative + 1e-5 absolute separates the two.
function assertClose(actual: ArrayLike<number>, expected: M, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    assert.ok(Math.abs(a - e) <= 1e-5 + 1e-3 * Math.abs(e), `${label}: element ${i} is ${a}, float64 finite differences give ${e}`);
  }
}

async function backends(): Promise<string[]> {
  const names = ['cpu', 'torch'];
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    names.splice(1, 0, 'wasm');
  } catch { /* not installed: cpu and torch only */ }
  return names;
}

const x = () => tf.tensor2d(X, [B, D]);
function variable(values: M, shape: [number, number]): tf.Variable {
  const init = tf.tensor2d(values, shape);
  const v = tf.variable(init);
  init.dispose();
  return v;
}
const modes: Record<string, (loss: (h: tf.Tensor) => tf.Tensor) => Float32Array> = {
  'tf.grad': (loss) => tf.tidy(() => tf.grad((v) => loss(tf.matMul(x(), v)))(tf.tensor2d(V, [D, K])).dataSync() as Float32Array),
  variableGrads: (loss) => {
    const v = variable(V, [D, K]);
    const out = tf.tidy(() => tf.variableGrads(() => loss(tf.matMul(x(), v)) as tf.Scalar, [v]).grads[v.name].dataSync() as Float32Array);
    v.dispose();
    return out;
  },
  // SGD with rate 1 moves v by minus the gradient exactly enough to read it back in float32
  'minimize in tidy': (loss) => {
    const v = variable(V, [D, K]);
    const optimizer = tf.train.sgd(1);
    tf.tidy(() => { optimizer.minimize(() => loss(tf.matMul(x(), v)) as tf.Scalar, false, [v]); });
    const moved = v.dataSync();
    const out = Float32Array.from(V, (before, i) => before - moved[i]);
    v.dispose(); optimizer.dispose();
    return out;
  },
  'second order (gradient penalty)': (loss) => tf.tidy(() => tf.grad((v) =>
    tf.sum(tf.square(tf.grad((xx) => loss(tf.matMul(xx, v)))(x()))))(tf.tensor2d(V, [D, K])).dataSync() as Float32Array),
};

test('the tfjs fixes are installed by importing the backend', () => {
  assert.ok(tfjsFixesInstalled());
});

for (const [name, loss] of Object.entries(LOSSES)) {
  test(`${name}: gradients through an intermediate input match float64 finite differences on every backend`, async () => {
    const ref = REFS[name];
    const expected = { first: firstOrder(ref), second: secondOrder(ref) };
    for (const backend of await backends()) {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      for (const [mode, run] of Object.entries(modes)) {
        assertClose(run(loss), mode.startsWith('second') ? expected.second : expected.first, `${backend} ${name} ${mode}`);
      }
      assert.equal(tf.memory().numTensors, before, `${backend} ${name}: tensors leaked`);
    }
  });
}

test('logSigmoid and logSoftmax of a variable: variableGrads match the float64 gradient', async () => {
  const h0 = LOGITS;
  for (const backend of await backends()) {
    await tf.setBackend(backend);
    for (const name of ['logSigmoid', 'logSoftmax'] as const) {
      const h = variable(h0, [B, K]);
      const grad = tf.tidy(() => tf.variableGrads(() => LOSSES[name](h) as tf.Scalar, [h]).grads[h.name].dataSync());
      assertClose(grad, REFS[name].dh(h0), `${backend} ${name} of a variable`);
      h.dispose();
    }
  }
});

test('softmaxCrossEntropy: the gradient with respect to soft labels a network produces', async () => {
  // labels = softmax(X·W), logits fixed: d/dW of -mean_b sum_k labels * logSoftmax(logits)
  const logSoftmaxLogits = logSoftmaxRows(LOGITS, K);
  const expected = numericGradient((w) => {
    const labels = logSoftmaxRows(matmul(X, w, B, D, K), K).map(Math.exp);
    return -sum(labels.map((l, i) => l * logSoftmaxLogits[i])) / B;
  }, W);
  for (const backend of await backends()) {
    await tf.setBackend(backend);
    const got = tf.tidy(() => tf.grad((w) =>
      tf.losses.softmaxCrossEntropy(tf.softmax(tf.matMul(x(), w)), tf.tensor2d(LOGITS, [B, K])))(tf.tensor2d(W, [D, K])).dataSync());
    assertClose(got, expected, `${backend} softmaxCrossEntropy labels`);
  }
});

test('fused conv2d and depthwiseConv2d with bias: first and second order equal their unfused composition', async () => {
  const r = seededRandom(5);
  const vals = (n: number) => Array.from({ length: n }, () => r() * 2 - 1);
  const input = vals(2 * 5 * 5 * 2), filter = vals(3 * 3 * 2 * 3), dwFilter = vals(3 * 3 * 2 * 1), bias3 = vals(3), bias2 = vals(2);
  const fused = {
    conv2d: (h: tf.Tensor4D, f: tf.Tensor4D) => tf.fused.conv2d({ x: h, filter: f, strides: 1, pad: 'same', bias: tf.tensor1d(bias3) }),
    depthwise: (h: tf.Tensor4D, f: tf.Tensor4D) => tf.fused.depthwiseConv2d({ x: h, filter: f, strides: 1, pad: 'same', bias: tf.tensor1d(bias2) }),
  };
  const plain = {
    conv2d: (h: tf.Tensor4D, f: tf.Tensor4D) => tf.add(tf.conv2d(h, f, 1, 'same'), tf.tensor1d(bias3)),
    depthwise: (h: tf.Tensor4D, f: tf.Tensor4D) => tf.add(tf.depthwiseConv2d(h, f, 1, 'same'), tf.tensor1d(bias2)),
  };
  // wasm has no Conv2DBackpropFilter kernel, so conv2d's gradient does not run there at all
  for (const backend of (await backends()).filter((b) => b !== 'wasm')) {
    await tf.setBackend(backend);
    for (const kind of ['conv2d', 'depthwise'] as const) {
      const filterValues = kind === 'conv2d' ? filter : dwFilter;
      const fShape: [number, number, number, number] = kind === 'conv2d' ? [3, 3, 2, 3] : [3, 3, 2, 1];
      const run = (op: (h: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor) => tf.tidy(() => {
        const xIn = tf.tensor4d(input, [2, 5, 5, 2]);
        const f = tf.tensor4d(filterValues, fShape);
        // the input is an intermediate (tf.mul), the loss squares the output so the penalty's derivative is not constant
        const loss = (xx: tf.Tensor, ff: tf.Tensor) => tf.mean(tf.square(op(tf.mul(xx, 1.5) as tf.Tensor4D, ff as tf.Tensor4D)));
        const first = tf.grad((ff) => loss(xIn, ff))(f);
        const second = tf.grad((ff) => tf.sum(tf.square(tf.grad((xx) => loss(xx, ff))(xIn))))(f);
        return [first.dataSync(), second.dataSync()];
      });
      const [fusedFirst, fusedSecond] = run(fused[kind]);
      const [plainFirst, plainSecond] = run(plain[kind]);
      assertClose(fusedFirst, Array.from(plainFirst), `${backend} fused ${kind} first order`);
      assertClose(fusedSecond, Array.from(plainSecond), `${backend} fused ${kind} second order`);
    }
  }
});
