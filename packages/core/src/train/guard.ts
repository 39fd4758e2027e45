// Divergence guard: stop at the first NaN/Inf, naming the step and the loss or weight.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LossValues } from './types.js';

export class DivergenceError extends Error {
  constructor(readonly step: number, readonly tensorName: string, readonly value: number, detail = '') {
    super(`training diverged at step ${step}: ${tensorName} is ${value}${detail ? ` (${detail})` : ''}; ` +
      'the last good checkpoint was left as it was');
    this.name = 'DivergenceError';
  }
}

export function assertFiniteLosses(step: number, losses: LossValues): void {
  for (const [name, value] of Object.entries(losses)) {
    if (!Number.isFinite(value)) throw new DivergenceError(step, `loss "${name}"`, value);
  }
}

/** Index of the first weight holding a NaN/Inf, with one device read for the whole model. */
export function firstNonFiniteWeight(model: tfl.LayersModel): { index: number; name: string } | null {
  const weights = model.weights;
  if (weights.length === 0) return null;
  const flags = tf.tidy(() => tf.stack(weights.map((w) => {
    const v = w.read();
    // 1 where any element is NaN or +-Inf: x - x is NaN exactly for those.
    return tf.any(tf.reshape(tf.isNaN(tf.sub(v, v)), [-1]));
  })).dataSync());
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) return { index: i, name: weights[i].originalName ?? weights[i].name };
  }
  return null;
}

export function assertFiniteWeights(step: number, model: tfl.LayersModel, role: string): void {
  const bad = firstNonFiniteWeight(model);
  if (bad) throw new DivergenceError(step, `${role} weight "${bad.name}"`, NaN, 'NaN or Inf after the update');
}
