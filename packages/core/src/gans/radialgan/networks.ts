// Fully connected networks for RadialGAN's encoders, decoders and critics, held as tfjs variables and
// initialised from a gantry Rng so a run is reproducible from its seed on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random.js';

export type OutputActivation = 'linear' | 'sigmoid' | 'tanh';

export interface DenseNet {
  readonly weights: readonly tf.Variable[];
  readonly biases: readonly tf.Variable[];
  readonly output: OutputActivation;
}

/** He-normal weights (hidden layers are ReLU), zero biases. sizes = [inputs, hidden..., outputs]. */
export function createDenseNet(rng: Rng, sizes: readonly number[], output: OutputActivation): DenseNet {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(`createDenseNet: sizes must be two or more positive integers, got [${sizes.join(', ')}]`);
  }
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const std = Math.sqrt(2 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
    // tidy frees the initial values; variables survive it.
    tf.tidy(() => {
      weights.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut])));
      biases.push(tf.variable(tf.zeros([fanOut])));
    });
  }
  return { weights, biases, output };
}

export function denseNetVariables(net: DenseNet): tf.Variable[] {
  return [...net.weights, ...net.biases];
}

export function disposeDenseNet(net: DenseNet): void {
  tf.dispose(denseNetVariables(net));
}

export function denseForward(net: DenseNet, x: tf.Tensor2D): tf.Tensor2D {
  const last = net.weights.length - 1;
  let h = x;
  net.weights.forEach((w, l) => {
    h = tf.fused.matMul({ a: h, b: w as tf.Tensor2D, bias: net.biases[l], activation: l === last ? 'linear' : 'relu' }) as tf.Tensor2D;
  });
  if (net.output === 'sigmoid') return tf.sigmoid(h);
  if (net.output === 'tanh') return tf.tanh(h);
  return h;
}
