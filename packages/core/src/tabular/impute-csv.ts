// CSV in, CSV out: fill the missing cells of a table (by `impute`: auto by default, or one named method) and
// leave everything else exactly as it was written (header, row order, column order, the original text of
// every observed cell, quoting, line endings).
import { CsvError, DEFAULT_MISSING_TOKENS, parseCsv, parseDecimal, requireFiniteRanges, requireObservedColumns, splitCsvRecords, type CsvOptions, type CsvTable } from '../data/csv.js';
import type { GainOptions, GainRunOptions } from '../gans/gain/trainer.js';
import { impute, type AutoReport, type ImputeOptions } from './impute.js';
import type { NumericMatrix } from './matrix.js';
import { discreteColumns } from './scaling.js';

export interface ImputeCsvOptions extends Omit<GainOptions, 'roundColumns'>, Pick<GainRunOptions, 'onProgress' | 'progressEvery' | 'signal'>,
  Pick<ImputeOptions, 'method' | 'candidates' | 'holdout' | 'k' | 'onMethod' | 'misgan' | 'misganRun'> {
  /** Label for error messages (the file path). */
  source?: string;
  delimiter?: string;
  /** The first line is a header (default true). */
  header?: boolean;
  missingTokens?: readonly string[];
  /** Declared column types (e.g. a numbers-as-codes column as categorical); the rest are inferred. */
  schema?: CsvOptions['schema'];
}

export interface ImputeCsvResult {
  text: string;
  /** Number of cells filled. */
  filled: number;
  /** What auto chose, per column (method 'auto' only). */
  report?: AutoReport;
  rows: number;
  columns: number;
}

function looksNumeric(s: string): boolean {
  return Number.isFinite(parseDecimal(s.trim()));
}

function quoteIfNeeded(s: string, delimiter: string): string {
  return /["\r\n]/.test(s) || s.includes(delimiter) ? `"${s.replace(/"/g, '""')}"` : s;
}

// Digits after the decimal point as written ("1.50" -> 2, "3" -> 0, "1e-3" -> 3).
function decimalsOf(text: string): number {
  const t = text.trim();
  const m = /^[-+]?\d*(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(t);
  if (!m) return 0;
  return Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

/**
 * Fills missing cells (empty or a missing token) by `impute` (default: auto, which picks among GAIN trained on
 * the table itself, chained regression, nearest neighbours and column means on hidden cells). Categorical (text)
 * columns are imputed as category codes and rounded to the nearest category; numeric columns whose observed
 * values are all integers with fewer than 20 levels are rounded; other numeric fills are written with as many
 * decimals as the column's most precise observed value.
 */
export async function imputeCsvText(text: string, options: ImputeCsvOptions): Promise<ImputeCsvResult> {
  const source = options.source ?? '<csv>';
  const delimiter = options.delimiter ?? ',';
  const header = options.header ?? true;
  const missingTokens = options.missingTokens ?? DEFAULT_MISSING_TOKENS;
  const records = splitCsvRecords(text, delimiter, source);
  if (records.length === 0) throw new CsvError(source, 1, 'empty CSV (nothing to impute)');
  if (header && records[0].fields.length > 0 && records[0].fields.every((f, j) => looksNumeric(f) && !records[0].quoted[j])) {
    throw new CsvError(source, records[0].line, 'the first line is all numbers, so it looks like data rather than a header; pass header: false (gantry impute --no-header) if the file has no header');
  }
  const table: CsvTable = parseCsv(text, { source, delimiter, header, missingTokens, schema: options.schema });
  if (table.numRows === 0) throw new CsvError(source, records[0].line, 'no data rows after the header');
  const body = header ? records.slice(1) : records;
  const { numRows: rows, numColumns: cols } = table;

  const names = table.columns.map((c) => c.name);
  requireObservedColumns(table);
  requireFiniteRanges(table);
  const data: NumericMatrix = { rows, cols, values: table.matrix, names };
  const numericDiscrete = discreteColumns(data);
  const rounded = table.columns.map((c, j) => c.type === 'categorical' || numericDiscrete[j]);
  const decimals = table.columns.map((c) => {
    if (c.type !== 'numeric') return 0;
    let d = 0;
    for (const r of body) {
      const f = r.fields[c.index];
      if (!missingTokens.includes(f.trim())) d = Math.max(d, decimalsOf(f));
    }
    return Math.min(d, 12);
  });

  const {
    onProgress, progressEvery, signal, method, candidates, holdout, k, onMethod, seed, misgan, misganRun,
    source: _source, delimiter: _delimiter, header: _header, missingTokens: _missing, schema: _schema, ...gain
  } = options;
  const result = await impute(data, {
    seed, method, candidates, holdout, k, onMethod, roundColumns: rounded, gain, gainRun: { onProgress, progressEvery, signal }, misgan, misganRun: { signal, ...misganRun },
  });
  const filledMatrix = result.data.values;

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const endsWithNewline = text.endsWith('\n');
  const render = (r: (typeof records)[number]) => r.fields.map((f, j) => (r.quoted[j] ? `"${f.replace(/"/g, '""')}"` : f));
  const lines: string[] = [];
  if (header) lines.push(render(records[0]).join(delimiter));
  let filled = 0;
  body.forEach((r, i) => {
    const cells = render(r);
    for (let j = 0; j < cols; j++) {
      if (!Number.isNaN(table.matrix[i * cols + j])) continue;
      const v = filledMatrix[i * cols + j];
      const column = table.columns[j];
      let out: string;
      if (column.type === 'categorical') {
        const k = column.categories!.length;
        out = column.categories![Math.min(k - 1, Math.max(0, Math.round(v)))];
      } else {
        out = rounded[j] ? String(Math.round(v)) : String(Number(v.toFixed(decimals[j])));
      }
      cells[j] = quoteIfNeeded(out, delimiter);
      filled++;
    }
    lines.push(cells.join(delimiter));
  });
  return { text: lines.join(eol) + (endsWithNewline ? eol : ''), filled, rows, columns: cols, report: result.report };
}
