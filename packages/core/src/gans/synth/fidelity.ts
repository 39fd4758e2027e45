// How close synthetic rows are to real ones, and how close is too close. Plain arithmetic on CsvTables.
//
// - Numeric column: two-sample Kolmogorov-Smirnov statistic (largest gap between the empirical CDFs; ties
//   handled by stepping over whole runs of equal values). Missing cells are left out.
// - Categorical column: total variation distance 1/2 sum |p - q| over categories, "missing" counted as one.
// - Pairwise Pearson correlations between numeric columns (complete rows only; a constant column correlates 0
//   with everything); the score is the mean absolute difference over column pairs i < j.
// - Distance to closest record (DCR): rows are embedded with numeric columns min-max scaled by the reference
//   (training) table's range to [0, 1] (missing -> -1) and categorical columns one-hot times 1/sqrt(2), so that a
//   different category costs the same as a full-range numeric difference (distance 1). Euclidean distance.
import type { CsvTable } from '../../data/csv.js';

function sameColumns(a: CsvTable, b: CsvTable, what: string): void {
  const sig = (t: CsvTable) => t.columns.map((c) => `${c.name}:${c.type}:${c.categories?.join('|') ?? ''}`).join(',');
  if (sig(a) !== sig(b)) throw new Error(`${what}: ${a.source} and ${b.source} have different columns or categories`);
}

function observed(t: CsvTable, j: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < t.numRows; i++) { const v = t.matrix[i * t.numColumns + j]; if (!Number.isNaN(v)) out.push(v); }
  return Float64Array.from(out);
}

/** Two-sample KS statistic sup_x |F_a(x) - F_b(x)|. */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) throw new Error('ksStatistic: both samples need at least one value');
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Total variation distance between the category frequencies of two code arrays (NaN = its own category). */
export function totalVariation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const freq = (v: ArrayLike<number>) => {
    const m = new Map<number, number>();
    for (let i = 0; i < v.length; i++) { const k = Number.isNaN(v[i]) ? -1 : v[i]; m.set(k, (m.get(k) ?? 0) + 1 / v.length); }
    return m;
  };
  const p = freq(a);
  const q = freq(b);
  let s = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) s += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return s / 2;
}

export interface ColumnDistance { column: string; type: 'numeric' | 'categorical'; metric: 'ks' | 'tvd'; value: number }

export function columnDistances(real: CsvTable, synthetic: CsvTable): ColumnDistance[] {
  sameColumns(real, synthetic, 'columnDistances');
  return real.columns.map((c) => {
    if (c.type === 'numeric') return { column: c.name, type: c.type, metric: 'ks', value: ksStatistic(observed(real, c.index), observed(synthetic, c.index)) };
    const codes = (t: CsvTable) => Float64Array.from({ length: t.numRows }, (_, i) => t.matrix[i * t.numColumns + c.index]);
    return { column: c.name, type: c.type, metric: 'tvd', value: totalVariation(codes(real), codes(synthetic)) };
  });
}

/** Pearson correlations between the numeric columns (row-major k x k), over rows with no missing numeric cell. */
export function correlationMatrix(t: CsvTable): { columns: string[]; values: Float64Array } {
  const cols = t.columns.filter((c) => c.type === 'numeric');
  const k = cols.length;
  const rows: number[] = [];
  for (let i = 0; i < t.numRows; i++) if (cols.every((c) => !Number.isNaN(t.matrix[i * t.numColumns + c.index]))) rows.push(i);
  const n = rows.length;
  const mean = new Float64Array(k);
  for (const i of rows) cols.forEach((c, a) => { mean[a] += t.matrix[i * t.numColumns + c.index] / n; });
  const cov = new Float64Array(k * k);
  const centred = new Float64Array(k);
  for (const i of rows) {
    cols.forEach((c, a) => { centred[a] = t.matrix[i * t.numColumns + c.index] - mean[a]; });
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) cov[a * k + b] += centred[a] * centred[b];
  }
  const values = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const denom = Math.sqrt(cov[a * k + a] * cov[b * k + b]);
      const r = a === b ? 1 : denom > 0 ? cov[a * k + b] / denom : 0;
      values[a * k + b] = r;
      values[b * k + a] = r;
    }
  }
  return { columns: cols.map((c) => c.name), values };
}

