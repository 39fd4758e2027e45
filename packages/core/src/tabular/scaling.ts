// Per-column min-max scaling to [0, 1], fitted on observed cells only (GAIN's normalisation), and the
// rounding rule for discrete columns.
import { checkMatrix, columnName, type NumericMatrix } from './matrix.js';

export interface MinMaxScaler {
  min: Float64Array;
  /** max - min per column (0 for a constant column). */
  range: Float64Array;
}

// Same guard as the GAIN reference: a constant column maps to 0 instead of dividing by zero.
export const RANGE_EPSILON = 1e-6;

export function fitMinMax(m: NumericMatrix): MinMaxScaler {
  checkMatrix(m, 'fitMinMax');
  const min = new Float64Array(m.cols).fill(Infinity);
  const max = new Float64Array(m.cols).fill(-Infinity);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.values[i * m.cols + j];
      if (Number.isNaN(v)) continue;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  const range = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) {
    if (min[j] === Infinity) throw new Error(`fitMinMax: column ${JSON.stringify(columnName(m, j))} has no observed value`);
    range[j] = max[j] - min[j];
  }
  return { min, range };
}

/** Scales into [0, 1] (NaN stays NaN). */
export function scaleMinMax(s: MinMaxScaler, m: NumericMatrix): NumericMatrix {
  checkScaler(s, m);
  const out = new Float64Array(m.values.length);
  for (let k = 0; k < out.length; k++) {
    const j = k % m.cols;
    out[k] = (m.values[k] - s.min[j]) / (s.range[j] + RANGE_EPSILON);
  }
  return { ...m, values: out };
}

export function unscaleMinMax(s: MinMaxScaler, m: NumericMatrix): NumericMatrix {
  checkScaler(s, m);
  const out = new Float64Array(m.values.length);
  for (let k = 0; k < out.length; k++) {
    const j = k % m.cols;
    out[k] = m.values[k] * (s.range[j] + RANGE_EPSILON) + s.min[j];
  }
  return { ...m, values: out };
}

function checkScaler(s: MinMaxScaler, m: NumericMatrix): void {
  if (s.min.length !== m.cols) throw new Error(`scaler was fitted on ${s.min.length} columns, matrix has ${m.cols}`);
}

/**
 * Columns treated as discrete: fewer than maxLevels distinct observed values, all integers. GAIN's reference
 * rounds columns with fewer than 20 distinct values; we also require integers so that e.g. a 0.5-step rating
 * is not rounded to whole numbers.
 */
export function discreteColumns(m: NumericMatrix, maxLevels = 20): boolean[] {
  checkMatrix(m, 'discreteColumns');
  const out: boolean[] = [];
  for (let j = 0; j < m.cols; j++) {
    const levels = new Set<number>();
    let integral = true;
    for (let i = 0; i < m.rows && integral && levels.size < maxLevels; i++) {
      const v = m.values[i * m.cols + j];
      if (Number.isNaN(v)) continue;
      if (!Number.isInteger(v)) integral = false;
      levels.add(v);
    }
    out.push(integral && levels.size < maxLevels);
  }
  return out;
}

/** Rounds the flagged columns in place. */
export function roundColumns(m: NumericMatrix, which: readonly boolean[]): NumericMatrix {
  for (let k = 0; k < m.values.length; k++) if (which[k % m.cols]) m.values[k] = Math.round(m.values[k]);
  return m;
}
