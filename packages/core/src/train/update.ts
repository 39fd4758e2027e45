// One optimizer update with the guard built in, for every variant's step: the loss is written as a sum
// of named terms, and the update is applied only when every term is finite.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertFiniteLosses } from './guard.js';
import { applyInOrder, trainableVariables } from './model-io.js';
import type { LossValues } from './types.js';

/** Named loss terms of one update, kept alive until they are read. */
export type LossTerms = Record<string, tf.Scalar>;

/** Reads named scalars in one device round trip. */
function readScalars(parts: LossTerms): LossValues {
  const names = Object.keys(parts);
  const values = tf.tidy(() => tf.stack(names.map((n) => parts[n])).dataSync());
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

/**
 * Records `value` as the term `name` (for the metrics) and returns it for the sum. The term itself is kept
 * past the gradient's scope, not a copy of it: a copy is one more kernel and tape entry per term (GAIN's
 * step: 6.3 -> 4.9 ms on the torch backend).
 */
export function term(parts: LossTerms, name: string, value: tf.Scalar): tf.Scalar {
  parts[name] = tf.keep(value);
  return value;
}

/** What an update trains: tfjs-layers models, or a variant's own variables (their trainable ones). */
export type Trained = tfl.LayersModel | { readonly variables: readonly tf.Variable[] };

function trainedVariables(t: Trained): tf.Variable[] {
  return 'variables' in t ? t.variables.filter((v) => v.trainable) : trainableVariables(t);
}

/**
 * Minimises f over the trainable weights of `models`. f registers the terms it adds up with term();
 * their values are returned, and a NaN/Inf among them stops training at `step` before any weight moves.
 */
export function minimize(step: number, models: Trained | readonly Trained[], optimizer: tf.Optimizer,
  f: (parts: LossTerms) => tf.Scalar): LossValues {
  const vars = (Array.isArray(models) ? models as readonly Trained[] : [models as Trained]).flatMap(trainedVariables);
  const parts: LossTerms = {};
  const { value, grads } = tf.variableGrads(() => f(parts), vars);
  try {
    const values = readScalars(parts);
    assertFiniteLosses(step, values);
    applyInOrder(optimizer, vars, grads);
    return values;
  } finally {
    tf.dispose([value, ...Object.values(grads), ...Object.values(parts)]);
  }
}
