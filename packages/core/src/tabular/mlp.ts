// Small fully connected networks as tfjs variables, for the tabular GANs (GAIN, anomaly scores).
//
// Weights are drawn from a gantry Rng rather than tfjs initializers so that a run is reproducible from its
// seed on every backend. These networks are a few dozen units wide, so a step costs the number of kernels
// dispatched, not the arithmetic: each layer is fused-ops.ts denseForward, one kernel on the torch backend
// and matMul, add, relu elsewhere (tf.fused.matMul was measured to dispatch more kernels per training step,
// forward reshapes included: 53 vs 46 for a 3-layer gradient on tfjs 4.22).
import * as tf from '@tensorflow/tfjs-core';
import { denseForward } from '../fused-ops.js';
import type { Rng } from '../random.js';
// Registers tfjs's gradients (through tfjs-layers) and gantry's fixes, so training works without other imports.
import '../tfjs-fixes/index.js';

export interface MlpLayer {
  /** inputs x outputs. */
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

export type MlpHiddenActivation = 'relu' | 'tanh';

/** Hidden layers use ReLU (or tanh); the last layer is linear (callers apply their own output nonlinearity). */
export interface Mlp { readonly layers: readonly MlpLayer[]; readonly hiddenActivation: MlpHiddenActivation }

/** Xavier normal as in the GAIN reference code: std = 1 / sqrt(fanIn / 2), zero biases. */
export function createMlp(rng: Rng, sizes: readonly number[], hiddenActivation: MlpHiddenActivation = 'relu'): Mlp {
  if (sizes.length < 2) throw new Error(`createMlp needs at least an input and an output size, got [${sizes.join(', ')}]`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s <= 0) throw new Error(`createMlp: layer sizes must be positive integers, got [${sizes.join(', ')}]`);
  }
  if (hiddenActivation !== 'relu' && hiddenActivation !== 'tanh') {
    throw new Error(`createMlp: hidden activation must be 'relu' or 'tanh', got ${JSON.stringify(hiddenActivation)}`);
  }
  const layers: MlpLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inputs, outputs] = [sizes[l], sizes[l + 1]];
    const std = 1 / Math.sqrt(inputs / 2);
    const w = new Float32Array(inputs * outputs);
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
    const [w0, b0] = [tf.tensor2d(w, [inputs, outputs]), tf.zeros([outputs]) as tf.Tensor1D];
    layers.push({ w: tf.variable(w0), b: tf.variable(b0) });
    tf.dispose([w0, b0]);
  }
  return { layers, hiddenActivation };
}

export function mlpVariables(net: Mlp): tf.Variable[] {
  return net.layers.flatMap((l) => [l.w, l.b]);
}

export function disposeMlp(net: Mlp): void {
  for (const v of mlpVariables(net)) v.dispose();
}

/** A copy of a network's weights in new variables (not trainable: a shadow for averaging). */
export function cloneMlp(net: Mlp): Mlp {
  return { layers: net.layers.map((l) => ({ w: tf.variable(l.w, false), b: tf.variable(l.b, false) })), hiddenActivation: net.hiddenActivation };
}

/** shadow <- decay * shadow + (1 - decay) * net, weight by weight: an exponential moving average. */
export function averageMlpInto(shadow: Mlp, net: Mlp, decay: number): void {
  tf.tidy(() => {
    const from = mlpVariables(net);
    mlpVariables(shadow).forEach((s, i) => s.assign(tf.add(tf.mul(s, decay), tf.mul(from[i], 1 - decay))));
  });
}

/** The last layer's linear output and the last hidden layer's activations (the network's features). */
export interface MlpOutput { output: tf.Tensor2D; features: tf.Tensor2D }

export function mlpForwardWithFeatures(net: Mlp, x: tf.Tensor2D): MlpOutput {
  const last = net.layers.length - 1;
  let h = x;
  let features = x;
  const tanh = net.hiddenActivation === 'tanh';
  net.layers.forEach((layer, l) => {
    if (l === last) features = h;
    const hidden = l !== last;
    h = denseForward(h, layer.w, layer.b, hidden && !tanh ? 'relu' : 'linear');
    if (hidden && tanh) h = tf.tanh(h);
  });
  return { output: h, features };
}

export function mlpForward(net: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  return mlpForwardWithFeatures(net, x).output;
}

/** Copies the weights out, as plain arrays (for checks and serialisation). */
export function mlpWeights(net: Mlp): { w: Float32Array; b: Float32Array; inputs: number; outputs: number }[] {
  return net.layers.map((l) => ({ w: l.w.dataSync() as Float32Array, b: l.b.dataSync() as Float32Array, inputs: l.w.shape[0], outputs: l.w.shape[1] }));
}
