// gantry score: anomaly scores from a GAN trained on normal rows (see @gantry/core trainAnomalyGan).
import { writeFileSync } from 'node:fs';
import { parseCsv, trainAnomalyGan, type CsvTable, type NumericMatrix } from '@gantry/core';
import { command, integerFlag, parseFlags, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { readCsvText } from '../csv-input.js';
import { refuseToOverwriteInputs } from '../output-path.js';

const usage = `usage: gantry score --normal <normal.csv> <data.csv> --out <scores.csv> [options]

Trains a GAN on the rows of normal.csv (all of them "normal"), then scores every row of data.csv.
Columns are matched by name; every used column must be numeric and complete (impute first if needed).
Writes one line per data row: row (1-based, as in data.csv), discriminator_score, feature_residual.
Higher scores mean "less like the normal rows".

options:
  --normal <file>       the normal training rows (required)
  --out <file>          where to write the scores (required; may not be an input)
  --drop <a,b,...>      columns to ignore in both files (e.g. a label)
  --iterations <n>      GAN training iterations (default 3000)
  --seed <n>            random seed (default 0)
  --quiet               no summary line`;

function readTable(path: string): CsvTable {
  return parseCsv(readCsvText(path), { source: path });
}

function toMatrix(table: CsvTable, names: string[]): NumericMatrix {
  const cols = names.map((n) => {
    const c = table.columns.find((x) => x.name === n);
    if (!c) throw new Error(`${table.source}: no column ${JSON.stringify(n)} (the normal file has it; have ${table.columns.map((x) => x.name).join(', ')})`);
    if (c.type !== 'numeric') throw new Error(`${table.source}: column ${JSON.stringify(n)} is not numeric (e.g. ${JSON.stringify(c.categories?.[0])}); drop it with --drop ${n}`);
    return c.index;
  });
  const values = new Float64Array(table.numRows * cols.length);
  for (let i = 0; i < table.numRows; i++) cols.forEach((j, k) => { values[i * cols.length + k] = table.matrix[i * table.numColumns + j]; });
  return { rows: table.numRows, cols: cols.length, values, names };
}

const summary = 'anomaly scores for CSV rows from a GAN trained on normal rows';

export const scoreCommand = command('score', summary, usage, async (argv) => {
  const parsed = parseFlags(argv, {
    normal: { type: 'string' },
    out: { type: 'string' },
    drop: { type: 'string' },
    iterations: { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean' },
  }, Infinity);
  const values = parsed.values as Record<string, string | undefined> & { quiet?: boolean };
  const positionals = parsed.positionals;
  if (!values.normal) throw new UsageError('--normal <normal.csv> is required');
  if (!values.out) throw new UsageError('--out <scores.csv> is required');
  if (positionals.length !== 1) throw new UsageError(`expected one data CSV file to score, got ${positionals.length}`);
  refuseToOverwriteInputs([{ flag: '--out', path: values.out }], [values.normal, positionals[0]]);
  const iterations = integerFlag(values.iterations, 'iterations', 0) ?? 3000;
  const seed = integerFlag(values.seed, 'seed', 0) ?? 0;
  const drop = new Set((values.drop ?? '').split(',').filter(Boolean));
  const normal = readTable(values.normal);
  const data = readTable(positionals[0]);
  for (const d of drop) if (!normal.columns.some((c) => c.name === d)) throw new UsageError(`--drop names ${JSON.stringify(d)}, which is not a column of ${values.normal}`);
  const names = normal.columns.map((c) => c.name).filter((n) => !drop.has(n));
  if (names.length === 0) throw new UsageError('no columns left to score on');
  const train = toMatrix(normal, names);
  const target = toMatrix(data, names);
  await selectBackend();
  const scorer = trainAnomalyGan(train, { seed, iterations });
  const d = scorer.discriminatorScore(target);
  const r = scorer.featureResidual(target);
  const lines = ['row,discriminator_score,feature_residual'];
  for (let i = 0; i < target.rows; i++) lines.push(`${i + 1},${d[i]},${r[i]}`);
  writeFileSync(values.out, lines.join('\n') + '\n');
  if (!values.quiet) console.error(`score: ${target.rows} rows scored on ${names.length} columns -> ${values.out}`);
});

export default scoreCommand;
