// What the CSV commands (impute, synth, score) share: one input CSV, a different --out, and the flags that say how
// to read the file.
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import { refuseToOverwriteInputs } from './output-path.js';

export const CSV_INPUT_FLAGS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  delimiter: { type: 'string' },
  'no-header': { type: 'boolean' },
  missing: { type: 'string' },
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

export function readCsvText(input: string): string {
  try { return readFileSync(input, 'utf8'); } catch (e) { throw new Error(`cannot read ${input}: ${(e as Error).message}`); }
}
