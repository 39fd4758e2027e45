// The conditional vector and training-by-sampling (CTGAN section 4.3).
//
// The cond vector is the concatenation of one one-hot per categorical column (missing slot included), with
// exactly one slot set: "generate a row whose column j takes category k". During training, j is uniform over
// the categorical columns and k is drawn with probability proportional to log(1 + count), which shows rare
// categories to both networks far more often than their frequency; the real rows the critic sees are drawn
// from those matching the same (j, k), so the critic learns p(row | j, k) for every category. At sampling
// time without a condition, k follows the real frequency instead, so the synthetic marginals match the data.
import type { Rng } from '../../random.js';
import { slotCount, type CategoricalLayout, type TableLayout } from './transformer.js';

export interface CondColumn {
  /** Position among the table's columns. */
  column: number;
  /** Where its one-hot starts in the cond vector. */
  condStart: number;
  /** Where its category one-hot starts in a transformed row. */
  dataStart: number;
  size: number;
  /** Sampling probabilities over slots: log-frequency (training) and frequency (sampling). */
  logFrequency: Float64Array;
  frequency: Float64Array;
  /** Rows of the training table holding each slot. */
  rowsBySlot: Int32Array[];
}

export interface CondSpace {
  columns: CondColumn[];
  /** Cond vector width (0 when the table has no categorical column). */
  width: number;
}

/** A batch of cond vectors and what was chosen per row. */
export interface CondBatch {
  /** rows x space.width, row-major. */
  vectors: Float32Array;
  /** Per row: index into space.columns (-1 without categorical columns). */
  columnChoice: Int32Array;
  /** Per row: the slot chosen in that column. */
  slotChoice: Int32Array;
}

/** The cond space of a layout (category counts come from the layout, so a saved model can rebuild it). */
export function buildCondSpace(layout: TableLayout): CondSpace {
  const columns: CondColumn[] = [];
  let width = 0;
  for (const span of layout.spans) {
    const c = layout.columns[span.column];
    if (c.kind !== 'categorical' || span.activation !== 'softmax') continue;
    const size = slotCount(c);
    columns.push({
      column: span.column, condStart: width, dataStart: span.start, size,
      logFrequency: normalise(c.counts.map((n) => Math.log(1 + n))),
      frequency: normalise(c.counts),
      rowsBySlot: [],
    });
    width += size;
  }
  return { columns, width };
}

/** Fills each cond column's rowsBySlot from the transformed training rows (numRows x layout.width). */
export function indexRowsBySlot(space: CondSpace, width: number, transformed: Float32Array, numRows: number): void {
  for (const c of space.columns) {
    const lists: number[][] = Array.from({ length: c.size }, () => []);
    for (let i = 0; i < numRows; i++) {
      for (let s = 0; s < c.size; s++) if (transformed[i * width + c.dataStart + s] === 1) { lists[s].push(i); break; }
    }
    c.rowsBySlot = lists.map((l) => Int32Array.from(l));
  }
}

function normalise(w: number[]): Float64Array {
  const sum = w.reduce((a, b) => a + b, 0);
  return Float64Array.from(w, (v) => (sum > 0 ? v / sum : 1 / w.length));
}

function draw(p: Float64Array, rng: Rng): number {
  let u = rng.next();
  for (let j = 0; j < p.length; j++) { u -= p[j]; if (u < 0) return j; }
  return p.length - 1;
}

/** Training-by-sampling cond vectors (log-frequency) or, with 'frequency', the data's own category mix. */
export function sampleCondBatch(space: CondSpace, rows: number, rng: Rng, by: 'log-frequency' | 'frequency'): CondBatch {
  const vectors = new Float32Array(rows * space.width);
  const columnChoice = new Int32Array(rows).fill(-1);
  const slotChoice = new Int32Array(rows).fill(-1);
  if (space.columns.length === 0) return { vectors, columnChoice, slotChoice };
  for (let i = 0; i < rows; i++) {
    const j = rng.int(space.columns.length);
    const c = space.columns[j];
    const s = draw(by === 'frequency' ? c.frequency : c.logFrequency, rng);
    columnChoice[i] = j;
    slotChoice[i] = s;
    vectors[i * space.width + c.condStart + s] = 1;
  }
  return { vectors, columnChoice, slotChoice };
}

/** Cond vectors that all ask for one slot of one categorical column. */
export function fixedCondBatch(space: CondSpace, rows: number, condColumn: number, slot: number): CondBatch {
  const c = space.columns[condColumn];
  const vectors = new Float32Array(rows * space.width);
  for (let i = 0; i < rows; i++) vectors[i * space.width + c.condStart + slot] = 1;
  return { vectors, columnChoice: new Int32Array(rows).fill(condColumn), slotChoice: new Int32Array(rows).fill(slot) };
}

/** For each cond row, a training row with the asked-for category (uniform among them); any row without a cond. */
export function matchingRows(space: CondSpace, batch: CondBatch, numRows: number, rng: Rng): Int32Array {
  const out = new Int32Array(batch.columnChoice.length);
  for (let i = 0; i < out.length; i++) {
    const j = batch.columnChoice[i];
    if (j < 0) { out[i] = rng.int(numRows); continue; }
    const candidates = space.columns[j].rowsBySlot[batch.slotChoice[i]] ?? new Int32Array(0);
    // A slot with no training rows is never drawn by log-frequency (log 1 = 0), but guard anyway.
    out[i] = candidates.length > 0 ? candidates[rng.int(candidates.length)] : rng.int(numRows);
  }
  return out;
}

/** The categorical layout behind a cond column. */
export function condLayout(layout: TableLayout, c: CondColumn): CategoricalLayout {
  return layout.columns[c.column] as CategoricalLayout;
}
