// Small dense float64 linear algebra for the metrics: mean/covariance, a cyclic Jacobi eigensolver for
// symmetric matrices, and the PSD matrix square root built on it. Square matrices are row-major n x n.
import type { FeatureMatrix } from './features.js';

export function featureMean(m: FeatureMatrix): Float64Array {
  const mu = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mu[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mu[j] /= m.rows;
  return mu;
}

/** Unbiased sample covariance (divides by rows - 1, like numpy.cov). */
export function featureCovariance(m: FeatureMatrix, mean = featureMean(m)): Float64Array {
  if (m.rows < 2) throw new Error(`covariance needs at least 2 samples, got ${m.rows}`);
  const d = m.cols;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < d; j++) centred[j] = m.data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) cov[row + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / (m.rows - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      const bRow = k * n;
      const oRow = i * n;
      for (let j = 0; j < n; j++) out[oRow + j] += aik * b[bRow + j];
    }
  }
  return out;
}

export interface SymmetricEigen {
  /** eigenvalues, ascending */
  values: Float64Array;
  /** eigenvectors as columns: vectors[i * n + k] is component i of eigenvector k */
  vectors: Float64Array;
  sweeps: number;
}

/**
 * Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan 8.5). Slow
 * (O(n^3) per sweep) but accurate to working precision for symmetric input, including tiny eigenvalues,
 * which is what a PSD square root needs. The input is symmetrised first and not modified.
 */
export function symmetricEigen(input: Float64Array, n: number, maxSweeps = 100): SymmetricEigen {
  if (input.length !== n * n) throw new Error(`symmetricEigen: ${input.length} values for ${n} x ${n}`);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (input[i * n + j] + input[j * n + i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  scale = Math.sqrt(scale);
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (Math.sqrt(2 * off) <= 1e-15 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x] - a[y * n + y]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => { for (let i = 0; i < n; i++) vectors[i * n + dst] = v[i * n + src]; });
  return { values, vectors, sweeps };
}

/** Square root of a symmetric positive semi-definite matrix; negative round-off eigenvalues are clamped to 0. */
export function sqrtPsd(m: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(m, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const r = Math.sqrt(Math.max(values[k], 0));
    if (r === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * r;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return out;
}

/**
 * tr(sqrt(A B)) for symmetric PSD A, B. A B is not symmetric, but it is similar to A^{1/2} B A^{1/2},
 * which is symmetric PSD, so its square root's trace is the sum of the square roots of that matrix's
 * eigenvalues -- no general (Schur) matrix square root needed.
 */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, n: number): number {
  const ah = sqrtPsd(a, n);
  const m = matMul(matMul(ah, b, n), ah, n);
  const { values } = symmetricEigen(m, n);
  let s = 0;
  for (const v of values) s += Math.sqrt(Math.max(v, 0));
  return s;
}

export function trace(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += m[i * n + i];
  return s;
}
