// Exponential moving average of G's weights: a shadow copy updated after every generator step.
// Non-trainable weights (batch-norm statistics) are copied, not averaged. Where the backend registers
// GantryEmaUpdate (torch) one kernel averages every weight, bit-identical to the composed ops.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EMA_UPDATE_KERNEL, type EmaUpdateAttrs } from '@gantry/kernels';

import { backendHasKernel } from '../tfjs-gradients/fused-ops.js';

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
        const averaged = current.flatMap((w, i) => (trainable[i] ? [i] : []));
        if (averaged.length > 0 && backendHasKernel(EMA_UPDATE_KERNEL) && averaged.every((i) => shadow[i].dtype === 'float32')) {
          // one kernel for every averaged weight, the same float32 arithmetic as the ops below
          const inputs = [...averaged.map((i) => shadow[i]), ...averaged.map((i) => current[i].read())] as unknown as tf.NamedTensorMap;
          const attrs: EmaUpdateAttrs = { decay };
          const out = tf.engine().runKernel(EMA_UPDATE_KERNEL, inputs, { ...attrs }) as tf.Tensor[];
          averaged.forEach((i, k) => shadow[i].assign(out[k]));
        } else {
          for (const i of averaged) shadow[i].assign(tf.add(tf.mul(shadow[i], decay), tf.mul(current[i].read(), 1 - decay)));
        }
        current.forEach((w, i) => { if (!trainable[i]) shadow[i].assign(w.read()); });
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
