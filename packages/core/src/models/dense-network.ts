// A plain stack of dense layers (hidden ReLU or tanh, linear output) as a tfjs-layers model, with weights
// drawn from a gantry Rng rather than tfjs initializers, so that a network is reproducible from its seed
// on every backend: Xavier normal as in the GAIN reference code (std = 1 / sqrt(fanIn / 2), each kernel
// drawn row-major, layer by layer), zero biases. Its layers are FusedDense: one kernel per layer where
// the backend has it.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense } from '../layers/dense.js';
import type { Rng } from '../random.js';

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

/** A dense network's output and its last hidden layer's activations (the network's features). */
export function denseNetworkWithFeatures(model: tfl.LayersModel, x: tf.Tensor2D): { output: tf.Tensor2D; features: tf.Tensor2D } {
  let features = x;
  let h = x;
  model.layers.forEach((layer, l) => {
    if (l === model.layers.length - 1) features = h;
    h = layer.apply(h) as tf.Tensor2D;
  });
  return { output: h, features };
}
