// Second-order gradients (what a gradient penalty differentiates) checked against central finite
// differences of independent float64 reference implementations written here in plain JS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, FIXED_GRADIENT_KERNELS, gradientPenalty, installGradientFixes, logSoftmax, r1Penalty } from '../src/index.js';

await tf.setBackend('cpu');

const f32 = (v: number) => Math.fround(v);
function values(rng: ReturnType<typeof createRng>, n: number, scale: number): number[] {
  return Array.from({ length: n }, () => f32(scale * rng.normal()));
}

/** Central differences of a float64 function of a parameter vector. */
function finiteDifferences(f: (p: number[]) => number, p: number[], h = 1e-5): number[] {
  return p.map((_, i) => {
    const plus = p.slice(); plus[i] += h;
    const minus = p.slice(); minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

function assertClose(actual: ArrayLike<number>, expected: number[], what: string, rel = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(...expected.map(Math.abs));
  assert.ok(scale > 1e-6, `${what}: reference gradient is all zero, the check would be vacuous`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    // relative to the element, with a floor at a small fraction of the largest element (float32 noise)
    assert.ok(err <= rel * Math.max(Math.abs(expected[i]), 1e-2 * scale),
      `${what}[${i}]: tfjs ${actual[i]} vs float64 finite difference ${expected[i]} (err ${err.toExponential(2)})`);
  }
}

// ---- conv2d 'same' (3x3, stride 1) -> leakyRelu(0.2) -> dense(1), NHWC, float64 reference ----
const H = 4, W = 4, CI = 1, CO = 2, K = 3, ALPHA = 0.2;
interface ConvNet { kernel: number[]; bias: number[]; dense: number[]; denseBias: number }
function unpack(p: number[]): ConvNet {
  const nk = K * K * CI * CO;
  return { kernel: p.slice(0, nk), bias: p.slice(nk, nk + CO), dense: p.slice(nk + CO, nk + CO + H * W * CO), denseBias: p[nk + CO + H * W * CO] };
}
// kernel index [kh][kw][ci][co]; 'same' with k=3, s=1 pads one pixel on every side.
function preActivations(net: ConvNet, x: number[]): number[] {
  const pre = new Array<number>(H * W * CO).fill(0);
  for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let co = 0; co < CO; co++) {
    let s = net.bias[co];
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) for (let ci = 0; ci < CI; ci++) {
      const y = i + a - 1, xx = j + b - 1;
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      s += x[(y * W + xx) * CI + ci] * net.kernel[((a * K + b) * CI + ci) * CO + co];
    }
    pre[(i * W + j) * CO + co] = s;
  }
  return pre;
}
// d critic / d x, analytically: dense weights through the leaky slope, back through the convolution.
function inputGradient(net: ConvNet, x: number[]): number[] {
  const pre = preActivations(net, x);
  const dPre = pre.map((v, idx) => net.dense[idx] * (v > 0 ? 1 : ALPHA));
  const gx = new Array<number>(H * W * CI).fill(0);
  for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let co = 0; co < CO; co++) {
    const g = dPre[(i * W + j) * CO + co];
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) for (let ci = 0; ci < CI; ci++) {
      const y = i + a - 1, xx = j + b - 1;
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      gx[(y * W + xx) * CI + ci] += g * net.kernel[((a * K + b) * CI + ci) * CO + co];
    }
  }
  return gx;
}
function gpReference(p: number[], xs: number[][], weight: number): number {
  const net = unpack(p);
  let sum = 0;
  for (const x of xs) {
    const g = inputGradient(net, x);
    const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0) + 1e-12);
    sum += (norm - 1) ** 2;
  }
  return weight * sum / xs.length;
}

test('gradient penalty through conv2d same + leakyRelu + dense matches float64 finite differences', () => {
  const rng = createRng(11);
  const model = tfl.sequential({ layers: [
    tfl.layers.conv2d({ inputShape: [H, W, CI], filters: CO, kernelSize: K, padding: 'same' }),
    tfl.layers.leakyReLU({ alpha: ALPHA }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 1 }),
  ] });
  const p = [...values(rng, K * K * CI * CO, 0.5), ...values(rng, CO, 0.1), ...values(rng, H * W * CO, 0.3), f32(0.1)];
  const net = unpack(p);
  model.setWeights([
    tf.tensor4d(net.kernel, [K, K, CI, CO]), tf.tensor1d(net.bias),
    tf.tensor2d(net.dense, [H * W * CO, 1]), tf.tensor1d([net.denseBias]),
  ]);
  const xs = [values(rng, H * W * CI, 1), values(rng, H * W * CI, 1)];
  const x = tf.tensor4d(xs.flat(), [2, H, W, CI]);
  const critic = (t: tf.Tensor) => model.apply(t) as tf.Tensor;
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  // real === fake makes the interpolate x itself whatever epsilon the rng draws
  const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, x, x, createRng(1), 10), vars);
  const tfjsGrads = vars.flatMap((v) => Array.from(grads[v.name]?.dataSync() ?? new Float32Array(v.size)));
  const reference = finiteDifferences((q) => gpReference(q, xs, 10), p);
  assert.ok(Math.abs(value.dataSync()[0] - gpReference(p, xs, 10)) <= 1e-4 * gpReference(p, xs, 10), 'penalty value');
  // the last dense bias cannot influence an input gradient: exactly zero both ways
  assertClose(tfjsGrads.slice(0, -1), reference.slice(0, -1), 'd GP / d weights');
  assert.equal(tfjsGrads[tfjsGrads.length - 1], 0);
});

