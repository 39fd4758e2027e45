// How gantry train sees a CSV table: numeric columns standardised, categorical columns one-hot, so that
// one MLP GAN models mixed tables; and the way back from generated vectors to cells as the user wrote them.
// The coding is plain JSON and lives in the run's config, so sample/export decode without the data file.
import type { ColumnCoding } from '../run/format.js';
import type { CsvTable } from './csv.js';

/** Width of one encoded row. */
export function codedWidth(coding: readonly ColumnCoding[]): number {
  return coding.reduce((w, c) => w + (c.type === 'numeric' ? 1 : c.categories.length), 0);
}

/** Rows of the table without missing cells (a GAN row needs every cell). */
export function completeRows(table: CsvTable): number[] {
  const rows: number[] = [];
  const cols = table.numColumns;
  for (let r = 0; r < table.numRows; r++) {
    let complete = true;
    for (let c = 0; c < cols && complete; c++) complete = !Number.isNaN(table.matrix[r * cols + c]);
    if (complete) rows.push(r);
  }
  return rows;
}

/** Fits the coding on the given rows (mean/std of numeric columns, every category of categorical ones). */
export function fitCoding(table: CsvTable, rows: readonly number[]): ColumnCoding[] {
  const cols = table.numColumns;
  return table.columns.map((column, c): ColumnCoding => {
    if (column.type === 'categorical') return { name: column.name, type: 'categorical', categories: [...(column.categories ?? [])] };
    let mean = 0;
    let integer = true;
    for (const r of rows) {
      const v = table.matrix[r * cols + c];
      mean += v / rows.length;
      if (!Number.isInteger(v)) integer = false;
    }
    // Squares of deviations past ~1e154 overflow to Infinity (and the column to zeros): divide by the largest
    // deviation first, square, and multiply back after the root.
    let scale = 0;
    for (const r of rows) scale = Math.max(scale, Math.abs(table.matrix[r * cols + c] - mean));
    let variance = 0;
    if (scale > 0) for (const r of rows) variance += ((table.matrix[r * cols + c] - mean) / scale) ** 2 / rows.length;
    return { name: column.name, type: 'numeric', mean, std: scale * Math.sqrt(variance) || 1, integer };
  });
}

/** Encodes the given rows: [rows.length, codedWidth] row-major. */
export function encodeRows(table: CsvTable, rows: readonly number[], coding: readonly ColumnCoding[]): Float32Array {
  const width = codedWidth(coding);
  const cols = table.numColumns;
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    let offset = i * width;
    coding.forEach((c, j) => {
      const v = table.matrix[r * cols + j];
      if (c.type === 'numeric') out[offset++] = (v - c.mean) / c.std;
      else { out[offset + v] = 1; offset += c.categories.length; }
    });
  });
  return out;
}

/** Decodes generated rows into cell texts: numbers back to the data's scale, the largest one-hot entry
 * as the category. */
export function decodeRows(coding: readonly ColumnCoding[], values: ArrayLike<number>, rows: number): string[][] {
  const width = codedWidth(coding);
  if (values.length !== rows * width) throw new Error(`decodeRows: ${values.length} values are not ${rows} rows of width ${width}`);
  const out: string[][] = [];
  for (let r = 0; r < rows; r++) {
    let offset = r * width;
    out.push(coding.map((c) => {
      if (c.type === 'numeric') {
        const v = values[offset++] * c.std + c.mean;
        // float32 models carry ~7 significant digits; print no more than the model knows
        return String(c.integer ? Math.round(v) : Number(v.toPrecision(6)));
      }
      let best = 0;
      for (let k = 1; k < c.categories.length; k++) if (values[offset + k] > values[offset + best]) best = k;
      offset += c.categories.length;
      return c.categories[best];
    }));
  }
  return out;
}
