// Kernel Inception Distance (Binkowski et al. 2018): the unbiased estimate of squared MMD with the cubic
// polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets (mean and population std).
import { createRng, type Rng } from '../random.js';
import { checkFinite, checkSameWidth, featureRows, toFeatures, type FeatureInput, type FeatureMatrix } from './features.js';

function kernelSum(a: FeatureMatrix, b: FeatureMatrix, skipDiagonal: boolean): number {
  const d = a.cols;
  let total = 0;
  for (let i = 0; i < a.rows; i++) {
    const ai = i * d;
    for (let j = skipDiagonal ? i + 1 : 0; j < b.rows; j++) {
      const bj = j * d;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += a.data[ai + k] * b.data[bj + k];
      const base = dot / d + 1;
      total += base * base * base;
    }
  }
  // With skipDiagonal the loop visited only the upper triangle of a symmetric kernel matrix.
  return skipDiagonal ? 2 * total : total;
}

/** Unbiased MMD^2 between two samples (sizes may differ), polynomial kernel of degree 3. */
export function mmd2Unbiased(x: FeatureInput, y: FeatureInput): number {
  const a = toFeatures(x, 'mmd x');
  const b = toFeatures(y, 'mmd y');
  checkSameWidth(a, b, 'mmd');
  if (a.rows < 2 || b.rows < 2) throw new Error(`mmd needs at least 2 samples on each side, got ${a.rows} and ${b.rows}`);
  const m = a.rows;
  const n = b.rows;
  return kernelSum(a, a, true) / (m * (m - 1)) + kernelSum(b, b, true) / (n * (n - 1)) - (2 * kernelSum(a, b, false)) / (m * n);
}

export interface KidOptions {
  /** number of random subsets (default 100) */
  subsets?: number;
  /** subset size (default min(1000, half the smaller sample), so that subsets differ and the std means something) */
  subsetSize?: number;
  /** seed for subset draws (default 0), or an Rng */
  seed?: number;
  rng?: Rng;
}

export interface KidResult {
  mean: number;
  /** population standard deviation over subsets */
  std: number;
  values: number[];
  subsetSize: number;
}

/** The subsets KID uses: for each, distinct row indices into x and into y (uniform, without replacement). */
export function drawKidSubsets(rng: Rng, nx: number, ny: number, subsets: number, size: number): Array<{ x: Int32Array; y: Int32Array }> {
  const pick = (n: number) => {
    // Partial Fisher-Yates: the first `size` entries of a random permutation.
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < size; i++) {
      const j = i + rng.int(n - i);
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p.slice(0, size);
  };
  return Array.from({ length: subsets }, () => ({ x: pick(nx), y: pick(ny) }));
}

export function kernelInceptionDistance(x: FeatureInput, y: FeatureInput, options: KidOptions = {}): KidResult {
  const a = toFeatures(x, 'kid x');
  const b = toFeatures(y, 'kid y');
  checkSameWidth(a, b, 'kid');
  checkFinite(a, 'kid x');
  checkFinite(b, 'kid y');
  const size = options.subsetSize ?? Math.min(1000, Math.max(2, Math.floor(Math.min(a.rows, b.rows) / 2)));
  if (size < 2 || size > a.rows || size > b.rows) {
    throw new Error(`kid: subset size ${size} must be in [2, min(${a.rows}, ${b.rows})]`);
  }
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const values = drawKidSubsets(rng, a.rows, b.rows, options.subsets ?? 100, size)
    .map((s) => mmd2Unbiased(featureRows(a, s.x), featureRows(b, s.y)));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, values, subsetSize: size };
}