// ---- dense(2 -> 3) -> activation -> dense(3 -> 1): R1 penalty, per activation ----
type Act = { name: string; f: (v: number) => number; d: (v: number) => number; layer: () => tfl.layers.Layer };
const ACTIVATIONS: Act[] = [
  { name: 'tanh', f: Math.tanh, d: (v) => 1 - Math.tanh(v) ** 2, layer: () => tfl.layers.activation({ activation: 'tanh' }) },
  { name: 'sigmoid', f: (v) => 1 / (1 + Math.exp(-v)), d: (v) => { const s = 1 / (1 + Math.exp(-v)); return s * (1 - s); }, layer: () => tfl.layers.activation({ activation: 'sigmoid' }) },
  { name: 'exp', f: Math.exp, d: Math.exp, layer: () => new ExpLayer() },
  { name: 'elu', f: (v) => (v > 0 ? v : Math.exp(v) - 1), d: (v) => (v > 0 ? 1 : Math.exp(v)), layer: () => tfl.layers.elu() },
];
class ExpLayer extends tfl.layers.Layer {
  static className = 'TestExp';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.exp(Array.isArray(inputs) ? inputs[0] : inputs); }
}

for (const act of ACTIVATIONS) {
  test(`R1 penalty through ${act.name} matches float64 finite differences`, () => {
    const rng = createRng(5);
    const IN = 2, HID = 3;
    const model = tfl.sequential({ layers: [
      tfl.layers.dense({ inputShape: [IN], units: HID }), act.layer(), tfl.layers.dense({ units: 1 }),
    ] });
    const p = [...values(rng, IN * HID, 0.7), ...values(rng, HID, 0.2), ...values(rng, HID, 0.7), f32(0.05)];
    const split = (q: number[]) => ({ w1: q.slice(0, IN * HID), b1: q.slice(IN * HID, IN * HID + HID), w2: q.slice(IN * HID + HID, IN * HID + 2 * HID) });
    model.setWeights([tf.tensor2d(p.slice(0, IN * HID), [IN, HID]), tf.tensor1d(p.slice(IN * HID, IN * HID + HID)),
      tf.tensor2d(p.slice(IN * HID + HID, IN * HID + 2 * HID), [HID, 1]), tf.tensor1d([p[p.length - 1]])]);
    const xs = [values(rng, IN, 1), values(rng, IN, 1), values(rng, IN, 1)];
    const gamma = 10;
    const reference = (q: number[]) => {
      const { w1, b1, w2 } = split(q);
      let sum = 0;
      for (const x of xs) {
        for (let i = 0; i < IN; i++) {
          let g = 0;
          for (let h = 0; h < HID; h++) {
            let pre = b1[h];
            for (let k = 0; k < IN; k++) pre += x[k] * w1[k * HID + h];
            g += w2[h] * act.d(pre) * w1[i * HID + h];
          }
          sum += g * g;
        }
      }
      return (gamma / 2) * sum / xs.length;
    };
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const x = tf.tensor2d(xs.flat(), [xs.length, IN]);
    const { value, grads } = tf.variableGrads(() => r1Penalty((t) => model.apply(t) as tf.Tensor, x, gamma), vars);
    assert.ok(Math.abs(value.dataSync()[0] - reference(p)) <= 1e-5 * Math.max(1, reference(p)), 'penalty value');
    const tfjsGrads = vars.flatMap((v) => Array.from(grads[v.name]?.dataSync() ?? new Float32Array(v.size)));
    assertClose(tfjsGrads.slice(0, -1), finiteDifferences(reference, p).slice(0, -1), `d R1 / d weights (${act.name})`);
  });
}

