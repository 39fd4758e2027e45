// CSV parsing into a typed table: browser-safe (text in, table out). File reading lives in csv-file.node.ts.
//
// Design: one pass splits records (RFC 4180 quoting, CRLF or LF), a second pass decides each column's
// type (numeric if most of its distinct non-missing values are numbers in decimal notation, unless a schema
// says otherwise) and fills a row-major Float64Array where categorical cells hold the index into that
// column's vocabulary and missing cells hold NaN. Every error names the source, the line, the column and
// what was expected.
//
// Why "most" and not "all": with "all", one typo ('abc', 'inf') in a column of thousands of numbers silently
// made it categorical, one category per distinct number, and training went on on nonsense. A column that is
// mostly numbers is taken as numeric and its odd cells are errors that name them; a column meant as
// categories despite its numbers is declared so (schema; gantry's --categorical).
import { isNonFiniteNumberText, parseDecimal } from './csv-numbers.js';

export { isNonFiniteNumberText, parseDecimal } from './csv-numbers.js';

export type ColumnType = 'numeric' | 'categorical';

/** A column's declared type, optionally with a fixed vocabulary (order = codes) for categorical ones. */
export type ColumnSpec = ColumnType | { type: ColumnType; categories?: readonly string[] };

export interface CsvColumn {
  name: string;
  type: ColumnType;
  /** Position in the table (and in each matrix row). */
  index: number;
  /** Categorical only: code i in the matrix stands for categories[i]. */
  categories?: string[];
  /** Number of missing cells in this column. */
  missing: number;
}

export interface CsvTable {
  /** Where the text came from (file path or a caller-given label); used in error messages. */
  source: string;
  columns: CsvColumn[];
  numRows: number;
  numColumns: number;
  /** Row-major numRows x numColumns; NaN marks a missing cell; categorical cells hold category codes. */
  matrix: Float64Array;
}

export interface CsvOptions {
  /** Label for error messages, e.g. the file path. Default '<csv>'. */
  source?: string;
  delimiter?: string;
  /** First record is a header (default true). Without one, columns are named c0, c1, ... */
  header?: boolean;
  /** Types by column name; columns left out are inferred. */
  schema?: Record<string, ColumnSpec>;
  /** Schema entries for columns the header lacks are skipped rather than an error (a CsvSchemaError). */
  schemaMayNameAbsentColumns?: boolean;
  /** Cell texts (after trimming) that mean "missing". Default: '', NA, N/A, NaN, nan, null. */
  missingTokens?: readonly string[];
}

export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null'];

