// Data-parallel replicas of one training run (issue 20), as core sees them: an injected hook, so that core
// never imports the engine (it runs in a browser). The CLI builds one from the torch backend's c10d
// ProcessGroup; a browser could plug in any other all-reduce.
import * as tf from '@tensorflow/tfjs-core';

export interface Replicas {
  readonly rank: number;
  readonly worldSize: number;
  /** Averages the tensors over all ranks, in place, as one collective (every rank passes the same shapes in the same order). */
  average(tensors: readonly tf.Tensor[]): void;
  /** Every rank's tensors take rank 0's values, in place. */
  broadcast(tensors: readonly tf.Tensor[]): void;
}

/** One process: nothing to average. The default, so that single-process runs do not change at all. */
export const SINGLE_PROCESS: Replicas = Object.freeze({ rank: 0, worldSize: 1, average: () => {}, broadcast: () => {} });

/**
 * Checked once at start: every rank must keep the same number of rows, or the mean of the ranks' mean
 * gradients would not equal one process's mean over the full batch.
 */
export function checkShardable(batchSize: number, replicas: Replicas): void {
  if (batchSize % replicas.worldSize !== 0) {
    throw new Error(`batch size ${batchSize} does not divide by the world size ${replicas.worldSize}: every rank needs the same number of rows`);
  }
}

/**
 * This rank's rows of a full-batch tensor: every rank draws the same full batch from the same RNG stream
 * and keeps rows [rank * B/W, (rank + 1) * B/W), so that W ranks x B/W rows see the draws of 1 x B.
 * The tensor itself when there is one rank (no extra kernel, single-process runs stay bit-identical).
 */
export function shardRows<T extends tf.Tensor>(t: T, replicas: Replicas): T {
  if (replicas.worldSize === 1) return t;
  const rows = t.shape[0];
  checkShardable(rows, replicas);
  const per = rows / replicas.worldSize;
  return tf.slice(t, replicas.rank * per, per) as T;
}

/** shardRows that owns `full`: returns this rank's rows and disposes the rest (nothing when there is one rank). */
export function takeShard<T extends tf.Tensor>(full: T, replicas: Replicas): T {
  const mine = shardRows(full, replicas);
  if (mine !== full) full.dispose();
  return mine;
}

/**
 * Whether to stop after this step, given whether this rank was asked to. Every rank must stop at the same
 * step (one that stopped alone would leave the others waiting in their next collective), so the ranks
 * share their flags: one tiny collective per step, only with several ranks.
 */
export function agreeToStop(replicas: Replicas, stopHere: boolean): boolean {
  if (replicas.worldSize === 1) return stopHere;
  const flag = tf.scalar(stopHere ? 1 : 0);
  try {
    replicas.average([flag]);
    return flag.dataSync()[0] > 0;
  } finally {
    flag.dispose();
  }
}
