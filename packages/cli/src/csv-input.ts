// What the CSV commands (train's --data, impute, synth, score) share: one way to read a CSV file (the reader's
// type policy, --categorical declarations, the all-missing check, a one-line account of the column types), and
// for impute and synth one input CSV with a different --out and the flags that say how to read it.
import { readFileSync } from 'node:fs';
import { CsvSchemaError, describeColumns, parseCsv, requireFiniteRanges, requireObservedColumns, type CsvOptions, type CsvTable } from '@gantry/core';
import { UsageError } from './args.js';
import { refuseToOverwriteInputs } from './output-path.js';

export const CSV_INPUT_FLAGS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  delimiter: { type: 'string' },
  'no-header': { type: 'boolean' },
  missing: { type: 'string' },
  categorical: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

export type CsvInputValues = Record<string, string | undefined> & { 'no-header'?: boolean; quiet?: boolean };

/** The input path and --out, which must be given (named by `outName` in the error) and be another file. */
export function csvInputAndOutput(positionals: readonly string[], values: CsvInputValues, outName: string): { input: string; out: string } {
  if (positionals.length !== 1) throw new UsageError(`expected one input CSV file, got ${positionals.length}`);
  const input = positionals[0];
  const out = values.out;
  if (!out) throw new UsageError(`--out <${outName}> is required`);
  refuseToOverwriteInputs([{ flag: '--out', path: out }], [input]);
  return { input, out };
}

/** --categorical a,b as the column names it lists. */
export function categoricalFlag(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--categorical takes column names separated by commas, got ${JSON.stringify(value)}`);
  return names;
}

/** How CSV_INPUT_FLAGS say to read the file (parseCsv's options, also taken by imputeCsvText). */
export function csvReadOptions(values: CsvInputValues): Omit<CsvOptions, 'source'> {
  return {
    delimiter: values.delimiter ?? ',',
    header: !values['no-header'],
    missingTokens: values.missing?.split(','),
    schema: declaredCategorical(categoricalFlag(values.categorical)),
  };
}

export function declaredCategorical(names: readonly string[] | undefined): CsvOptions['schema'] {
  return names && Object.fromEntries(names.map((n) => [n, 'categorical' as const]));
}

export function readCsvText(input: string): string {
  try { return readFileSync(input, 'utf8'); } catch (e) { throw new Error(`cannot read ${input}: ${(e as Error).message}`); }
}

/**
 * Reads a CSV file into a table every command can use: the reader's errors name file, line, column and cell; a
 * declared column the file lacks is a usage error (naming the flag `declaredBy`); a column missing in every row, or
 * one whose range overflows double precision, is named; `log` (when given)
 * receives the one-line account of which columns were taken as numeric and which as categorical.
 */
export function readCsvInput(
  path: string, options: Omit<CsvOptions, 'source'>, log?: (line: string) => void, declaredBy = '--categorical',
): { text: string; table: CsvTable } {
  const text = readCsvText(path);
  let table: CsvTable;
  try {
    table = parseCsv(text, { ...options, source: path });
  } catch (e) {
    if (e instanceof CsvSchemaError) throw new UsageError(`${declaredBy} names ${JSON.stringify(e.column)}, which is not a column of ${path} (columns: ${e.header.join(', ')})`);
    throw e;
  }
  log?.(describeColumns(table));
  requireObservedColumns(table);
  requireFiniteRanges(table);
  return { text, table };
}
