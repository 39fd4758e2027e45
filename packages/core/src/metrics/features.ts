// Feature matrices: the common input of every metric. Float64 so that covariances and distances are
// computed in double precision regardless of where the features came from.
import type * as tf from '@tensorflow/tfjs-core';

/** rows x cols, row-major. One row per sample. */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export type FeatureInput = FeatureMatrix | number[][] | tf.Tensor;

function isTensor(x: unknown): x is tf.Tensor {
  return typeof x === 'object' && x !== null && 'dataSync' in x && 'shape' in x;
}

/** Converts arrays, 2-D tensors (copied, not disposed) or feature matrices (validated) to a FeatureMatrix. */
export function toFeatures(x: FeatureInput, what = 'features'): FeatureMatrix {
  if (isTensor(x)) {
    if (x.shape.length !== 2) throw new Error(`${what}: expected a 2-D tensor [samples, features], got shape [${x.shape.join(', ')}]`);
    return { rows: x.shape[0], cols: x.shape[1], data: Float64Array.from(x.dataSync() as Float32Array) };
  }
  if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows > 0 ? x[0].length : 0;
    const data = new Float64Array(rows * cols);
    x.forEach((row, i) => {
      if (row.length !== cols) throw new Error(`${what}: row ${i} has ${row.length} values, expected ${cols} (as row 0)`);
      data.set(row, i * cols);
    });
    return { rows, cols, data };
  }
  if (x.data.length !== x.rows * x.cols) throw new Error(`${what}: ${x.data.length} values for ${x.rows} x ${x.cols}`);
  return x;
}

export function featureRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const data = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (i < 0 || i >= m.rows) throw new Error(`row ${i} outside [0, ${m.rows})`);
    data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data };
}

export function checkSameWidth(a: FeatureMatrix, b: FeatureMatrix, what: string): void {
  if (a.cols !== b.cols) throw new Error(`${what}: feature dimensions differ (${a.cols} vs ${b.cols})`);
}

export function checkFinite(m: FeatureMatrix, what: string): void {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      throw new Error(`${what}: non-finite value ${m.data[i]} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}`);
    }
  }
}
