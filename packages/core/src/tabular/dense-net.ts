// A small fully connected network with hand-written backpropagation and Adam, in plain TypeScript.
//
// Why not tfjs here: GAIN's networks are a few dozen units wide, so a training step is ~1 MFLOP and the cost
// is per-op dispatch. Measured on this machine (shared, 2 cores) with the tfjs cpu backend: ~30 ms CPU per
// GAIN iteration on letter, i.e. hours for the paper's 10 seeds x 10000 iterations. These loops do the same
// arithmetic in one pass per layer. test/gain.test.ts checks every gradient against tf.grad.
import type { Rng } from '../random.js';

export type Activation = 'relu' | 'linear';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** inputs x outputs, row-major. */
  w: Float64Array;
  b: Float64Array;
}

export interface DenseGrads { w: Float64Array; b: Float64Array }

/** Hidden layers use ReLU; the last layer is linear (callers apply their own output nonlinearity). */
export interface DenseNet { layers: DenseLayer[] }

/** Xavier normal as in the GAIN reference: std = 1 / sqrt(fanIn / 2), zero biases. */
export function createDenseNet(rng: Rng, sizes: readonly number[]): DenseNet {
  if (sizes.length < 2) throw new Error(`createDenseNet needs at least an input and an output size, got [${sizes.join(', ')}]`);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    if (!Number.isInteger(inputs) || inputs <= 0 || !Number.isInteger(outputs) || outputs <= 0) {
      throw new Error(`createDenseNet: layer sizes must be positive integers, got [${sizes.join(', ')}]`);
    }
    const std = 1 / Math.sqrt(inputs / 2);
    const w = new Float64Array(inputs * outputs);
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
    layers.push({ inputs, outputs, w, b: new Float64Array(outputs) });
  }
  return { layers };
}

/** What backward() needs from a forward pass: each layer's input and pre-activation. */
export interface ForwardTrace {
  rows: number;
  inputs: Float64Array[];
  preActivations: Float64Array[];
  /** Last layer's linear output (rows x outputs). */
  output: Float64Array;
}

export function forward(net: DenseNet, x: Float64Array, rows: number): ForwardTrace {
  const inputs: Float64Array[] = [];
  const pre: Float64Array[] = [];
  let h = x;
  net.layers.forEach((layer, l) => {
    if (h.length !== rows * layer.inputs) throw new Error(`dense layer ${l}: input has ${h.length} values, expected ${rows} x ${layer.inputs}`);
    inputs.push(h);
    const a = affine(layer, h, rows);
    pre.push(a);
    if (l + 1 < net.layers.length) {
      const r = new Float64Array(a.length);
      for (let k = 0; k < a.length; k++) r[k] = a[k] > 0 ? a[k] : 0;
      h = r;
    } else {
      h = a;
    }
  });
  return { rows, inputs, preActivations: pre, output: h };
}

// out = x W + b. Rows are taken four at a time so that each weight loaded serves four rows.
function affine(layer: DenseLayer, x: Float64Array, rows: number): Float64Array {
  const { inputs: n, outputs: m, w, b } = layer;
  const out = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) out.set(b, i * m);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const o0 = i * m, o1 = o0 + m, o2 = o1 + m, o3 = o2 + m;
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    for (let k = 0; k < n; k++) {
      const x0 = x[r0 + k], x1 = x[r1 + k], x2 = x[r2 + k], x3 = x[r3 + k];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const wk = k * m;
      for (let j = 0; j < m; j++) {
        const wv = w[wk + j];
        out[o0 + j] += x0 * wv;
        out[o1 + j] += x1 * wv;
        out[o2 + j] += x2 * wv;
        out[o3 + j] += x3 * wv;
      }
    }
  }
  for (; i < rows; i++) {
    const o = i * m;
    for (let k = 0; k < n; k++) {
      const xv = x[i * n + k];
      if (xv === 0) continue;
      const wk = k * m;
      for (let j = 0; j < m; j++) out[o + j] += xv * w[wk + j];
    }
  }
  return out;
}

/**
 * Backpropagates dOutput (gradient w.r.t. the last layer's linear output). Returns weight gradients (unless
 * weights is false) and the gradient w.r.t. the network input (if wantInput).
 */
