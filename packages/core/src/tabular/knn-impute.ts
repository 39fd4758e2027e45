// k-nearest-neighbour imputation in the manner of scikit-learn's KNNImputer (Troyanskaya et al. 2001): a
// missing entry (i, j) is the mean of column j over the k rows nearest to row i among those that observe j.
// Distance is the "nan-Euclidean" one: over the columns both rows observe, scaled up by
// sqrt(columns / columns both observe); rows sharing no observed column are never neighbours. Unlike
// KNNImputer's default, distances are taken on min-max scaled columns (fitted on the observed cells), so a
// column's units do not decide who is near (scikit-learn's documentation advises scaling first). The
// distances come from matrix products in float32 (tfjs, native on the torch backend), a block of rows at a
// time; near-ties may order differently than in float64.
import * as tf from '@tensorflow/tfjs-core';
import { columnMeans } from './baselines.js';
import { checkMatrix, requireEveryColumnObserved, type NumericMatrix } from './matrix.js';
import { fitMinMax, roundColumns, scaleMinMax } from './scaling.js';

export interface KnnImputeOptions {
  /** Neighbours averaged per missing entry. Default 5 (KNNImputer's). */
  k?: number;
  /** Columns rounded at the end; default none (the neighbours' mean as it is). */
  roundColumns?: readonly boolean[];
}

/**
 * Candidate neighbours found per row before choosing, per missing column, the k nearest that observe it: with
 * a fifth of the cells missing, 8k candidates hold k donors for a column unless it is missing from almost all
 * of them, and then all rows are scanned.
 */
const CANDIDATES_PER_NEIGHBOUR = 8;
/** Distance-matrix entries computed per block (a block of receiving rows against all rows). */
const BLOCK_ENTRIES = 1 << 22;

export function knnImpute(m: NumericMatrix, options: KnnImputeOptions = {}): NumericMatrix {
  checkMatrix(m, 'knnImpute');
  requireEveryColumnObserved(m, 'knnImpute');
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new Error(`knnImpute: k must be a positive integer, got ${k}`);
  const { rows, cols } = m;
  const x = scaleMinMax(fitMinMax(m), m).values;
  const observed = new Uint8Array(x.length);
  for (let t = 0; t < x.length; t++) observed[t] = Number.isNaN(x[t]) ? 0 : 1;
  const receivers: number[] = [];
  for (let i = 0; i < rows; i++) if (observed.subarray(i * cols, (i + 1) * cols).includes(0)) receivers.push(i);
  const out = Float64Array.from(m.values);
  const candidates = Math.min(rows, k * CANDIDATES_PER_NEIGHBOUR + 1);
  const block = Math.max(1, Math.floor(BLOCK_ENTRIES / rows));
  const means = columnMeans(m);
  withDistanceTable(x, observed, rows, cols, (nearestOf) => {
    for (let start = 0; start < receivers.length; start += block) {
      const chunk = receivers.slice(start, start + block);
      const nearest = nearestOf(chunk, candidates);
      chunk.forEach((i, c) => {
        const order = nearest.subarray(c * candidates, (c + 1) * candidates).filter((r) => r >= 0 && r !== i);
        for (let j = 0; j < cols; j++) {
          if (observed[i * cols + j]) continue;
          let donors = pickDonors(order, observed, cols, j, k);
          if (donors.length < k && order.length + 1 >= candidates && candidates < rows) donors = pickDonors(rowsByDistance(x, observed, i, rows, cols), observed, cols, j, k);
          // No row shares an observed column with row i and observes j: j's observed mean, as KNNImputer does.
          out[i * cols + j] = donors.length > 0 ? meanOf(m.values, donors, cols, j) : means[j];
        }
      });
    }
  });
  const filled = { ...m, values: out };
  return options.roundColumns ? roundColumns(filled, options.roundColumns) : filled;
}

type NearestOf = (receivers: readonly number[], count: number) => Int32Array;

/**
 * Calls `use` with a function giving, for a block of rows, the `count` rows nearest to each (row-major, -1
 * where fewer rows share a column with it). The squared nan-Euclidean distances of a block come from four
 * matrix products over the zero-filled values X and the observed mask M:
 * sum over shared columns of (x_i - x_r)^2 = (X^2 M^T + M (X^2)^T - 2 X X^T)_ir, shared count = (M M^T)_ir.
 */
