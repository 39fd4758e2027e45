// The semi-supervised GAN's networks as the authors' MNIST code builds them (openai/improved-gan,
// train_mnist_feature_matching.py), held as plain variables so that every noise draw comes from the run's Rng:
//
// classifier (the discriminator, also the supervised-only and pseudo-labelling baselines' network):
//   Gaussian noise (0.3) on the input, then per hidden layer a weight-normalised dense layer
//   (W = v * g / ||v||, per output unit), ReLU and Gaussian noise (0.5); a weight-normalised dense layer to
//   the K class logits. As in that code, v ~ N(0, 0.1), g is trained only in the output layer, and g and the
//   bias start from one data-dependent pass (each pre-activation of an initial batch gets mean 0, std 1).
//   The last hidden layer's activations (before its noise) are the features the generator matches.
//   Optional: minibatch discrimination (layers/minibatch-discrimination.ts) between the last hidden layer
//   and the output.
// generator: z ~ U(0, 1)^latent, per hidden layer dense -> batch norm (batch statistics, a learned shift, no
//   scale) -> softplus; a weight-normalised dense output with a trained scale and sigmoid, images in [0, 1].
//   Its dense kernels are drawn He-normal (drawDenseWeights), not Lasagne's Glorot-uniform; batch norm
//   follows them, so only the output layer's direction matters, and weight norm removes its scale.
import * as tf from '@tensorflow/tfjs-core';
import { MinibatchDiscrimination } from '../../layers/minibatch-discrimination.js';
import { drawDenseWeights } from '../../models/dense-network.js';
import { randomNormal, type Rng } from '../../random.js';

/** A dense layer with weight normalisation: kernel = direction * scale / ||direction|| (column norms). */
interface NormalizedDense {
  direction: tf.Variable<tf.Rank.R2>;
  scale: tf.Variable<tf.Rank.R1>;
  bias: tf.Variable<tf.Rank.R1>;
}

export interface ClassifierShape {
  inputs: number;
  hidden: readonly number[];
  classes: number;
  /** std of the Gaussian noise added to the input (authors: 0.3) and after every hidden layer (0.5) */
  inputNoise: number;
  hiddenNoise: number;
  /** minibatch discrimination kernels before the output layer (0: none); each projects to 5 dimensions */
  minibatchKernels: number;
}

export interface Classifier {
  shape: ClassifierShape;
  hidden: NormalizedDense[];
  minibatch?: MinibatchDiscrimination;
  out: NormalizedDense;
}

export interface GeneratorShape { latent: number; hidden: readonly number[]; outputs: number }

export interface Generator {
  shape: GeneratorShape;
  hidden: { kernel: tf.Variable<tf.Rank.R2>; shift: tf.Variable<tf.Rank.R1> }[];
  out: NormalizedDense;
}

const MINIBATCH_DIMS = 5;

function normalizedDense(rng: Rng, inputs: number, outputs: number, trainScale: boolean, directionStd: number): NormalizedDense {
  const direction = new Float32Array(inputs * outputs);
  for (let i = 0; i < direction.length; i++) direction[i] = directionStd * rng.normal();
  return tf.tidy(() => ({
    direction: tf.variable(tf.tensor2d(direction, [inputs, outputs])),
    scale: tf.variable(tf.ones([outputs]) as tf.Tensor1D, trainScale),
    bias: tf.variable(tf.zeros([outputs]) as tf.Tensor1D),
  }));
}

function normalizedKernel(l: NormalizedDense): tf.Tensor2D {
  return tf.mul(l.direction, tf.div(l.scale, tf.sqrt(tf.add(tf.sum(tf.square(l.direction), 0), 1e-6))));
}

function applyNormalized(l: NormalizedDense, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, normalizedKernel(l)), l.bias);
}

function withNoise(x: tf.Tensor2D, std: number, rng: Rng | undefined): tf.Tensor2D {
  return rng && std > 0 ? tf.add(x, randomNormal(rng, x.shape, 0, std)) : x;
}

export function createClassifier(rng: Rng, shape: ClassifierShape): Classifier {
  const hidden: NormalizedDense[] = [];
  let width = shape.inputs;
  for (const units of shape.hidden) { hidden.push(normalizedDense(rng, width, units, false, 0.1)); width = units; }
  let minibatch: MinibatchDiscrimination | undefined;
  if (shape.minibatchKernels > 0) {
    minibatch = new MinibatchDiscrimination({ kernels: shape.minibatchKernels, dims: MINIBATCH_DIMS });
    minibatch.build([null, width]);
    const projection = randomNormal(rng, [width, shape.minibatchKernels * MINIBATCH_DIMS], 0, 0.05);
    minibatch.setWeights([projection]);
    projection.dispose();
    width += shape.minibatchKernels;
  }
  return { shape, hidden, minibatch, out: normalizedDense(rng, width, shape.classes, true, 0.1) };
}

