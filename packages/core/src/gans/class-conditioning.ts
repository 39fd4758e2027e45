// Class conditioning of StyleGAN and ProGAN, as the papers' conditional variants do it:
//   G: a learned class embedding e(y) beside z at G's input (StyleGAN: into the mapping network)
//   D: the projection discriminator (Miyato & Koyama 2018): D(x, y) = psi(phi(x)) + <E(y), phi(x)>,
//      phi(x) D's last hidden features, psi its logit layer, E a second learned class embedding.
// Labels travel as one-hot rows [N, K], so an embedding is a bias-free dense layer (a lookup table that
// tfjs-layers can save, load and average like any other weight). Layers here are named without a stage
// prefix, so ProGAN's stage runner (progan/grow.ts) leaves them to the caller.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../random.js';

export const CLASS_INPUT = 'class';
export const CLASS_EMBEDDING = 'class_embedding';
export const CLASS_PROJECTION = 'class_projection';

/** A learned embedding of one-hot class rows [N, K] -> [N, units]; seeded on its own so G's and D's other weights match an unconditional run's. */
export function classEmbedding(units: number, seed: number | undefined, name: string): tfl.layers.Layer {
  return tfl.layers.dense({ units, useBias: false, kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed }), name });
}

export function classInput(numClasses: number): tfl.SymbolicTensor {
  return tfl.input({ shape: [numClasses], name: CLASS_INPUT });
}

/** psi(phi) + <E(y), phi>: a logit [N, 1] from D's features [N, C], its logit and the embedded class [N, C]; works on symbolic tensors too. */
export function projectLogit<T extends tf.Tensor | tfl.SymbolicTensor>(logit: T, features: T, embedded: T, name?: string): T {
  const inner = tfl.layers.dot({ axes: 1, name: name && `${name}_inner` }).apply([features, embedded] as never);
  return tfl.layers.add({ name }).apply([logit, inner] as never) as T;
}

/** The class count of a model with a class input, or undefined for an unconditional one. */
export function numClassesOf(model: tfl.LayersModel): number | undefined {
  const input = model.inputs.find((x) => x.name.startsWith(CLASS_INPUT));
  return input?.shape[1] ?? undefined;
}

/** One-hot rows [N, K] of class indices, each checked against K. */
export function oneHotClasses(classes: readonly number[] | Int32Array, numClasses: number): tf.Tensor2D {
  const bad = Array.from(classes).find((c) => !(Number.isInteger(c) && c >= 0 && c < numClasses));
  if (bad !== undefined) throw new Error(`class ${bad} outside [0, ${numClasses})`);
  return tf.tidy(() => labelsOneHot(tf.tensor1d(Array.from(classes), 'int32'), numClasses));
}

/** One-hot float rows [N, K] of int32 labels [N] (a data batch's). */
export function labelsOneHot(labels: tf.Tensor, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(labels as tf.Tensor1D, numClasses), 'float32') as tf.Tensor2D);
}

/**
 * n one-hot rows for `model`'s class input: one class for every row, or one per row (undefined without a class);
 * a class for an unconditional model is an error.
 */
export function classRows(model: tfl.LayersModel, classIndex: number | readonly number[] | undefined, n: number): tf.Tensor2D | undefined {
  if (classIndex === undefined) return undefined;
  const numClasses = numClassesOf(model);
  if (!numClasses) throw new Error(`${model.name} is unconditional: it takes no class`);
  if (typeof classIndex !== 'number' && classIndex.length !== n) throw new Error(`${classIndex.length} classes for ${n} images`);
  return oneHotClasses(typeof classIndex === 'number' ? Array.from({ length: n }, () => classIndex) : classIndex, numClasses);
}

/** What a class menu lists for a conditional run: its data's class names, or "0", "1", ... where the data named none. */
export function classLabels(numClasses: number, classNames?: readonly string[]): string[] {
  return classNames?.length === numClasses ? [...classNames] : Array.from({ length: numClasses }, (_, i) => String(i));
}

/** n class indices drawn uniformly from rng: the classes of a fake batch. */
export function drawClasses(rng: Rng, n: number, numClasses: number): number[] {
  return Array.from({ length: n }, () => rng.int(numClasses));
}

/** The classes of a conditional dataset; throws naming the dataset when it has none. */
export function datasetClasses(data: { name: string; labels?: Int32Array; numClasses?: number; classNames?: string[] }, model: string): { numClasses: number; classNames?: string[] } {
  if (!data.labels || !data.numClasses || data.numClasses < 2) {
    throw new Error(`${model}: conditional training needs class labels, and dataset ${data.name} has none`);
  }
  return { numClasses: data.numClasses, ...(data.classNames ? { classNames: data.classNames } : {}) };
}
