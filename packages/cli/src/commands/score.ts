// gantry score: anomaly scores from a GAN trained on normal rows (see @gantry/core trainAnomalyGan).
import { writeFileSync } from 'node:fs';
import { parseDecimal, trainAnomalyGan, type AnomalyScorer, type CsvColumn, type CsvTable, type NumericMatrix } from '@gantry/core';
import { command, integerFlag, parseFlags, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { declaredCategorical, readCsvInput } from '../csv-input.js';
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
  --quiet               no column-type and summary lines`;

// The first cell of a categorical column that is not a number, for an error that quotes what the file holds.
function firstNonNumber(table: CsvTable, column: CsvColumn): { row: number; text: string } | undefined {
  for (let i = 0; i < table.numRows; i++) {
    const code = table.matrix[i * table.numColumns + column.index];
    const text = Number.isNaN(code) ? undefined : column.categories?.[code];
    if (text !== undefined && !Number.isFinite(parseDecimal(text.trim()))) return { row: i + 1, text };
  }
  return undefined;
}

function toMatrix(table: CsvTable, names: string[]): NumericMatrix {
  const cols = names.map((n) => {
    const c = table.columns.find((x) => x.name === n);
    if (!c) throw new Error(`${table.source}: no column ${JSON.stringify(n)} (the normal file has it; have ${table.columns.map((x) => x.name).join(', ')})`);
    if (c.type !== 'numeric') {
      const cell = firstNonNumber(table, c);
      const example = cell ? ` (row ${cell.row} holds ${JSON.stringify(cell.text)})` : ' (declared categorical)';
      throw new Error(`${table.source}: column ${JSON.stringify(n)} is not numeric${example}; drop it with --drop ${n}`);
    }
    return c.index;
  });
  const values = new Float64Array(table.numRows * cols.length);
  for (let i = 0; i < table.numRows; i++) cols.forEach((j, k) => { values[i * cols.length + k] = table.matrix[i * table.numColumns + j]; });
  return { rows: table.numRows, cols: cols.length, values, names };
}

// The networks compute in float32: a row far outside the normal rows' range overflows to Infinity and its scores
// come out NaN. Such scores are never written; the error names the row and its most extreme column.
function requireFiniteScores(m: NumericMatrix, scorer: AnomalyScorer, scores: Float64Array[], source: string): void {
  const bad: number[] = [];
  for (let i = 0; i < m.rows; i++) if (scores.some((s) => !Number.isFinite(s[i]))) bad.push(i);
  if (bad.length === 0) return;
  const i = bad[0];
  const { min, range } = scorer.scaler;
  const outside = (j: number) => Math.abs(m.values[i * m.cols + j] - min[j] - range[j] / 2) / (range[j] || 1);
  let worst = 0;
  for (let j = 1; j < m.cols; j++) if (outside(j) > outside(worst)) worst = j;
  const v = m.values[i * m.cols + worst];
  const rows = bad.slice(0, 5).map((r) => r + 1).join(', ') + (bad.length > 5 ? ', ...' : '');
  throw new Error(`${source} row ${i + 1}, column ${JSON.stringify(m.names?.[worst])}: ${v} is too far outside the normal rows' range ` +
    `(${min[worst]} to ${min[worst] + range[worst]}, about ${outside(worst).toExponential(1)} widths away) to score in float32 arithmetic ` +
    `(${bad.length} row${bad.length === 1 ? '' : 's'} affected: ${rows}); no scores written`);
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
  const log = values.quiet ? undefined : (line: string) => console.error(`score: ${line}`);
  // dropped columns are read as categories, so that no cell in them is an error; the data file need not have them
  const schema = declaredCategorical([...drop]);
  const normal = readCsvInput(values.normal, { schema }, log, '--drop').table;
  const data = readCsvInput(positionals[0], { schema, schemaMayNameAbsentColumns: true }, log).table;
  const names = normal.columns.map((c) => c.name).filter((n) => !drop.has(n));
  if (names.length === 0) throw new UsageError('no columns left to score on');
  const train = toMatrix(normal, names);
  const target = toMatrix(data, names);
  await selectBackend();
  const scorer = await trainAnomalyGan(train, { seed, iterations });
  let d: Float64Array;
  let r: Float64Array;
  try {
    d = scorer.discriminatorScore(target);
    r = scorer.featureResidual(target);
    requireFiniteScores(target, scorer, [d, r], positionals[0]);
  } finally {
    scorer.dispose();
  }
  const lines = ['row,discriminator_score,feature_residual'];
  for (let i = 0; i < target.rows; i++) lines.push(`${i + 1},${d[i]},${r[i]}`);
  writeFileSync(values.out, lines.join('\n') + '\n');
  if (!values.quiet) console.error(`score: ${target.rows} rows scored on ${names.length} columns -> ${values.out}`);
});

export default scoreCommand;
