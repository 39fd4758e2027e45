// A plain stack of dense layers (hidden ReLU or tanh, linear output) as a tfjs-layers model, with weights
// drawn from a gantry Rng rather than tfjs initializers, so that a network is reproducible from its seed
// on every backend: Xavier normal as in the GAIN reference code (std = 1 / sqrt(fanIn / 2), each kernel
// drawn row-major, layer by layer), zero biases. Its layers are FusedDense: one kernel per layer where
// the backend has it.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense } from '../layers/dense.js';
import type { Rng } from '../random.js';
import { denseForward } from '../tfjs-gradients/fused-ops.js';

export type DenseHiddenActivation = 'relu' | 'tanh';

export function denseNetwork(rng: Rng, sizes: readonly number[], o: { hiddenActivation?: DenseHiddenActivation; name?: string } = {}): tfl.LayersModel {
  const hiddenActivation = o.hiddenActivation ?? 'relu';
  if (sizes.length < 2) throw new Error(`denseNetwork needs at least an input and an output size, got [${sizes.join(', ')}]`);
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) throw new Error(`denseNetwork: layer sizes must be positive integers, got [${sizes.join(', ')}]`);
  if (hiddenActivation !== 'relu' && hiddenActivation !== 'tanh') {
    throw new Error(`denseNetwork: hidden activation must be 'relu' or 'tanh', got ${JSON.stringify(hiddenActivation)}`);
  }
  const model = tfl.sequential({ name: o.name });
  const weights: tf.Tensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inputs, outputs] = [sizes[l], sizes[l + 1]];
    const last = l + 2 === sizes.length;
    model.add(dense({ units: outputs, activation: last ? 'linear' : hiddenActivation, ...(l === 0 ? { inputShape: [inputs] } : {}) }));
    const std = 1 / Math.sqrt(inputs / 2);
    const kernel = new Float32Array(inputs * outputs);
    for (let i = 0; i < kernel.length; i++) kernel[i] = std * rng.normal();
    weights.push(tf.tensor2d(kernel, [inputs, outputs]), tf.zeros([outputs]));
  }
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

// Each layer's activation, read once per model: reading a layer's config on every call costs more than the
// small networks' arithmetic.
const activations = new WeakMap<tfl.LayersModel, DenseHiddenActivation | 'linear'>();

/**
 * A dense network's output and its last hidden layer's activations (the network's features), computed from
 * its weights with the same kernels as its layers (denseForward) but without tfjs-layers' per-call
 * bookkeeping, which the tabular GANs' few-dozen-unit networks pay more for than for their arithmetic.
 */
export function denseNetworkWithFeatures(model: tfl.LayersModel, x: tf.Tensor2D): { output: tf.Tensor2D; features: tf.Tensor2D } {
  let hidden = activations.get(model);
  if (hidden === undefined) {
    hidden = (model.layers[0]?.getConfig().activation ?? 'linear') as DenseHiddenActivation | 'linear';
    activations.set(model, hidden);
  }
  const last = model.layers.length - 1;
  let features = x;
  let h = x;
  model.layers.forEach((layer, l) => {
    if (l === last) features = h;
    const [kernel, bias] = layer.weights.map((w) => w.read());
    const activation = l === last ? 'linear' : hidden;
    h = denseForward(h, kernel as tf.Tensor2D, bias as tf.Tensor1D, activation === 'relu' ? 'relu' : 'linear');
    if (activation === 'tanh') h = tf.tanh(h);
  });
  return { output: h, features };
}

/** A dense network's output (see denseNetworkWithFeatures). */
export function applyDenseNetwork(model: tfl.LayersModel, x: tf.Tensor2D): tf.Tensor2D {
  return denseNetworkWithFeatures(model, x).output;
}
