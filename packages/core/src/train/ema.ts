// Exponential moving average of G's weights: a shadow copy updated after every generator step.
// Non-trainable weights (batch-norm statistics) are copied, not averaged.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface Ema {
  readonly decay: number;
  /** shadow values, one per model.weights entry, in that order */
  readonly shadow: tf.Variable[];
  update(model: tfl.LayersModel): void;
  /** writes the shadow values into a model of the same architecture */
  copyTo(model: tfl.LayersModel): void;
  dispose(): void;
}

export function createEma(model: tfl.LayersModel, decay: number, initial?: tf.Tensor[]): Ema {
  const weights = model.weights;
  if (initial && initial.length !== weights.length) {
    throw new Error(`EMA state has ${initial.length} tensors, the generator has ${weights.length} weights`);
  }
  // a copy of its own (a backend may update weights in place), released once the variable holds it
  const shadow = weights.map((w, i) => {
    const copy = (initial ? initial[i] : w.read()).clone();
    const v = tf.variable(copy, false);
    copy.dispose();
    return v;
  });
  const trainable = weights.map((w) => w.trainable);
  return {
    decay,
    shadow,
    update(m) {
      const current = m.weights;
      tf.tidy(() => {
        current.forEach((w, i) => {
          const v = w.read();
          shadow[i].assign(trainable[i] ? tf.add(tf.mul(shadow[i], decay), tf.mul(v, 1 - decay)) : v);
        });
      });
    },
    copyTo(target) {
      if (target.weights.length !== shadow.length) {
        throw new Error(`EMA holds ${shadow.length} tensors, the target model has ${target.weights.length} weights`);
      }
      target.setWeights(shadow);
    },
    dispose() { shadow.forEach((v) => v.dispose()); },
  };
}
