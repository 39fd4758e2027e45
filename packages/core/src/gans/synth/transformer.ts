// Mode-specific normalisation (Xu et al. 2019, CTGAN section 4.2) between a CsvTable and the generator's rows.
//
// Numeric column: a Gaussian mixture (gmm.ts) is fitted to its observed values; each value becomes a scalar
// (x - mean_k) / (4 std_k), clipped to [-0.99, 0.99], followed by the one-hot of its mode k, which is drawn from
// the value's posterior over modes (as CTGAN does). Categorical column: the one-hot of its category.
// Missing values: a column with missing cells gets one more slot in its one-hot ("missing"); a numeric
// missing value is scalar 0 with that slot set. So the synthesizer learns how often, and alongside what, cells
// are missing, and the inverse transform writes them back as missing. A column with no observed value is an error.
// Inverse: the scalar is clipped to [-1, 1]; the mode or category is the arg-max of its slots. Numeric values are
// rounded to the most decimals any training value has (when that is at most 6: integer columns stay integers,
// and a spike at 0 such as spam's word frequencies comes back as exact zeros) and clipped to the training range.
import type { CsvColumn, CsvTable } from '../../data/csv.js';
import type { Rng } from '../../random.js';
import { fitGaussianMixture, posteriors, type GaussianMode, type GmmOptions } from './gmm.js';

export interface NumericLayout {
  kind: 'numeric';
  name: string;
  modes: GaussianMode[];
  /** One extra mode slot stands for "missing". */
  missingSlot: boolean;
  /** Decimals of the most precise training value (0 = integers), or null when above 6 (no rounding). */
  decimals: number | null;
  min: number;
  max: number;
}

export interface CategoricalLayout {
  kind: 'categorical';
  name: string;
  categories: string[];
  /** One extra category slot stands for "missing". */
  missingSlot: boolean;
  /** Training rows per slot (categories, then missing). */
  counts: number[];
}

export type ColumnLayout = NumericLayout | CategoricalLayout;

/** A contiguous run of generator outputs with one activation. */
export interface OutputSpan {
  start: number;
  size: number;
  activation: 'tanh' | 'softmax';
  /** Which table column it encodes. */
  column: number;
}

/** Everything the transform needs: JSON-safe, so a saved model carries it. */
export interface TableLayout {
  columns: ColumnLayout[];
  /** Width of a transformed row. */
  width: number;
  spans: OutputSpan[];
}

/** Mode-slot or category-slot count of a column (missing slot included). */
export function slotCount(c: ColumnLayout): number {
  return (c.kind === 'numeric' ? c.modes.length : c.categories.length) + (c.missingSlot ? 1 : 0);
}

function layoutSpans(columns: readonly ColumnLayout[]): { spans: OutputSpan[]; width: number } {
  const spans: OutputSpan[] = [];
  let at = 0;
  columns.forEach((c, j) => {
    if (c.kind === 'numeric') { spans.push({ start: at, size: 1, activation: 'tanh', column: j }); at += 1; }
    spans.push({ start: at, size: slotCount(c), activation: 'softmax', column: j });
    at += slotCount(c);
  });
  return { spans, width: at };
}

/** Checks a table's cells: numbers finite (NaN = missing), category codes in range; every column observed somewhere. */
export function checkTable(table: CsvTable, what: string): void {
  if (table.numRows === 0) throw new Error(`${what}: ${table.source} has no rows`);
  for (const c of table.columns) {
    let observed = 0;
    for (let i = 0; i < table.numRows; i++) {
      const v = table.matrix[i * table.numColumns + c.index];
      if (Number.isNaN(v)) continue;
      observed++;
      if (!Number.isFinite(v)) throw new Error(`${what}: ${table.source} row ${i + 1}, column ${JSON.stringify(c.name)}: ${v} is not a finite number`);
      if (c.type === 'categorical' && (!Number.isInteger(v) || v < 0 || v >= (c.categories?.length ?? 0))) {
        throw new Error(`${what}: ${table.source} row ${i + 1}, column ${JSON.stringify(c.name)}: category code ${v} outside its ${c.categories?.length ?? 0} categories`);
      }
    }
    if (observed === 0) throw new Error(`${what}: column ${JSON.stringify(c.name)} of ${table.source} is missing in all ${table.numRows} rows; drop it or fill it before synthesizing`);
  }
}

function columnValues(table: CsvTable, c: CsvColumn): Float64Array {
  const out = new Float64Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) out[i] = table.matrix[i * table.numColumns + c.index];
  return out;
}

export function fitTableLayout(table: CsvTable, gmm: GmmOptions = {}): TableLayout {
  checkTable(table, 'fitTableLayout');
  const columns: ColumnLayout[] = [...table.columns].sort((a, b) => a.index - b.index).map((c) => {
    const values = columnValues(table, c);
    const observed = values.filter((v) => !Number.isNaN(v));
    const missingSlot = observed.length < values.length;
    if (c.type === 'numeric') {
      let min = Infinity;
      let max = -Infinity;
      for (const v of observed) { if (v < min) min = v; if (v > max) max = v; }
      return { kind: 'numeric', name: c.name, modes: fitGaussianMixture(observed, gmm), missingSlot, decimals: maxDecimals(observed), min, max };
    }
    const categories = [...(c.categories ?? [])];
    const counts = new Array<number>(categories.length + (missingSlot ? 1 : 0)).fill(0);
    for (const v of values) counts[Number.isNaN(v) ? categories.length : v]++;
    return { kind: 'categorical', name: c.name, categories, missingSlot, counts };
  });
  return { columns, ...layoutSpans(columns) };
}

