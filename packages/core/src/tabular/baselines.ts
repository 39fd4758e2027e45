// Classical imputers to compare GAIN with: column means, and a MICE-style chained-equations imputer
// (each column in turn regressed, by ridge least squares, on all the others; repeated for a few sweeps).
import { checkMatrix, requireEveryColumnObserved, type NumericMatrix } from './matrix.js';
import { discreteColumns, roundColumns } from './scaling.js';

export function columnMeans(m: NumericMatrix): Float64Array {
  const sum = new Float64Array(m.cols);
  const count = new Float64Array(m.cols);
  for (let k = 0; k < m.values.length; k++) {
    const v = m.values[k];
    if (!Number.isNaN(v)) { sum[k % m.cols] += v; count[k % m.cols]++; }
  }
  return sum.map((s, j) => s / count[j]);
}

/** Replaces every missing entry by its column's observed mean. */
export function meanImpute(m: NumericMatrix): NumericMatrix {
  checkMatrix(m, 'meanImpute');
  requireEveryColumnObserved(m, 'meanImpute');
  const means = columnMeans(m);
  const values = m.values.map((v, k) => (Number.isNaN(v) ? means[k % m.cols] : v));
  return { ...m, values };
}

export interface ChainedOptions {
  /** Passes over all incomplete columns. Default 5. */
  sweeps?: number;
  /** Ridge strength relative to the number of rows used (on standardised predictors). Default 1e-3. */
  ridge?: number;
  /** Columns rounded at the end; default discreteColumns(m). */
  roundColumns?: readonly boolean[];
}

/**
 * MICE-style iterative imputation (van Buuren & Groothuis-Oudshoorn 2011, deterministic variant): start from
 * column means, then repeatedly refit each incomplete column on the current values of all other columns using
 * the rows where it is observed, and overwrite its missing entries with the predictions (clipped to the
 * column's observed range).
 */
export function chainedRegressionImpute(m: NumericMatrix, options: ChainedOptions = {}): NumericMatrix {
  checkMatrix(m, 'chainedRegressionImpute');
  requireEveryColumnObserved(m, 'chainedRegressionImpute');
  const sweeps = options.sweeps ?? 5;
  const ridge = options.ridge ?? 1e-3;
  const { rows, cols } = m;
  const missing = m.values.map((v) => (Number.isNaN(v) ? 1 : 0));
  const x = meanImpute(m).values;
  const lo = new Float64Array(cols).fill(Infinity);
  const hi = new Float64Array(cols).fill(-Infinity);
  for (let k = 0; k < x.length; k++) {
    if (missing[k]) continue;
    const j = k % cols;
    if (x[k] < lo[j]) lo[j] = x[k];
    if (x[k] > hi[j]) hi[j] = x[k];
  }
  const incomplete = Array.from({ length: cols }, (_, j) => j).filter((j) => {
    for (let i = 0; i < rows; i++) if (missing[i * cols + j]) return true;
    return false;
  });
  const p = cols; // intercept + (cols - 1) predictors
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const z = new Float64Array(p);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (const target of incomplete) {
      // Predictor vector for row i: [1, x_i without the target column].
      const fill = (i: number) => {
        z[0] = 1;
        let q = 1;
        for (let j = 0; j < cols; j++) if (j !== target) z[q++] = x[i * cols + j];
      };
      a.fill(0);
      b.fill(0);
      let used = 0;
      for (let i = 0; i < rows; i++) {
        if (missing[i * cols + target]) continue;
        fill(i);
        const y = x[i * cols + target];
        for (let r = 0; r < p; r++) {
          const zr = z[r];
          if (zr === 0) continue;
          b[r] += zr * y;
          for (let c = r; c < p; c++) a[r * p + c] += zr * z[c];
        }
        used++;
      }
      for (let r = 0; r < p; r++) for (let c = 0; c < r; c++) a[r * p + c] = a[c * p + r];
      // Ridge on the slopes only, scaled per predictor by its sum of squares so that units do not matter.
      for (let r = 1; r < p; r++) a[r * p + r] += ridge * Math.max(a[r * p + r], 1e-12) + 1e-12 * used;
      const beta = solveSymmetric(a, b, p);
      for (let i = 0; i < rows; i++) {
        if (!missing[i * cols + target]) continue;
        fill(i);
        let y = 0;
        for (let r = 0; r < p; r++) y += beta[r] * z[r];
        x[i * cols + target] = Math.min(hi[target], Math.max(lo[target], y));
      }
    }
  }
  return roundColumns({ ...m, values: x }, options.roundColumns ?? discreteColumns(m));
}

// Cholesky solve of a symmetric positive definite system (the ridge term keeps it definite).
function solveSymmetric(aIn: Float64Array, bIn: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = aIn[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) l[i * n + i] = Math.sqrt(Math.max(s, 1e-300));
      else l[i * n + j] = s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = bIn[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
