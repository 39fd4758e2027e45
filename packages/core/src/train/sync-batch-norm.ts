// Synchronised batch norm for data-parallel runs (issue 20), as PyTorch's SyncBatchNorm: in training mode
// every rank normalises with the mean and variance of the FULL batch (all ranks' rows), and the backward
// pass all-reduces the two per-channel sums the input gradient needs, so N ranks x B/N rows compute what one
// process computes on B rows. The running statistics are then the full batch's on every rank.
//
// It is switched on per run (LoopSettings.syncBatchNorm), not per layer class: models reach the loop from
// core's builders, from user code and from checkpoints' topologies (which name tfjs's own
// BatchNormalization), so the loop takes every BatchNormalization layer of the run's models as it finds
// them and gives each instance a call that synchronises while a step runs with several ranks. Outside
// such a step (one process, inference, previews) the layer's own call runs unchanged, bit for bit.
//
// Limits (docs/distributed.md): channels last only (tfjs's default axis -1) with centre and scale; the
// backward pass is not itself differentiable across ranks, so a penalty that differentiates D's input
// gradient (R1, WGAN-GP) through a synchronised D's batch norm is not supported (the classic trainer refuses it).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { movingAverage, type BatchNormFields } from '../layers/batch-norm.js';
import { SINGLE_PROCESS, type Replicas } from './replicas.js';

let active: Replicas = SINGLE_PROCESS;

/** Runs `fn` (one training step) with batch-norm statistics synchronised over `replicas`. */
export function withSyncedBatchNorm<T>(replicas: Replicas, fn: () => T): T {
  const previous = active;
  active = replicas;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
const SYNCED = Symbol('gantry.syncBatchNorm');

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta with mean and (biased) var over every axis but the last and
 * over all ranks; returns y and kept copies of the full batch's mean and variance (the caller disposes them).
 * Every rank must hold the same number of rows (checkShardable), so the mean of the ranks' means is the full mean.
 */
export function syncedBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, replicas: Replicas):
  { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  let stats: [tf.Tensor, tf.Tensor] | undefined;
  const normalise = tf.customGrad((...args: unknown[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(input, axes);
    replicas.average([mean]);
    const centred = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centred), axes);
    replicas.average([variance]);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(centred, invStd);
    save([normalised, invStd, g]);
    stats = [tf.keep(mean), tf.keep(variance)];
    return {
      value: tf.add(tf.mul(normalised, g), b),
      // d/dx of the sum of every rank's loss: the full batch's means of dy and dy * x^ (an all-reduce);
      // gamma's and beta's gradients stay this rank's sums, which minimize averages like any weight's.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, inv, scale] = saved;
        const sumDy = tf.sum(dy, axes);
        const sumDyXHat = tf.sum(tf.mul(dy, xHat), axes);
        const meanDy = tf.div(sumDy, rows);
        const meanDyXHat = tf.div(sumDyXHat, rows);
        replicas.average([meanDy, meanDyXHat]);
        const dx = tf.mul(tf.mul(scale, inv), tf.sub(tf.sub(dy, meanDy), tf.mul(xHat, meanDyXHat)));
        return [dx, sumDyXHat, sumDy];
      },
    };
  });
  const y = normalise(x, gamma, beta) as tf.Tensor;
  const [mean, variance] = stats!;
  return { y, mean, variance };
}

/**
 * Gives every BatchNormalization layer of `model` a call that synchronises its training-mode statistics over
 * the replicas of withSyncedBatchNorm (and is the layer's own call otherwise). Idempotent.
 */
export function synchroniseBatchNorm(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization' || SYNCED in layer) continue;
    const bn = layer as unknown as BatchNormFields;
    if (!(bn.axis === -1 || bn.axis === (layer.inputSpec?.[0]?.ndim ?? 0) - 1) || !bn.center || !bn.scale) {
      throw new Error(`syncBatchNorm: layer ${layer.name} of ${model.name} must normalise the last axis with centre and scale`);
    }
    const own = layer.call.bind(layer) as Call;
    const synced: Call = (inputs, kwargs) => {
      if (kwargs.training !== true || active.worldSize === 1) return own(inputs, kwargs);
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const { y, mean, variance } = syncedBatchNorm(x, bn.gamma.read(), bn.beta.read(), bn.epsilon, active);
        movingAverage(bn.movingMean, mean, bn.momentum);
        movingAverage(bn.movingVariance, variance, bn.momentum);
        tf.dispose([mean, variance]);
        return y;
      });
    };
    Object.defineProperty(layer, 'call', { value: synced, writable: true, configurable: true });
    Object.defineProperty(layer, SYNCED, { value: true });
  }
}