/** The most decimals among the values (up to 6), or null when some value needs more. */
export function maxDecimals(values: ArrayLike<number>): number | null {
  let most = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let d = most;
    while (d <= 6 && Math.abs(Math.round(v * 10 ** d) / 10 ** d - v) > 1e-9 * Math.max(1, Math.abs(v))) d++;
    if (d > 6) return null;
    most = d;
  }
  return most;
}

function roundTo(v: number, decimals: number | null): number {
  if (decimals === null) return v;
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

function checkSameColumns(layout: TableLayout, table: CsvTable, what: string): void {
  const names = [...table.columns].sort((a, b) => a.index - b.index);
  if (names.length !== layout.columns.length || names.some((c, j) => c.name !== layout.columns[j].name || (c.type === 'numeric') !== (layout.columns[j].kind === 'numeric'))) {
    throw new Error(`${what}: ${table.source} has columns (${names.map((c) => `${c.name}:${c.type}`).join(', ')}), the layout expects (${layout.columns.map((c) => `${c.name}:${c.kind}`).join(', ')})`);
  }
}

/** Rows of the table in the generator's space (rows x layout.width, row-major). rng draws each value's mode. */
export function transformTable(layout: TableLayout, table: CsvTable, rng: Rng): Float32Array {
  checkSameColumns(layout, table, 'transformTable');
  checkTable(table, 'transformTable');
  const out = new Float32Array(table.numRows * layout.width);
  const byIndex = [...table.columns].sort((a, b) => a.index - b.index);
  for (const span of layout.spans) {
    if (span.activation === 'tanh') continue; // written with its mode span
    const c = layout.columns[span.column];
    const values = columnValues(table, byIndex[span.column]);
    if (c.kind === 'categorical') {
      for (let i = 0; i < table.numRows; i++) {
        const slot = Number.isNaN(values[i]) ? c.categories.length : values[i];
        out[i * layout.width + span.start + slot] = 1;
      }
      continue;
    }
    const k = c.modes.length;
    const resp = new Float64Array(k);
    for (let i = 0; i < table.numRows; i++) {
      const v = values[i];
      const row = i * layout.width;
      if (Number.isNaN(v)) { out[row + span.start + k] = 1; continue; }
      posteriors([v], c.modes, resp);
      const mode = drawIndex(resp, rng);
      const m = c.modes[mode];
      out[row + span.start - 1] = Math.min(0.99, Math.max(-0.99, (v - m.mean) / (4 * m.std)));
      out[row + span.start + mode] = 1;
    }
  }
  return out;
}

function drawIndex(p: ArrayLike<number>, rng: Rng): number {
  let u = rng.next();
  for (let j = 0; j < p.length; j++) { u -= p[j]; if (u < 0) return j; }
  return p.length - 1;
}

function argmax(x: ArrayLike<number>, start: number, size: number): number {
  let best = 0;
  for (let j = 1; j < size; j++) if (x[start + j] > x[start + best]) best = j;
  return best;
}

/** Generator rows back to a table with the training table's columns (order, names, types, categories). */
export function inverseTransform(layout: TableLayout, rows: ArrayLike<number>, numRows: number, source = 'synthetic'): CsvTable {
  if (rows.length !== numRows * layout.width) throw new Error(`inverseTransform: got ${rows.length} values, expected ${numRows} x ${layout.width}`);
  const numColumns = layout.columns.length;
  const matrix = new Float64Array(numRows * numColumns);
  const missing = new Array<number>(numColumns).fill(0);
  for (const span of layout.spans) {
    if (span.activation === 'tanh') continue;
    const j = span.column;
    const c = layout.columns[j];
    for (let i = 0; i < numRows; i++) {
      const row = i * layout.width;
      const slot = argmax(rows, row + span.start, span.size);
      let v: number;
      if (c.kind === 'categorical') {
        v = slot >= c.categories.length ? NaN : slot;
      } else if (slot >= c.modes.length) {
        v = NaN;
      } else {
        const m = c.modes[slot];
        const s = Math.min(1, Math.max(-1, rows[row + span.start - 1]));
        v = s * 4 * m.std + m.mean;
        v = roundTo(v, c.decimals);
        v = Math.min(c.max, Math.max(c.min, v));
      }
      if (Number.isNaN(v)) missing[j]++;
      matrix[i * numColumns + j] = v;
    }
  }
  const columns: CsvColumn[] = layout.columns.map((c, j) => c.kind === 'numeric'
    ? { name: c.name, type: 'numeric', index: j, missing: missing[j] }
    : { name: c.name, type: 'categorical', index: j, categories: [...c.categories], missing: missing[j] });
  return { source, columns, numRows, numColumns, matrix };
}
