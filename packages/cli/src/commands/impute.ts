// gantry impute: fill the missing cells of a CSV file with GAIN, keeping everything else as written.
import { writeFileSync } from 'node:fs';
import { imputeCsvText } from '@gantry/core';
import { command, parseFlags, UsageError } from '../args.js';
import { CSV_INPUT_FLAGS, csvInputAndOutput, readCsvText, type CsvInputValues } from '../csv-input.js';
import { selectBackend } from '../backend.js';

const usage = `usage: gantry impute <data.csv> --out <filled.csv> [options]

Fills empty cells (and NA, N/A, NaN, nan, null) with GAIN (Yoon et al. 2018) trained on the file itself.
Every row, the column order, the header and the original text of every observed cell are kept exactly.

options:
  --out <file>          where to write the filled CSV (required; may not be the input)
  --seed <n>            random seed (default 0): the same seed gives the same output
  --iterations <n>      GAIN training iterations (default 10000, as in the paper)
  --batch-size <n>      default 128
  --hint-rate <p>       default 0.9
  --hint code|paper     hint as in the authors' code (default) or as in the paper's Section 4
  --alpha <x>           weight of the reconstruction loss, default 100
  --delimiter <c>       field delimiter, default ","
  --no-header           the first line is data; columns are named c0, c1, ...
  --missing <a,b,...>   cell texts that mean "missing" (default: ,NA,N/A,NaN,nan,null)
  --quiet               no progress output`;

function positiveInteger(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

function number(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

function batchSize(v: string | undefined): number {
  const n = positiveInteger(v, 'batch-size', 128);
  if (n === 0) throw new UsageError('--batch-size must be at least 1');
  return n;
}

function hintForm(v: string | undefined): 'code' | 'paper' {
  if (v === undefined || v === 'code' || v === 'paper') return v ?? 'code';
  throw new UsageError(`--hint must be "code" or "paper", got ${JSON.stringify(v)}`);
}

const summary = 'fill missing cells of a CSV file with GAIN (keeps observed cells exactly)';

export const imputeCommand = command('impute', summary, usage, async (argv) => {
  const parsed = parseFlags(argv, {
    ...CSV_INPUT_FLAGS,
    iterations: { type: 'string' },
    'batch-size': { type: 'string' },
    'hint-rate': { type: 'string' },
    hint: { type: 'string' },
    alpha: { type: 'string' },
  }, Infinity);
  const values = parsed.values as CsvInputValues;
  const { input, out } = csvInputAndOutput(parsed.positionals, values, 'filled.csv');
  const text = readCsvText(input);
  const iterations = positiveInteger(values.iterations, 'iterations', 10000);
  const started = performance.now();
  await selectBackend();
  const result = imputeCsvText(text, {
    source: input,
    seed: number(values.seed, 'seed', 0),
    iterations,
    batchSize: batchSize(values['batch-size']),
    hint: hintForm(values.hint),
    hintRate: number(values['hint-rate'], 'hint-rate', 0.9),
    alpha: number(values.alpha, 'alpha', 100),
    delimiter: values.delimiter,
    header: !values['no-header'],
    missingTokens: values.missing?.split(','),
    progressEvery: Math.max(1, Math.floor(iterations / 10)),
    onProgress: values.quiet ? undefined : (p) => console.error(`impute: iteration ${p.iteration + 1}/${iterations}  D loss ${p.discriminatorLoss.toFixed(4)}  reconstruction MSE ${p.reconstructionMse.toFixed(5)}`),
  });
  writeFileSync(out, result.text);
  if (!values.quiet) console.error(`impute: filled ${result.filled} of ${result.rows * result.columns} cells (${result.rows} rows, ${result.columns} columns) in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${out}`);
});

export default imputeCommand;
