// In-memory datasets, seeded shuffling/splitting/batching and a DataSource over them. Browser-safe.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, permutation, type Rng } from '../random.js';
import type { Batch, DataSource } from '../train/types.js';

/**
 * N examples of one shape, stored flat (row-major, NHWC for images), with optional int class labels.
 * Images produced by the loaders are scaled to [-1, 1] (the range of a tanh generator).
 */
export interface ArrayDataset {
  name: string;
  /** shape of one example, e.g. [28, 28, 1] or [16] */
  itemShape: number[];
  count: number;
  values: Float32Array;
  labels?: Int32Array;
  numClasses?: number;
  classNames?: string[];
}

export function itemSize(ds: Pick<ArrayDataset, 'itemShape'>): number {
  return ds.itemShape.reduce((a, b) => a * b, 1);
}

/** Checks that values and labels agree with count and itemShape; returns the dataset for chaining. */
export function validateDataset<T extends ArrayDataset>(ds: T): T {
  const size = itemSize(ds);
  if (ds.values.length !== ds.count * size) {
    throw new Error(`dataset ${ds.name}: ${ds.values.length} values, expected count ${ds.count} x item [${ds.itemShape.join(', ')}] = ${ds.count * size}`);
  }
  if (ds.labels && ds.labels.length !== ds.count) {
    throw new Error(`dataset ${ds.name}: ${ds.labels.length} labels for ${ds.count} examples`);
  }
  if (ds.labels && ds.numClasses !== undefined) {
    for (let i = 0; i < ds.labels.length; i++) {
      const l = ds.labels[i];
      if (l < 0 || l >= ds.numClasses) throw new Error(`dataset ${ds.name}: label ${l} of example ${i} outside [0, ${ds.numClasses})`);
    }
  }
  return ds;
}

/** The examples at the given indices, in that order. */
export function subsetDataset(ds: ArrayDataset, indices: ArrayLike<number>, name = ds.name): ArrayDataset {
  const size = itemSize(ds);
  const values = new Float32Array(indices.length * size);
  const labels = ds.labels ? new Int32Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) throw new Error(`dataset ${ds.name}: index ${i} outside [0, ${ds.count})`);
    values.set(ds.values.subarray(i * size, (i + 1) * size), k * size);
    if (labels && ds.labels) labels[k] = ds.labels[i];
  }
  return { ...ds, name, count: indices.length, values, labels };
}

/** The first n examples (all when n is undefined or larger). */
export function takeDataset(ds: ArrayDataset, n?: number): ArrayDataset {
  if (n === undefined || n >= ds.count) return ds;
  return subsetDataset(ds, Int32Array.from({ length: n }, (_, i) => i));
}

export function shuffleDataset(ds: ArrayDataset, rng: Rng): ArrayDataset {
  return subsetDataset(ds, permutation(rng, ds.count));
}

/**
 * Seeded train/test split. With `stratify`, each class is split in the same proportion (needs labels).
 * Returns index arrays, sorted, so that the caller can subset several aligned arrays alike.
 */
export function trainTestSplit(
  n: number,
  options: { testFraction: number; seed: number; labels?: ArrayLike<number> },
): { train: Int32Array; test: Int32Array } {
  const { testFraction, seed, labels } = options;
  if (!(testFraction >= 0 && testFraction <= 1)) throw new Error(`trainTestSplit: testFraction must be in [0, 1], got ${testFraction}`);
  if (labels && labels.length !== n) throw new Error(`trainTestSplit: ${labels.length} labels for ${n} examples`);
  const rng = createRng(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = labels ? labels[i] : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const members = groups.get(key)!;
    const order = permutation(rng, members.length);
    const nTest = Math.round(members.length * testFraction);
    order.forEach((p, k) => (k < nTest ? test : train).push(members[p]));
  }
  return { train: Int32Array.from(train.sort((a, b) => a - b)), test: Int32Array.from(test.sort((a, b) => a - b)) };
}

/** Splits a dataset with trainTestSplit (stratified by label when labels exist). */
export function splitDataset(ds: ArrayDataset, options: { testFraction: number; seed: number }): { train: ArrayDataset; test: ArrayDataset } {
  const { train, test } = trainTestSplit(ds.count, { ...options, labels: ds.labels });
  return { train: subsetDataset(ds, train, `${ds.name}/train`), test: subsetDataset(ds, test, `${ds.name}/test`) };
}

/**
 * One epoch in seeded random order, in batches (the last one may be smaller unless dropRemainder).
 * Streams: each batch is copied out only when requested.
 */
export function* epochBatches(
  ds: ArrayDataset,
  batchSize: number,
  options: { rng?: Rng; dropRemainder?: boolean } = {},
): Generator<{ values: Float32Array; labels?: Int32Array; indices: Int32Array }> {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`epochBatches: batch size must be a positive integer, got ${batchSize}`);
  const order = options.rng ? permutation(options.rng, ds.count) : Int32Array.from({ length: ds.count }, (_, i) => i);
  for (let start = 0; start < ds.count; start += batchSize) {
    const indices = order.subarray(start, Math.min(start + batchSize, ds.count));
    if (indices.length < batchSize && options.dropRemainder) return;
    const sub = subsetDataset(ds, indices);
    yield { values: sub.values, labels: sub.labels, indices };
  }
}

/**
 * k distinct indices in [0, n), uniformly, from the rng alone (Floyd's algorithm: O(k) work, no state),
 * so that training replays and resumes exactly.
 */
export function sampleIndices(rng: Rng, n: number, k: number): Int32Array {
  if (k > n) throw new Error(`cannot draw ${k} distinct examples from ${n}`);
  const chosen = new Set<number>();
  const out = new Int32Array(k);
  let m = 0;
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out[m++] = pick;
  }
  // Floyd's picks are a uniform set, not a uniform order; shuffle the order too.
  for (let i = k - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i]; out[i] = out[j]; out[j] = tmp;
  }
  return out;
}

/**
 * A DataSource over an in-memory dataset: each batch is a uniform draw without replacement within the
 * batch (with replacement across batches), decided only by the rng. Labels come as int32 [N].
 */
export function arrayDataSource(ds: ArrayDataset): DataSource {
  validateDataset(ds);
  if (ds.count === 0) throw new Error(`dataset ${ds.name} is empty`);
  return {
    size: ds.count,
    sampleBatch(rng: Rng, batchSize: number): Batch {
      const indices = sampleIndices(rng, ds.count, Math.min(batchSize, ds.count));
      const sub = subsetDataset(ds, indices);
      const x = tf.tensor(sub.values, [indices.length, ...ds.itemShape], 'float32');
      return sub.labels ? { x, labels: tf.tensor1d(sub.labels, 'int32') } : { x };
    },
  };
}

/** The whole dataset as tensors ([N, ...itemShape] float32 and int32 [N] labels). Caller disposes. */
export function datasetToTensors(ds: ArrayDataset): { x: tf.Tensor; labels?: tf.Tensor1D } {
  const x = tf.tensor(ds.values, [ds.count, ...ds.itemShape], 'float32');
  return ds.labels ? { x, labels: tf.tensor1d(ds.labels, 'int32') } : { x };
}

/** Builds a dataset from tensors (copying their data). */
export function datasetFromTensors(name: string, x: tf.Tensor, labels?: tf.Tensor, numClasses?: number): ArrayDataset {
  const values = Float32Array.from(x.dataSync());
  const lab = labels ? Int32Array.from(labels.dataSync()) : undefined;
  return validateDataset({ name, itemShape: x.shape.slice(1), count: x.shape[0], values, labels: lab, numClasses });
}
