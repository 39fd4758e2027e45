// The one dense-network builder: a plain stack of dense layers (hidden ReLU or tanh; linear, sigmoid or tanh
// output) as a tfjs-layers model, with weights drawn from a gantry Rng rather than tfjs initializers, so
// that a network is reproducible from its seed on every backend. Two initialisations: He normal (std =
// sqrt(2 / fanIn), as in the GAIN reference code; zero biases) and PyTorch's nn.Linear default
// (U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for kernel and bias, as CTGAN); each kernel drawn row-major, layer by
// layer. Its layers are FusedDense: one kernel per layer where the backend has it. drawDenseWeights is the
// same draw for a network of another shape (the synthesizer's residual blocks).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense } from '../layers/dense.js';
import type { Rng } from '../random.js';
import { denseForward } from '../tfjs-gradients/fused-ops.js';

export type DenseHiddenActivation = 'relu' | 'tanh';
export type DenseOutputActivation = 'linear' | 'sigmoid' | 'tanh';
export type DenseInit = 'he-normal' | 'torch-uniform';

export interface DenseNetworkOptions {
  /** Default 'relu'. */
  hiddenActivation?: DenseHiddenActivation;
  /** Default 'linear'. */
  outputActivation?: DenseOutputActivation;
  /** Default 'he-normal'. */
  init?: DenseInit;
  name?: string;
}

/** One dense layer's initial kernel (inputs x outputs, row-major) and bias, drawn from rng in that order. */
export function drawDenseWeights(rng: Rng, inputs: number, outputs: number, init: DenseInit = 'he-normal'): { kernel: Float32Array; bias: Float32Array } {
  const kernel = new Float32Array(inputs * outputs);
  const bias = new Float32Array(outputs);
  if (init === 'he-normal') {
    const std = Math.sqrt(2 / inputs);
    for (let i = 0; i < kernel.length; i++) kernel[i] = std * rng.normal();
  } else if (init === 'torch-uniform') {
    const bound = 1 / Math.sqrt(inputs);
    for (let i = 0; i < kernel.length; i++) kernel[i] = bound * (2 * rng.next() - 1);
    for (let i = 0; i < bias.length; i++) bias[i] = bound * (2 * rng.next() - 1);
  } else {
    throw new Error(`drawDenseWeights: init must be 'he-normal' or 'torch-uniform', got ${JSON.stringify(init)}`);
  }
  return { kernel, bias };
}

export function denseNetwork(rng: Rng, sizes: readonly number[], o: DenseNetworkOptions = {}): tfl.LayersModel {
  const hiddenActivation = o.hiddenActivation ?? 'relu';
  const outputActivation = o.outputActivation ?? 'linear';
  if (sizes.length < 2) throw new Error(`denseNetwork needs at least an input and an output size, got [${sizes.join(', ')}]`);
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) throw new Error(`denseNetwork: layer sizes must be positive integers, got [${sizes.join(', ')}]`);
  if (hiddenActivation !== 'relu' && hiddenActivation !== 'tanh') {
    throw new Error(`denseNetwork: hidden activation must be 'relu' or 'tanh', got ${JSON.stringify(hiddenActivation)}`);
  }
  if (!['linear', 'sigmoid', 'tanh'].includes(outputActivation)) {
    throw new Error(`denseNetwork: output activation must be 'linear', 'sigmoid' or 'tanh', got ${JSON.stringify(outputActivation)}`);
  }
  const model = tfl.sequential({ name: o.name });
  const weights: tf.Tensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inputs, outputs] = [sizes[l], sizes[l + 1]];
    const last = l + 2 === sizes.length;
    model.add(dense({ units: outputs, activation: last ? outputActivation : hiddenActivation, ...(l === 0 ? { inputShape: [inputs] } : {}) }));
    const { kernel, bias } = drawDenseWeights(rng, inputs, outputs, o.init);
    weights.push(tf.tensor2d(kernel, [inputs, outputs]), tf.tensor1d(bias));
  }
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

type Activation = DenseHiddenActivation | DenseOutputActivation;

// The hidden and output activations, read once per model: reading a layer's config on every call costs more
// than the small networks' arithmetic.
const activations = new WeakMap<tfl.LayersModel, { hidden: Activation; output: Activation }>();

function activationOf(layer: tfl.layers.Layer | undefined): Activation {
  return (layer?.getConfig().activation ?? 'linear') as Activation;
}

/**
 * A dense network's output and its last hidden layer's activations (the network's features), computed from
 * its weights with the same kernels as its layers (denseForward) but without tfjs-layers' per-call
 * bookkeeping, which the tabular GANs' few-dozen-unit networks pay more for than for their arithmetic.
 */
export function denseNetworkWithFeatures(model: tfl.LayersModel, x: tf.Tensor2D): { output: tf.Tensor2D; features: tf.Tensor2D } {
  let act = activations.get(model);
  const last = model.layers.length - 1;
  if (act === undefined) {
    act = { hidden: activationOf(model.layers[0]), output: activationOf(model.layers[last]) };
    activations.set(model, act);
  }
  let features = x;
  let h = x;
  model.layers.forEach((layer, l) => {
    if (l === last) features = h;
    const [kernel, bias] = layer.weights.map((w) => w.read());
    const activation = l === last ? act.output : act.hidden;
    h = denseForward(h, kernel as tf.Tensor2D, bias as tf.Tensor1D, activation === 'relu' ? 'relu' : 'linear');
    if (activation === 'tanh') h = tf.tanh(h);
    else if (activation === 'sigmoid') h = tf.sigmoid(h);
  });
  return { output: h, features };
}

/** A dense network's output (see denseNetworkWithFeatures). */
export function applyDenseNetwork(model: tfl.LayersModel, x: tf.Tensor2D): tf.Tensor2D {
  return denseNetworkWithFeatures(model, x).output;
}