export class CsvError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source}:${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** The schema names a column the header lacks: the caller's declaration is wrong, not the file. */
export class CsvSchemaError extends CsvError {
  constructor(source: string, line: number, readonly column: string, readonly header: readonly string[]) {
    super(source, line, `schema names column ${JSON.stringify(column)}, which is not in the header (${header.join(', ')})`);
    this.name = 'CsvSchemaError';
  }
}

interface RawRecord {
  line: number; // 1-based physical line where the record starts
  fields: string[];
  quoted: boolean[];
}

/** Splits text into records. Quoted fields may hold delimiters, newlines and doubled quotes. */
export function splitCsvRecords(text: string, delimiter = ',', source = '<csv>'): RawRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`CSV delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  const records: RawRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let value = '';
      let wasQuoted = false;
      if (text[i] === '"') {
        wasQuoted = true;
        const openLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvError(source, openLine, 'unterminated quoted field (expected a closing ")');
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          throw new CsvError(source, line, `unexpected ${JSON.stringify(text[i])} after a closing quote (expected ${JSON.stringify(delimiter)} or end of line)`);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(start, i);
      }
      fields.push(value);
      quoted.push(wasQuoted);
      if (i >= n) { endOfRecord = true; }
      else if (text[i] === delimiter) { i++; }
      else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        endOfRecord = true;
      }
    }
    // A blank line is not a record (but a line holding just "" is).
    if (fields.length === 1 && fields[0] === '' && !quoted[0]) continue;
    records.push({ line: startLine, fields, quoted });
  }
  return records;
}

/** Numbers, counted among a column's distinct non-missing cell texts, above which it is taken as numeric. */
function mostlyNumbers(distinct: Iterable<string>): { numbers: number; distinct: number; numeric: boolean } {
  let numbers = 0;
  let count = 0;
  for (const t of distinct) {
    count++;
    if (!Number.isNaN(parseDecimal(t)) || isNonFiniteNumberText(t)) numbers++;
  }
  return { numbers, distinct: count, numeric: numbers * 2 > count };
}

function specType(spec: ColumnSpec): ColumnType {
  return typeof spec === 'string' ? spec : spec.type;
}

export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const source = options.source ?? '<csv>';
  const delimiter = options.delimiter ?? ',';
  const missing = new Set((options.missingTokens ?? DEFAULT_MISSING_TOKENS).map((s) => s.trim()));
  const records = splitCsvRecords(text, delimiter, source);
  const hasHeader = options.header ?? true;
  if (records.length === 0) throw new CsvError(source, 1, 'empty CSV (expected a header line)');

  const width = records[0].fields.length;
  const names = hasHeader
    ? records[0].fields.map((f) => f.trim())
    : Array.from({ length: width }, (_, j) => `c${j}`);
  const seen = new Set<string>();
  names.forEach((name, j) => {
    if (name === '') throw new CsvError(source, records[0].line, `column ${j + 1} has an empty header name`);
    if (seen.has(name)) throw new CsvError(source, records[0].line, `duplicate column name ${JSON.stringify(name)}`);
    seen.add(name);
  });
  const body = hasHeader ? records.slice(1) : records;
  for (const r of body) {
    if (r.fields.length !== width) {
      throw new CsvError(source, r.line, `row has ${r.fields.length} fields, expected ${width} (as in the ${hasHeader ? 'header' : 'first row'})`);
    }
  }
  const schema = options.schema ?? {};
  for (const key of Object.keys(schema)) {
    if (!seen.has(key) && !options.schemaMayNameAbsentColumns) throw new CsvSchemaError(source, records[0].line, key, names);
  }

  const numRows = body.length;
  const matrix = new Float64Array(numRows * width);
  const columns: CsvColumn[] = names.map((name, j) => {
    const isMissing = (r: RawRecord) => missing.has(r.fields[j].trim());
    const spec = schema[name];
    let type: ColumnType;
    // why a non-number in a numeric column is wrong, for the error message
    let numbersNote = ' (the column is declared numeric)';
    if (spec !== undefined) {
      type = specType(spec);
      if (type !== 'numeric' && type !== 'categorical') throw new CsvError(source, records[0].line, `schema type for ${JSON.stringify(name)} must be 'numeric' or 'categorical', got ${JSON.stringify(type)}`);
    } else {
      const distinct = new Set<string>();
      for (const r of body) if (!isMissing(r)) distinct.add(r.fields[j].trim());
      const census = mostlyNumbers(distinct);
      type = census.numeric ? 'numeric' : 'categorical';
      numbersNote = `, though ${census.numbers} of the column's ${census.distinct} distinct values are numbers; fix the cell, ` +
        `mark it missing, or declare the column categorical (gantry: --categorical ${name})`;
    }
    let missingCount = 0;
    if (type === 'numeric') {
      body.forEach((r, i) => {
        if (isMissing(r)) { matrix[i * width + j] = NaN; missingCount++; return; }
        const text = r.fields[j].trim();
        const v = parseDecimal(text);
        if (!Number.isFinite(v)) {
          const cell = `column ${JSON.stringify(name)}, row ${i + 1}: ${JSON.stringify(text)}`;
          throw new CsvError(source, r.line, isNonFiniteNumberText(text)
            ? `${cell} is not a finite number (fix the cell or mark it missing)`
            : `${cell} is not a number${numbersNote}`);
        }
        matrix[i * width + j] = v;
      });
      return { name, type, index: j, missing: missingCount };
    }
    const given = spec !== undefined && typeof spec !== 'string' ? spec.categories : undefined;
    let categories: string[];
    if (given) {
      categories = [...given];
    } else {
      const distinct = new Set<string>();
      for (const r of body) if (!isMissing(r)) distinct.add(r.fields[j].trim());
      categories = [...distinct].sort(compareCategories);
    }
    const codes = new Map(categories.map((c, k) => [c, k]));
    body.forEach((r, i) => {
      if (isMissing(r)) { matrix[i * width + j] = NaN; missingCount++; return; }
      const code = codes.get(r.fields[j].trim());
      if (code === undefined) {
        throw new CsvError(source, r.line, `column ${JSON.stringify(name)}: category ${JSON.stringify(r.fields[j])} is not in the given vocabulary (${categories.join(', ')})`);
      }
      matrix[i * width + j] = code;
    });
    return { name, type, index: j, categories, missing: missingCount };
  });
  return { source, columns, numRows, numColumns: width, matrix };
}

