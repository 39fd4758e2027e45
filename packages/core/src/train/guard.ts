// Divergence guard: stop at the first NaN/Inf, naming the step and the loss or weight.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelBlob } from './checkpoint.js';
import type { LossValues } from './types.js';

export class DivergenceError extends Error {
  constructor(readonly step: number, readonly tensorName: string, readonly value: number, detail = '') {
    super(`training diverged at step ${step}: ${tensorName} is ${value}${detail ? ` (${detail})` : ''}`);
    this.name = 'DivergenceError';
  }
}

export function assertFiniteLosses(step: number, losses: LossValues): void {
  for (const [name, value] of Object.entries(losses)) {
    if (!Number.isFinite(value)) throw new DivergenceError(step, `loss "${name}"`, value);
  }
}

/** Index of the first tensor holding a NaN/Inf (or -1), with one device read for all of them. */
function firstNonFinite(tensors: readonly tf.Tensor[]): number {
  if (tensors.length === 0) return -1;
  // 1 where any element is NaN or +-Inf: x - x is NaN exactly for those.
  const flags = tf.tidy(() => tf.stack(tensors.map((v) => tf.any(tf.reshape(tf.isNaN(tf.sub(v, v)), [-1])))).dataSync());
  return flags.findIndex((f) => f !== 0);
}

/** Index and name of the first weight holding a NaN/Inf. */
export function firstNonFiniteWeight(model: tfl.LayersModel): { index: number; name: string } | null {
  const weights = model.weights;
  const index = firstNonFinite(weights.map((w) => w.read()));
  return index < 0 ? null : { index, name: weights[index].originalName ?? weights[index].name };
}

/** The same check on saved weights, without building the model: the name of the first float32 weight holding a NaN/Inf. */
export function firstNonFiniteSavedWeight(blob: ModelBlob): string | null {
  let offset = 0;
  for (const spec of blob.weightSpecs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'float32' || spec.dtype === undefined) {
      const values = new Float32Array(blob.weightData.slice(offset, offset + 4 * count));
      if (values.some((v) => !Number.isFinite(v))) return spec.name;
    }
    offset += 4 * count;
  }
  return null;
}

export function assertFiniteWeights(step: number, model: tfl.LayersModel, role: string): void {
  const bad = firstNonFiniteWeight(model);
  if (bad) throw new DivergenceError(step, `${role} weight "${bad.name}"`, NaN, 'NaN or Inf after the update');
}

/** The same guard for a variant's own variables (a parameter set). */
export function assertFiniteVariables(step: number, variables: readonly tf.Variable[], role: string): void {
  const index = firstNonFinite(variables);
  if (index >= 0) throw new DivergenceError(step, `${role} variable "${variables[index].name}"`, NaN, 'NaN or Inf after the update');
}