/** Every variable of the classifier, trained or not, in a fixed order (checkpoints restore by order). */
export function classifierVariables(c: Classifier): tf.Variable[] {
  const minibatch = c.minibatch ? c.minibatch.trainableWeights.map((w) => w.read() as tf.Variable) : [];
  return [...[...c.hidden, c.out].flatMap((l): tf.Variable[] => [l.direction, l.scale, l.bias]), ...minibatch];
}

export interface ClassifierOutput {
  /** [N, K] class logits; logsumexp over them is the real-vs-generated logit */
  logits: tf.Tensor2D;
  /** [N, last hidden width] the last hidden layer's activations */
  features: tf.Tensor2D;
}

/**
 * The classifier on images in [0, 1] ([N, inputs]). With `noise` the Gaussian noise layers draw from it
 * (training); without, they are off (prediction, as the authors' deterministic=True).
 */
export function classifierForward(c: Classifier, x: tf.Tensor2D, noise?: Rng): ClassifierOutput {
  let h = withNoise(x, c.shape.inputNoise, noise);
  let features = h;
  for (const layer of c.hidden) {
    features = tf.relu(applyNormalized(layer, h));
    h = withNoise(features, c.shape.hiddenNoise, noise);
  }
  if (c.minibatch) h = c.minibatch.apply(h) as tf.Tensor2D;
  return { logits: applyNormalized(c.out, h), features };
}

/**
 * The authors' data-dependent initialisation: one pass over `x` with noise, each layer's scale and bias set
 * so that its pre-activations have mean 0 and std 1 on that batch.
 */
export function initializeFromData(c: Classifier, x: tf.Tensor2D, noise: Rng): void {
  tf.tidy(() => {
    let h = withNoise(x, c.shape.inputNoise, noise);
    const layers = [...c.hidden, c.out];
    layers.forEach((layer, i) => {
      if (i === layers.length - 1 && c.minibatch) h = c.minibatch.apply(h) as tf.Tensor2D;
      const raw = tf.matMul(h, normalizedKernel(layer));
      const { mean, variance } = tf.moments(raw, 0);
      const std = tf.sqrt(tf.add(variance, 1e-8));
      layer.scale.assign(tf.div(layer.scale, std));
      layer.bias.assign(tf.div(tf.neg(mean), std));
      if (i < c.hidden.length) h = withNoise(tf.relu(applyNormalized(layer, h)), c.shape.hiddenNoise, noise);
    });
  });
}

export function createGenerator(rng: Rng, shape: GeneratorShape): Generator {
  const hidden: Generator['hidden'] = [];
  let width = shape.latent;
  for (const units of shape.hidden) {
    const { kernel } = drawDenseWeights(rng, width, units);
    hidden.push(tf.tidy(() => ({ kernel: tf.variable(tf.tensor2d(kernel, [width, units])), shift: tf.variable(tf.zeros([units]) as tf.Tensor1D) })));
    width = units;
  }
  return { shape, hidden, out: normalizedDense(rng, width, shape.outputs, true, Math.sqrt(2 / width)) };
}

export function generatorVariables(g: Generator): tf.Variable[] {
  return [...g.hidden.flatMap((l) => [l.kernel, l.shift]), g.out.direction, g.out.scale, g.out.bias];
}

/** Images in [0, 1], [N, outputs], from z ~ U(0, 1)^latent drawn from rng; batch norm uses the batch's statistics. */
export function generate(g: Generator, rows: number, rng: Rng): tf.Tensor2D {
  let h = tf.tensor2d(Float32Array.from({ length: rows * g.shape.latent }, () => rng.next()), [rows, g.shape.latent]);
  for (const layer of g.hidden) {
    const y = tf.matMul(h, layer.kernel);
    const { mean, variance } = tf.moments(y, 0);
    h = tf.softplus(tf.add(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, 1e-6))), layer.shift)) as tf.Tensor2D;
  }
  return tf.sigmoid(applyNormalized(g.out, h)) as tf.Tensor2D;
}