// Numbers-as-text sort numerically (so "2" < "10"); everything else by code unit order, stable across locales.
function compareCategories(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line saying how the columns were read, e.g. 'x.csv: 3 rows; numeric: a, b (2 columns); categorical:
 * town (2 categories)', so that a column taken the wrong way is seen before any training. */
export function describeColumns(table: CsvTable, maxNumericNames = 10): string {
  const numeric = table.columns.filter((c) => c.type === 'numeric').map((c) => c.name);
  const categorical = table.columns.filter((c) => c.type === 'categorical');
  const shown = numeric.length > maxNumericNames ? `${numeric.slice(0, maxNumericNames).join(', ')} and ${numeric.length - maxNumericNames} more` : numeric.join(', ');
  const numericPart = numeric.length === 0 ? 'none' : `${shown} (${numeric.length} column${numeric.length === 1 ? '' : 's'})`;
  const categoricalPart = categorical.map((c) => `${c.name} (${c.categories?.length ?? 0} categories)`).join(', ') || 'none';
  return `${table.source}: ${table.numRows} rows; numeric: ${numericPart}; categorical: ${categoricalPart}`;
}

/** Throws naming the first column that is missing in every row: no model can learn it from the table. */
export function requireObservedColumns(table: CsvTable): void {
  for (const c of table.columns) {
    if (c.missing === table.numRows && table.numRows > 0) {
      throw new Error(`${table.source}: column ${JSON.stringify(c.name)} (column ${c.index + 1}) is missing in all ${table.numRows} rows, ` +
        'so there is nothing to learn it from; drop the column or fill some of its cells');
    }
  }
}

/** Throws naming the first numeric column whose range (max - min) overflows double precision, and the rows of its
 * extremes: every model scales its columns by their range or spread, and such a column scales to NaN or Infinity. */
export function requireFiniteRanges(table: CsvTable): void {
  const cols = table.numColumns;
  for (const c of table.columns) {
    if (c.type !== 'numeric') continue;
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < table.numRows; i++) {
      const v = table.matrix[i * cols + c.index];
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < table.matrix[lo * cols + c.index]) lo = i;
      if (hi < 0 || v > table.matrix[hi * cols + c.index]) hi = i;
    }
    if (lo < 0) continue;
    const min = table.matrix[lo * cols + c.index];
    const max = table.matrix[hi * cols + c.index];
    if (!Number.isFinite(max - min)) {
      throw new Error(`${table.source}: column ${JSON.stringify(c.name)} spans ${min} (row ${lo + 1}) to ${max} (row ${hi + 1}), ` +
        'a range too wide for double precision, so no model can scale it; rescale the column or drop it');
    }
  }
}

/** One column's values (a copy), by name or index. */
export function tableColumn(table: CsvTable, column: string | number): Float64Array {
  const j = typeof column === 'number' ? column : table.columns.findIndex((c) => c.name === column);
  if (j < 0 || j >= table.numColumns) throw new Error(`${table.source}: no column ${JSON.stringify(column)} (have ${table.columns.map((c) => c.name).join(', ')})`);
  const out = new Float64Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) out[i] = table.matrix[i * table.numColumns + j];
  return out;
}

function quoteField(s: string, delimiter: string): string {
  return /["\r\n]/.test(s) || s.includes(delimiter) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a table back to CSV text: categorical codes become their category, NaN becomes missingToken. */
export function formatCsv(table: CsvTable, options: { delimiter?: string; missingToken?: string } = {}): string {
  const delimiter = options.delimiter ?? ',';
  const missingToken = options.missingToken ?? '';
  const lines = [table.columns.map((c) => quoteField(c.name, delimiter)).join(delimiter)];
  for (let i = 0; i < table.numRows; i++) {
    const cells = table.columns.map((c) => {
      const v = table.matrix[i * table.numColumns + c.index];
      if (Number.isNaN(v)) return missingToken;
      if (c.type === 'categorical') {
        const name = c.categories?.[Math.round(v)];
        if (name === undefined) throw new Error(`${table.source}: row ${i}, column ${JSON.stringify(c.name)}: code ${v} outside its ${c.categories?.length ?? 0} categories`);
        return quoteField(name, delimiter);
      }
      return String(v);
    });
    lines.push(cells.join(delimiter));
  }
  return lines.join('\n') + '\n';
}
