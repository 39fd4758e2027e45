// Pairwise Euclidean distances and k-nearest-neighbour radii for the manifold metrics.
import type { FeatureMatrix } from './features.js';

function squaredNorms(m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = 0; k < m.cols; k++) { const v = m.data[i * m.cols + k]; s += v * v; }
    out[i] = s;
  }
  return out;
}

/**
 * Calls visit(i, distancesToRowI) for each row i of a, with the Euclidean distances to every row of b.
 * Uses |a|^2 + |b|^2 - 2 a.b (clamped at 0), one row at a time, so memory stays O(rows of b).
 */
export function forEachDistanceRow(a: FeatureMatrix, b: FeatureMatrix, visit: (i: number, dist: Float64Array) => void): void {
  if (a.cols !== b.cols) throw new Error(`distances: feature dimensions differ (${a.cols} vs ${b.cols})`);
  const na = squaredNorms(a);
  const nb = squaredNorms(b);
  const d = a.cols;
  const row = new Float64Array(b.rows);
  for (let i = 0; i < a.rows; i++) {
    const ai = i * d;
    for (let j = 0; j < b.rows; j++) {
      const bj = j * d;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += a.data[ai + k] * b.data[bj + k];
      row[j] = Math.sqrt(Math.max(na[i] + nb[j] - 2 * dot, 0));
    }
    visit(i, row);
  }
}

/** Distance from each row to its k-th nearest other row of the same set (the row itself excluded). */
export function kthNeighbourRadii(m: FeatureMatrix, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  if (m.rows <= k) throw new Error(`k-NN radius with k = ${k} needs more than ${k} samples, got ${m.rows}`);
  const radii = new Float64Array(m.rows);
  const best = new Float64Array(k);
  forEachDistanceRow(m, m, (i, dist) => {
    best.fill(Infinity);
    for (let j = 0; j < dist.length; j++) {
      if (j === i) continue;
      const v = dist[j];
      if (v >= best[k - 1]) continue;
      // Insert into the sorted list of the k smallest so far.
      let p = k - 1;
      while (p > 0 && best[p - 1] > v) { best[p] = best[p - 1]; p--; }
      best[p] = v;
    }
    radii[i] = best[k - 1];
  });
  return radii;
}
