// One optimizer update with the guard built in, for every variant's step: the loss is written as a sum
// of named terms, and the update is applied only when every term is finite. With several replicas
// (data-parallel processes, issue 20) the gradients and loss terms are averaged over them first.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertFiniteLosses } from './guard.js';
import { applyInOrder, trainableVariables } from './model-io.js';
import type { Replicas } from './replicas.js';
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
 * What an update needs from the loop's StepEnv: the step (named in divergence errors) and the replicas
 * whose gradients it averages. Asked for by every call, so that no variant can forget the averaging
 * (a rank that skipped it would drift from the others without any error).
 */
export interface UpdateEnv {
  readonly step: number;
  readonly replicas: Replicas;
}

/**
 * Minimises f over the trainable weights of `models`. f registers the terms it adds up with term();
 * their values are returned, and a NaN/Inf among them stops training at `env.step` before any weight moves.
 * Across replicas, the gradients and the terms travel in one collective; the check runs on the averaged
 * terms, so that a NaN on one rank stops every rank at the same step instead of leaving them waiting.
 */
export function minimize(env: UpdateEnv, models: Trained | readonly Trained[], optimizer: tf.Optimizer,
  f: (parts: LossTerms) => tf.Scalar): LossValues {
  const vars = (Array.isArray(models) ? models as readonly Trained[] : [models as Trained]).flatMap(trainedVariables);
  const parts: LossTerms = {};
  const { value, grads } = tf.variableGrads(() => f(parts), vars);
  try {
    if (env.replicas.worldSize > 1) {
      const ordered = vars.map((v) => grads[v.name]).filter((g): g is tf.Tensor => g !== undefined);
      env.replicas.average([...ordered, ...Object.values(parts)]);
    }
    const values = readScalars(parts);
    assertFiniteLosses(env.step, values);
    applyInOrder(optimizer, vars, grads);
    return values;
  } finally {
    tf.dispose([value, ...Object.values(grads), ...Object.values(parts)]);
  }
}
