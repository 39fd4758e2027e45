// gantry impute: fill the missing cells of a CSV file (auto by default, or a named method), keeping everything
// else as written.
import { writeFileSync } from 'node:fs';
import { AUTO_CANDIDATES, DEFAULT_AUTO_CANDIDATES, IMPUTE_METHODS, imputeCsvText, type AutoReport, type BaseImputeMethod } from '@gantry/core';
import { choiceFlag, command, integerFlag, numberInRangeFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { CSV_INPUT_FLAGS, csvInputAndOutput, csvReadOptions, readCsvInput, type CsvInputValues } from '../csv-input.js';
import { selectBackend } from '../backend.js';

const usage = `usage: gantry impute <data.csv> --out <filled.csv> [options]

Fills empty cells (and NA, N/A, NaN, nan, null). Every row, the column order, the header and the original
text of every observed cell are kept exactly.

The default method, auto, hides observed cells (about one per row), fills the table with every candidate method
(knn with 5, 10 and 20 neighbours), and keeps per column the method (or blend of two, rounded or not) closest
to the hidden cells' true values; then
fills the real gaps with it. It never sees the real gaps' values, and column means are a candidate.

options:
  --out <file>          where to write the filled CSV (required; may not be the input)
  --method <m>          auto (default), gain (GAIN, Yoon et al. 2018), misgan (MisGAN, Li et al. 2019),
                        mice (chained regression), knn (5 nearest neighbours, as scikit-learn's KNNImputer),
                        mean (column means)
  --candidates <a,b>    the methods auto compares, some of ${AUTO_CANDIDATES.join(',')} (default ${DEFAULT_AUTO_CANDIDATES.join(',')})
  --seed <n>            random seed (default 0): the same seed gives the same output
  --iterations <n>      GAIN training iterations (default 10000, as in the paper), or MisGAN's steps (default
                        2000, each 5 critic updates and one update of each generator and the imputer)
  --batch-size <n>      default 128 (GAIN), 64 (MisGAN)
  --hint-rate <p>       default 0.9
  --hint code|paper     hint as in the authors' code (default) or as in the paper's Section 4
  --alpha <x>           weight of GAIN's reconstruction loss, default 100
  --gamma <x>           weight of MisGAN's imputer error on observed cells, default 0 (the authors'); 10
                        filled letter closer (docs/misgan.md)
  --draws <n>           MisGAN: fill with the mean of n completions (default 1: one draw)
  --delimiter <c>       field delimiter, default ","
  --no-header           the first line is data; columns are named c0, c1, ...
  --missing <a,b,...>   cell texts that mean "missing" (default: ,NA,N/A,NaN,nan,null)
  --categorical <a,b>   read these columns as categories even if they hold numbers (a column of numbers with a
                        few other cells is an error naming the cell unless declared so)
  --quiet               no progress output`;

const summary = 'fill missing cells of a CSV file (auto: the best of GAIN, chained regression, kNN, means)';

function candidatesFlag(value: unknown): BaseImputeMethod[] | undefined {
  const text = stringFlag(value, 'candidates');
  if (text === undefined) return undefined;
  const list = text.split(',').map((c) => c.trim());
  for (const c of list) {
    if (!AUTO_CANDIDATES.includes(c as BaseImputeMethod)) throw new UsageError(`--candidates must list some of ${AUTO_CANDIDATES.join(', ')}; got ${JSON.stringify(c)}`);
  }
  return list as BaseImputeMethod[];
}

function describeChoices(report: AutoReport): string[] {
  const scores = Object.entries(report.scores).map(([m, r]) => `${m}${m === 'knn' && report.knnNeighbours ? ` (k ${report.knnNeighbours})` : ''} ${r!.toFixed(4)}`).join(', ');
  return [
    `auto: RMSE on ${report.hiddenCells} hidden cells${report.scoringRounds > 1 ? ` (${report.scoringRounds} rounds)` : ''} (range units): ${scores}`,
    ...report.columns.map((c) => `auto: column ${JSON.stringify(c.column)}: ${c.weight === 1 ? c.first : `${c.weight.toFixed(1)} ${c.first} + ${(1 - c.weight).toFixed(1)} ${c.second}`}` +
      `${c.rounded ? ', rounded' : ''} (hidden-cell RMSE ${Number.isNaN(c.rmse) ? '-' : c.rmse.toFixed(4)}${c.basis === 'column' ? '' : ', chosen over all columns'})`),
  ];
}

export const imputeCommand = command('impute', summary, usage, async (argv) => {
  const parsed = parseFlags(argv, {
    ...CSV_INPUT_FLAGS,
    iterations: { type: 'string' },
    'batch-size': { type: 'string' },
    'hint-rate': { type: 'string' },
    hint: { type: 'string' },
    alpha: { type: 'string' },
    gamma: { type: 'string' },
    draws: { type: 'string' },
    method: { type: 'string' },
    candidates: { type: 'string' },
  }, Infinity);
  const values = parsed.values as CsvInputValues;
  const { input, out } = csvInputAndOutput(parsed.positionals, values, 'filled.csv');
  // every value checked before the file is read, so that a typo costs neither reading nor training
  const method = choiceFlag(values.method, 'method', IMPUTE_METHODS) ?? 'auto';
  const givenIterations = integerFlag(values.iterations, 'iterations', 0);
  const givenBatch = integerFlag(values['batch-size'], 'batch-size', 1);
  const iterations = givenIterations ?? (method === 'misgan' ? 2000 : 10000);
  const misgan = {
    steps: iterations, gamma: numberInRangeFlag(values.gamma, 'gamma', 0, Infinity) ?? 0, draws: integerFlag(values.draws, 'draws', 1) ?? 1,
    ...(givenBatch === undefined ? {} : { batchSize: givenBatch }),
  };
  const gain = {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0,
    iterations,
    batchSize: givenBatch ?? 128,
    hint: choiceFlag(values.hint, 'hint', ['code', 'paper'] as const) ?? 'code',
    hintRate: numberInRangeFlag(values['hint-rate'], 'hint-rate', 0, 1) ?? 0.9,
    alpha: numberInRangeFlag(values.alpha, 'alpha', 0, Infinity) ?? 100,
  };
  const candidates = candidatesFlag(values.candidates);
  if (candidates && method !== 'auto') throw new UsageError(`--candidates is for --method auto, not ${method}`);
  const reading = csvReadOptions(values);
  const log = values.quiet ? undefined : (line: string) => console.error(`impute: ${line}`);
  const { text } = readCsvInput(input, reading, log);
  const started = performance.now();
  await selectBackend();
  const result = await imputeCsvText(text, {
    source: input,
    ...gain,
    ...reading,
    method,
    candidates,
    onMethod: values.quiet ? undefined : (m, phase) => console.error(`impute: ${phase === 'scoring' ? 'scoring' : 'filling with'} ${m}`),
    progressEvery: Math.max(1, Math.floor(iterations / 10)),
    onProgress: values.quiet ? undefined : (p) => console.error(`impute: iteration ${p.iteration + 1}/${iterations}  D loss ${p.discriminatorLoss.toFixed(4)}  reconstruction MSE ${p.reconstructionMse.toFixed(5)}`),
    misgan,
    misganRun: {
      progressEvery: Math.max(1, Math.floor(iterations / 10)),
      onProgress: values.quiet ? undefined : (p) => console.error(`impute: MisGAN step ${p.step}/${iterations}  ` +
        `critics: data ${p.losses['d/data'].toFixed(4)} mask ${p.losses['d/mask'].toFixed(4)} imputer ${p.losses['d/impute'].toFixed(4)}`),
    },
  });
  writeFileSync(out, result.text);
  if (!values.quiet && result.report) for (const line of describeChoices(result.report)) console.error(`impute: ${line}`);
  if (!values.quiet) console.error(`impute: filled ${result.filled} of ${result.rows * result.columns} cells (${result.rows} rows, ${result.columns} columns) in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${out}`);
});

export default imputeCommand;