/** Mean |corr_real - corr_synthetic| over numeric column pairs i < j (0 with fewer than two numeric columns). */
export function correlationDifference(real: CsvTable, synthetic: CsvTable): number {
  sameColumns(real, synthetic, 'correlationDifference');
  const a = correlationMatrix(real);
  const b = correlationMatrix(synthetic);
  const k = a.columns.length;
  let s = 0;
  let pairs = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) { s += Math.abs(a.values[i * k + j] - b.values[i * k + j]); pairs++; }
  return pairs > 0 ? s / pairs : 0;
}

/** Embeds rows for distance computations (see the header); the reference table fixes the numeric ranges. */
export function embedRows(reference: CsvTable, t: CsvTable): { rows: number; width: number; values: Float64Array } {
  sameColumns(reference, t, 'embedRows');
  const parts = reference.columns.map((c) => {
    if (c.type === 'categorical') return { c, width: c.categories?.length ?? 0, lo: 0, span: 1 };
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < reference.numRows; i++) {
      const v = reference.matrix[i * reference.numColumns + c.index];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return { c, width: 1, lo, span: hi > lo ? hi - lo : 1 };
  });
  const width = parts.reduce((a, p) => a + p.width, 0);
  const values = new Float64Array(t.numRows * width);
  const oneHot = Math.SQRT1_2;
  for (let i = 0; i < t.numRows; i++) {
    let at = i * width;
    for (const p of parts) {
      const v = t.matrix[i * t.numColumns + p.c.index];
      if (p.c.type === 'numeric') values[at] = Number.isNaN(v) ? -1 : (v - p.lo) / p.span;
      else if (!Number.isNaN(v)) values[at + v] = oneHot;
      at += p.width;
    }
  }
  return { rows: t.numRows, width, values };
}

/** For each query row (optionally only those listed), the Euclidean distance to its nearest reference row. */
export function closestDistances(reference: CsvTable, queries: CsvTable, queryRows?: ArrayLike<number>): Float64Array {
  const ref = embedRows(reference, reference);
  const q = embedRows(reference, queries);
  const w = ref.width;
  const picks = queryRows ?? Int32Array.from({ length: q.rows }, (_, i) => i);
  const out = new Float64Array(picks.length);
  for (let k = 0; k < picks.length; k++) {
    const qo = picks[k] * w;
    let best = Infinity;
    for (let r = 0; r < ref.rows; r++) {
      const ro = r * w;
      let s = 0;
      for (let j = 0; j < w && s < best; j++) { const d = q.values[qo + j] - ref.values[ro + j]; s += d * d; }
      if (s < best) best = s;
    }
    out[k] = Math.sqrt(best);
  }
  return out;
}

/** Rows of `queries` equal, cell for cell (NaN equal to NaN), to some row of `reference`. */
export function exactCopies(reference: CsvTable, queries: CsvTable): number {
  sameColumns(reference, queries, 'exactCopies');
  const key = (t: CsvTable, i: number) => Array.from(t.matrix.subarray(i * t.numColumns, (i + 1) * t.numColumns), (v) => (Number.isNaN(v) ? 'NaN' : String(v))).join(',');
  const seen = new Set<string>();
  for (let i = 0; i < reference.numRows; i++) seen.add(key(reference, i));
  let n = 0;
  for (let i = 0; i < queries.numRows; i++) if (seen.has(key(queries, i))) n++;
  return n;
}

/** The q-quantile (0..1) by linear interpolation between order statistics (numpy's default). */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}