function withDistanceTable(x: Float64Array, observed: Uint8Array, rows: number, cols: number, use: (nearestOf: NearestOf) => void): void {
  const filled = Float32Array.from(x, (v) => (Number.isNaN(v) ? 0 : v));
  const [values, mask, squares] = tf.tidy(() => {
    const v = tf.tensor2d(filled, [rows, cols]);
    return [v, tf.tensor2d(Float32Array.from(observed), [rows, cols]), tf.square(v)];
  });
  let heap = new BoundedMaxHeap(1);
  try {
    use((receivers, count) => {
      if (heap.capacity !== count) heap = new BoundedMaxHeap(count);
      const block = tf.tidy(() => {
        const at = tf.tensor1d(Int32Array.from(receivers), 'int32');
        const [v, mk, sq] = [tf.gather(values, at), tf.gather(mask, at), tf.gather(squares, at)];
        const sums = tf.sub(tf.add(tf.matMul(sq, mask, false, true), tf.matMul(mk, squares, false, true)), tf.mul(2, tf.matMul(v, values, false, true)));
        const shared = tf.matMul(mk, mask, false, true);
        // Rows sharing no observed column are never neighbours: their (negative) count marks them.
        return tf.where(tf.greater(shared, 0.5), tf.div(tf.mul(tf.relu(sums), cols), tf.maximum(shared, 1)), tf.neg(tf.onesLike(shared)));
      });
      // The selection runs here rather than as tf.topk, which costs far more than the products on some backends.
      const d = block.dataSync();
      block.dispose();
      const nearest = new Int32Array(receivers.length * count).fill(-1);
      receivers.forEach((_, c) => {
        heap.clear();
        const row = d.subarray(c * rows, (c + 1) * rows);
        for (let r = 0; r < rows; r++) if (row[r] >= 0) heap.offer(r, row[r]);
        nearest.set(heap.sortedRows(), c * count);
      });
      return nearest;
    });
  } finally {
    tf.dispose([values, mask, squares]);
  }
}

function nanEuclidean(x: Float64Array, observed: Uint8Array, a: number, b: number, cols: number): number {
  let sum = 0;
  let shared = 0;
  const pa = a * cols;
  const pb = b * cols;
  for (let j = 0; j < cols; j++) {
    if (observed[pa + j] & observed[pb + j]) {
      const d = x[pa + j] - x[pb + j];
      sum += d * d;
      shared++;
    }
  }
  return shared === 0 ? Infinity : Math.sqrt(sum * cols / shared);
}

function pickDonors(order: ArrayLike<number>, observed: Uint8Array, cols: number, j: number, k: number): number[] {
  const donors: number[] = [];
  for (let t = 0; t < order.length && donors.length < k; t++) if (observed[order[t] * cols + j]) donors.push(order[t]);
  return donors;
}

/** Every row that shares an observed column with row i, nearest first (the exact float64 distances). */
function rowsByDistance(x: Float64Array, observed: Uint8Array, i: number, rows: number, cols: number): Int32Array {
  const distances = Float64Array.from({ length: rows }, (_, r) => (r === i ? Infinity : nanEuclidean(x, observed, i, r, cols)));
  const order = Int32Array.from({ length: rows }, (_, r) => r).filter((r) => Number.isFinite(distances[r]));
  return order.sort((a, b) => distances[a] - distances[b] || a - b);
}

function meanOf(values: ArrayLike<number>, donors: readonly number[], cols: number, j: number): number {
  let s = 0;
  for (const r of donors) s += values[r * cols + j];
  return s / donors.length;
}

/** The `capacity` smallest (distance, row) pairs offered, ties broken by the lower row (a stable order). */
class BoundedMaxHeap {
  private readonly rowsAt: Int32Array;
  private readonly keys: Float64Array;
  private size = 0;

  constructor(readonly capacity: number) {
    this.rowsAt = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
  }

  clear(): void { this.size = 0; }

  /** Rows must be offered in increasing order: an equal distance then never displaces an earlier row. */
  offer(row: number, key: number): void {
    if (this.size < this.capacity) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (this.keys[p] > key || (this.keys[p] === key && this.rowsAt[p] > row)) break;
        this.rowsAt[c] = this.rowsAt[p];
        this.keys[c] = this.keys[p];
        c = p;
      }
      this.rowsAt[c] = row;
      this.keys[c] = key;
      return;
    }
    if (key >= this.keys[0]) return;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const big = r < this.size && this.ranksAbove(r, l) ? r : l;
      if (this.keys[big] < key || (this.keys[big] === key && this.rowsAt[big] < row)) break;
      this.rowsAt[c] = this.rowsAt[big];
      this.keys[c] = this.keys[big];
      c = big;
    }
    this.rowsAt[c] = row;
    this.keys[c] = key;
  }

  /** Rows from nearest to farthest. */
  sortedRows(): Int32Array {
    const order = Array.from({ length: this.size }, (_, t) => t).sort((a, b) => this.keys[a] - this.keys[b] || this.rowsAt[a] - this.rowsAt[b]);
    return Int32Array.from(order, (t) => this.rowsAt[t]);
  }

  private ranksAbove(a: number, b: number): boolean {
    return this.keys[a] > this.keys[b] || (this.keys[a] === this.keys[b] && this.rowsAt[a] > this.rowsAt[b]);
  }
}
