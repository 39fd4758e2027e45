// A numeric table in memory: row-major Float64Array, NaN marks a missing cell. The same layout as
// CsvTable.matrix, so a parsed CSV feeds the tabular models without copying.

export interface NumericMatrix {
  rows: number;
  cols: number;
  /** rows x cols, row-major; NaN = missing. */
  values: Float64Array;
  /** Column names for error messages (default c0, c1, ...). */
  names?: readonly string[];
}

export function columnName(m: NumericMatrix, j: number): string {
  return m.names?.[j] ?? `c${j}`;
}

export function checkMatrix(m: NumericMatrix, what: string): void {
  if (!Number.isInteger(m.rows) || m.rows <= 0) throw new Error(`${what}: needs at least one row, got ${m.rows}`);
  if (!Number.isInteger(m.cols) || m.cols <= 0) throw new Error(`${what}: needs at least one column, got ${m.cols}`);
  if (m.values.length !== m.rows * m.cols) {
    throw new Error(`${what}: ${m.values.length} values for a ${m.rows} x ${m.cols} matrix (expected ${m.rows * m.cols})`);
  }
  if (m.names && m.names.length !== m.cols) throw new Error(`${what}: ${m.names.length} column names for ${m.cols} columns`);
}

/** 1 where observed, 0 where missing (NaN). */
export function observedMask(m: NumericMatrix): Uint8Array {
  const mask = new Uint8Array(m.values.length);
  for (let i = 0; i < mask.length; i++) mask[i] = Number.isNaN(m.values[i]) ? 0 : 1;
  return mask;
}

/** Columns with no observed value cannot be learned: name the first such column. */
export function requireEveryColumnObserved(m: NumericMatrix, what: string): void {
  for (let j = 0; j < m.cols; j++) {
    let seen = false;
    for (let i = 0; i < m.rows && !seen; i++) seen = !Number.isNaN(m.values[i * m.cols + j]);
    if (!seen) throw new Error(`${what}: column ${JSON.stringify(columnName(m, j))} (column ${j + 1}) has no observed value; drop it or supply some values`);
  }
}

/** Keeps the listed columns, in the given order. */
export function selectColumns(m: NumericMatrix, keep: readonly number[]): NumericMatrix {
  const out = new Float64Array(m.rows * keep.length);
  for (let i = 0; i < m.rows; i++) {
    for (let k = 0; k < keep.length; k++) out[i * keep.length + k] = m.values[i * m.cols + keep[k]];
  }
  return { rows: m.rows, cols: keep.length, values: out, names: m.names ? keep.map((j) => m.names![j]) : undefined };
}

/** Keeps the listed rows, in the given order. */
export function selectRows(m: NumericMatrix, rows: ArrayLike<number>): NumericMatrix {
  const out = new Float64Array(rows.length * m.cols);
  for (let k = 0; k < rows.length; k++) out.set(m.values.subarray(rows[k] * m.cols, (rows[k] + 1) * m.cols), k * m.cols);
  return { rows: rows.length, cols: m.cols, values: out, names: m.names };
}