export function backward(net: DenseNet, trace: ForwardTrace, dOutput: Float64Array, o: { weights?: boolean; wantInput?: boolean } = {}): { grads: DenseGrads[]; dInput?: Float64Array } {
  const weights = o.weights ?? true;
  const rows = trace.rows;
  const grads: DenseGrads[] = [];
  let dy = dOutput;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const { inputs: n, outputs: m, w } = net.layers[l];
    if (l + 1 < net.layers.length) {
      const a = trace.preActivations[l];
      for (let k = 0; k < dy.length; k++) if (!(a[k] > 0)) dy[k] = 0;
    }
    const x = trace.inputs[l];
    if (weights) grads[l] = weightGradients(x, dy, rows, n, m);
    if (l > 0 || o.wantInput) dy = inputGradient(dy, w, rows, n, m);
  }
  return { grads, dInput: o.wantInput ? dy : undefined };
}

// gW = x^T dy, gb = column sums of dy; four rows per pass over gW.
function weightGradients(x: Float64Array, dy: Float64Array, rows: number, n: number, m: number): DenseGrads {
  const gw = new Float64Array(n * m);
  const gb = new Float64Array(m);
  for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) gb[j] += dy[i * m + j];
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const o0 = i * m, o1 = o0 + m, o2 = o1 + m, o3 = o2 + m;
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    for (let k = 0; k < n; k++) {
      const x0 = x[r0 + k], x1 = x[r1 + k], x2 = x[r2 + k], x3 = x[r3 + k];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const wk = k * m;
      // Accumulated row by row, in the same order as one row at a time, so results do not depend on the blocking.
      for (let j = 0; j < m; j++) {
        let g = gw[wk + j];
        g += x0 * dy[o0 + j];
        g += x1 * dy[o1 + j];
        g += x2 * dy[o2 + j];
        g += x3 * dy[o3 + j];
        gw[wk + j] = g;
      }
    }
  }
  for (; i < rows; i++) {
    const oy = i * m;
    for (let k = 0; k < n; k++) {
      const xv = x[i * n + k];
      if (xv === 0) continue;
      const wk = k * m;
      for (let j = 0; j < m; j++) gw[wk + j] += xv * dy[oy + j];
    }
  }
  return { w: gw, b: gb };
}

// dx = dy W^T; four rows share each weight row.
function inputGradient(dy: Float64Array, w: Float64Array, rows: number, n: number, m: number): Float64Array {
  const dx = new Float64Array(rows * n);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const o0 = i * m, o1 = o0 + m, o2 = o1 + m, o3 = o2 + m;
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    for (let k = 0; k < n; k++) {
      const wk = k * m;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < m; j++) {
        const wv = w[wk + j];
        s0 += dy[o0 + j] * wv;
        s1 += dy[o1 + j] * wv;
        s2 += dy[o2 + j] * wv;
        s3 += dy[o3 + j] * wv;
      }
      dx[r0 + k] = s0; dx[r1 + k] = s1; dx[r2 + k] = s2; dx[r3 + k] = s3;
    }
  }
  for (; i < rows; i++) {
    const oy = i * m;
    for (let k = 0; k < n; k++) {
      const wk = k * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += dy[oy + j] * w[wk + j];
      dx[i * n + k] = s;
    }
  }
  return dx;
}

/** Adam (Kingma & Ba 2015) over a DenseNet's weights. */
export class Adam {
  private t = 0;
  private readonly m: DenseGrads[];
  private readonly v: DenseGrads[];
  constructor(
    private readonly net: DenseNet,
    private readonly lr = 1e-3,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    const zeros = () => net.layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
    this.m = zeros();
    this.v = zeros();
  }

  step(grads: DenseGrads[]): void {
    this.t++;
    const c1 = 1 - Math.pow(this.beta1, this.t);
    const c2 = 1 - Math.pow(this.beta2, this.t);
    const stepSize = this.lr * Math.sqrt(c2) / c1;
    this.net.layers.forEach((layer, l) => {
      this.update(layer.w, grads[l].w, this.m[l].w, this.v[l].w, stepSize);
      this.update(layer.b, grads[l].b, this.m[l].b, this.v[l].b, stepSize);
    });
  }

  // TF1's Adam form (the GAIN reference's optimiser): lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps added to sqrt(v).
  private update(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, stepSize: number): void {
    const { beta1: b1, beta2: b2, epsilon } = this;
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + epsilon);
    }
  }
}
