// gantry synth: fit a CTGAN-style synthesizer to a CSV file and write synthetic rows with the same columns.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fitSynthesizer, formatCsv, resolveCondition } from '@gantry/core';
import { command, integerFlag, parseFlags, UsageError } from '../args.js';
import { CSV_INPUT_FLAGS, csvInputAndOutput, csvReadOptions, readCsvInput, type CsvInputValues } from '../csv-input.js';
import { selectBackend } from '../backend.js';
import { refuseToOverwriteInputs } from '../output-path.js';

const usage = `usage: gantry synth <data.csv> --rows <n> --out <synthetic.csv> [options]

Trains a CTGAN-style synthesizer (Xu et al. 2019: mode-specific normalisation, conditional generator with
training-by-sampling, Gumbel-softmax outputs, PacGAN critic, WGAN-GP loss) on the file and writes n synthetic
rows with the input's header and column order. Numeric columns are those most of whose distinct values are
numbers (any other cell in them is an error naming it); the rest are categorical, as are the columns listed in
--categorical; a line says which is which. Missing cells are learned (how often, alongside what) and written
back as empty cells. Results on letter and spam: docs/synth.md.

options:
  --rows <n>                 rows to generate (required)
  --out <file>               where to write them (required; may not be the input)
  --steps <n>                generator updates (default 1000; each one critic update before it)
  --seed <n>                 random seed (default 0): same seed, same backend -> same output
  --condition <col>=<value>  generate rows of one category of a categorical column (the value is written
                             into that column; the generator is steered towards rows that fit it)
  --model-out <dir>          also save the trained synthesizer to <dir>/synthesizer.json
  --batch-size <n>           rows per training batch, a multiple of --pac (default 500)
  --pac <n>                  rows per PacGAN pack (default 10)
  --delimiter <c>            field delimiter, default ","
  --no-header                the first line is data; columns are named c0, c1, ...
  --missing <a,b,...>        cell texts that mean "missing" (default: ,NA,N/A,NaN,nan,null)
  --categorical <a,b>        read these columns as categories even if they hold numbers
  --quiet                    no progress output

examples:
  gantry synth ../shared/datasets/letter.csv --rows 5000 --out letter-synthetic.csv --steps 1500
  gantry synth people.csv --rows 100 --out rare.csv --condition country=Iceland --seed 3
  GANTRY_BACKEND=cpu gantry synth small.csv --rows 50 --out s.csv --steps 200 --batch-size 50 --pac 5`;

const summary = 'synthetic rows for a CSV file (CTGAN-style GAN; same columns, same header)';

function parseCondition(v: string | undefined): { column: string; value: string } | undefined {
  if (v === undefined) return undefined;
  const at = v.indexOf('=');
  if (at <= 0) throw new UsageError(`--condition must look like column=value, got ${JSON.stringify(v)}`);
  return { column: v.slice(0, at), value: v.slice(at + 1) };
}

export const synthCommand = command('synth', summary, usage, async (argv) => {
  const parsed = parseFlags(argv, {
    ...CSV_INPUT_FLAGS,
    rows: { type: 'string' },
    steps: { type: 'string' },
    condition: { type: 'string' },
    'model-out': { type: 'string' },
    'batch-size': { type: 'string' },
    pac: { type: 'string' },
  }, Infinity);
  const values = parsed.values as CsvInputValues;
  const { input, out } = csvInputAndOutput(parsed.positionals, values, 'synthetic.csv');
  const rows = integerFlag(values.rows, 'rows', 1);
  if (rows === undefined) throw new UsageError('--rows <n> is required');
  const steps = integerFlag(values.steps, 'steps', 0) ?? 1000;
  const seed = integerFlag(values.seed, 'seed', 0) ?? 0;
  const pac = integerFlag(values.pac, 'pac', 1) ?? 10;
  const batchSize = integerFlag(values['batch-size'], 'batch-size', 1) ?? 500;
  if (batchSize % pac !== 0) throw new UsageError(`--batch-size ${batchSize} must be a multiple of --pac ${pac}`);
  const condition = parseCondition(values.condition);
  const reading = csvReadOptions(values);
  const modelPath = values['model-out'] ? join(values['model-out'], 'synthesizer.json') : undefined;
  if (modelPath) refuseToOverwriteInputs([{ flag: '--model-out', path: modelPath }], [input]);

  const log = values.quiet ? () => {} : (s: string) => console.error(`synth: ${s}`);
  const { table } = readCsvInput(input, reading, log);
  // Checked before training, so a typo costs no training time.
  if (condition) {
    try { resolveCondition(table.columns, condition, `--condition ${values.condition}`); } catch (e) { throw new UsageError((e as Error).message); }
  }
  const backend = await selectBackend();
  log(`${steps} steps on the ${backend} backend`);

  const synth = await fitSynthesizer(table, {
    seed, steps, batchSize, pac,
    progressEvery: Math.max(1, Math.floor(steps / 10)),
    onProgress: values.quiet ? undefined : (p) => log(`step ${p.step}/${p.steps}  critic ${p.criticLoss.toFixed(3)}  penalty ${p.gradientPenalty.toFixed(3)}  generator ${p.generatorLoss.toFixed(3)}  condition ${p.conditionLoss.toFixed(3)}  (${p.seconds.toFixed(1)} s)`),
  });
  try {
    const synthetic = synth.sample(rows, { condition });
    synthetic.source = out;
    writeFileSync(out, formatCsv(synthetic, { delimiter: reading.delimiter }));
    log(`wrote ${rows} rows -> ${out} (trained in ${synth.training.seconds.toFixed(1)} s)`);
    if (modelPath) {
      mkdirSync(dirname(modelPath), { recursive: true });
      writeFileSync(modelPath, JSON.stringify(synth.toJSON()));
      log(`saved the synthesizer -> ${modelPath}`);
    }
  } finally {
    synth.dispose();
  }
});

export default synthCommand;
