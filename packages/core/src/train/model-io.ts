// How the trainer calls G and D: plain or conditional inputs, one output or (logits, class logits).
// Structure is read from the models themselves so a config cannot disagree with them silently.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface CriticOutput { logits: tf.Tensor; classLogits?: tf.Tensor }

export function takesLabels(model: tfl.LayersModel): boolean {
  return model.inputs.length >= 2;
}

export function hasAuxClassifier(discriminator: tfl.LayersModel): boolean {
  return discriminator.outputs.length >= 2;
}

/** Reshapes int labels [N] or [N, 1] to the rank the model's label input declares. */
export function labelsFor(model: tfl.LayersModel, labels: tf.Tensor): tf.Tensor {
  const want = model.inputs[1]?.shape.length ?? 2;
  const flat = tf.cast(tf.reshape(labels, [-1]), 'int32');
  return want === 1 ? flat : tf.reshape(flat, [-1, 1]);
}

function modelInputs(model: tfl.LayersModel, x: tf.Tensor, labels: tf.Tensor | undefined, role: string): tf.Tensor | tf.Tensor[] {
  if (!takesLabels(model)) return x;
  if (!labels) throw new Error(`${role} "${model.name}" takes class labels as a second input, but none were given`);
  return [x, labelsFor(model, labels)];
}

export function runGenerator(generator: tfl.LayersModel, z: tf.Tensor, labels: tf.Tensor | undefined, training: boolean): tf.Tensor {
  const out = generator.apply(modelInputs(generator, z, labels, 'generator'), { training });
  return (Array.isArray(out) ? out[0] : out) as tf.Tensor;
}

export function runDiscriminator(discriminator: tfl.LayersModel, x: tf.Tensor, labels: tf.Tensor | undefined, training: boolean): CriticOutput {
  const out = discriminator.apply(modelInputs(discriminator, x, labels, 'discriminator'), { training });
  if (Array.isArray(out)) return { logits: out[0] as tf.Tensor, classLogits: out[1] as tf.Tensor | undefined };
  return { logits: out as tf.Tensor };
}

/** The engine variables behind a model's trainable weights, in a fixed order (optimizer slots are positional). */
export function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Hands gradients to the optimizer in vars' order, with null for a variable the loss does not touch
 * (tfjs optimizers skip null; dropping the entry would shift every later optimizer slot).
 */
export function applyInOrder(optimizer: tf.Optimizer, vars: tf.Variable[], grads: tf.NamedTensorMap): void {
  const ordered = vars.map((v) => ({ name: v.name, tensor: grads[v.name] ?? (null as unknown as tf.Tensor) }));
  optimizer.applyGradients(ordered);
}