test('softmax, our logSoftmax and pow have correct second derivatives', () => {
  // f(w) = (d/dx g(w x))^2 summed, compared with float64 finite differences of the analytic first derivative
  const x = [0.3, -0.8, 0.5];
  const w0 = 1.3;
  const cases: Array<{ name: string; op: (t: tf.Tensor) => tf.Tensor; ref: (w: number) => number }> = [
    {
      name: 'softmax', op: (t) => tf.sum(tf.mul(tf.softmax(t), tf.tensor1d([1, 2, 3]))),
      // d/dx_i sum_j c_j s_j = s_i (c_i - sum_j c_j s_j); at argument w*x, chain rule multiplies by w
      ref: (w) => {
        const e = x.map((v) => Math.exp(w * v)); const z = e.reduce((a, b) => a + b); const s = e.map((v) => v / z);
        const mean = s[0] * 1 + s[1] * 2 + s[2] * 3;
        return s.reduce((acc, si, i) => acc + (w * si * (i + 1 - mean)) ** 2, 0);
      },
    },
    {
      name: 'logSoftmax', op: (t) => tf.sum(tf.mul(logSoftmax(t), tf.tensor1d([1, 2, 3]))),
      // d/dx_i sum_j c_j (x_j - lse) = c_i - s_i sum_j c_j
      ref: (w) => {
        const e = x.map((v) => Math.exp(w * v)); const z = e.reduce((a, b) => a + b);
        return e.reduce((acc, ei, i) => acc + (w * (i + 1 - (ei / z) * 6)) ** 2, 0);
      },
    },
    {
      name: 'pow', op: (t) => tf.sum(tf.pow(tf.add(t, 2), tf.scalar(3))),
      ref: (w) => x.reduce((acc, v) => acc + (w * 3 * (w * v + 2) ** 2) ** 2, 0),
    },
  ];
  for (const c of cases) {
    const xt = tf.tensor1d(x);
    const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.grad((xx: tf.Tensor) => c.op(tf.mul(w, xx)))(xt))))(tf.scalar(w0));
    const expected = (c.ref(w0 + 1e-6) - c.ref(w0 - 1e-6)) / 2e-6;
    const actual = g.dataSync()[0];
    assert.ok(Math.abs(actual - expected) <= 1e-4 * Math.abs(expected), `${c.name}: tfjs ${actual} vs float64 ${expected}`);
  }
});

test('comparison kernels have zero gradients, so grad-of-grad through maximum does not throw', () => {
  const x = tf.tensor1d([0.5, -1, 2]);
  const second = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.grad((xx: tf.Tensor) => tf.sum(tf.maximum(tf.mul(w, xx), tf.mul(0.1, tf.mul(w, xx)))))(x))))(tf.scalar(2));
  // d/dx_i = w * slope_i with slope 1 for positive w*x_i, 0.1 otherwise; squared sum's derivative in w
  const slopes = [1, 0.1, 1];
  const expected = slopes.reduce((a, s) => a + 2 * 2 * s * s, 0);
  assert.ok(Math.abs(second.dataSync()[0] - expected) < 1e-5, `got ${second.dataSync()[0]}, expected ${expected}`);
  for (const name of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
    assert.ok(FIXED_GRADIENT_KERNELS.includes(name), name);
  }
});

test('installGradientFixes is idempotent', () => {
  installGradientFixes();
  installGradientFixes();
  const g = tf.grad((w: tf.Tensor) => tf.square(tf.grad((xx: tf.Tensor) => tf.tanh(tf.mul(w, xx)))(tf.scalar(0.7))))(tf.scalar(1.3));
  // analytic: d/dw [w (1 - tanh^2(w x))]^2
  const ref = (w: number) => (w * (1 - Math.tanh(w * 0.7) ** 2)) ** 2;
  const expected = (ref(1.3 + 1e-6) - ref(1.3 - 1e-6)) / 2e-6;
  assert.ok(Math.abs(g.dataSync()[0] - expected) <= 1e-4 * Math.abs(expected));
});

test('grad-of-grad through max and min reductions (their masks use Equal, now with a zero gradient)', () => {
  const x = tf.tensor1d([0.3, 1.7, -0.4]);
  for (const op of [(t: tf.Tensor) => tf.max(t), (t: tf.Tensor) => tf.min(t)]) {
    // d/dx_i op(w x) = w at the selected element, so sum of squares = w^2 and its derivative 2w
    const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.grad((xx: tf.Tensor) => op(tf.mul(w, xx)))(x))))(tf.scalar(1.5));
    assert.ok(Math.abs(g.dataSync()[0] - 3) < 1e-5, `got ${g.dataSync()[0]}`);
  }
});
