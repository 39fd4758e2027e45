// gantry mix RUN --rows SEEDS --cols SEEDS --out grid.png: StyleGAN's style-mixing grid (docs/generation.md).
// Cell (i, j) takes the coarse styles (the 4 x 4 and 8 x 8 layers: shape, pose) of row seed i and the fine
// styles and noise of column seed j, from the run's averaged generator.
import { extname } from 'node:path';
import { styleMixGrid, writeImageGrid } from '@gantry/core/node';
import { command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { requiredClassFlag } from '../class-flag.js';
import { loadStyleGenerator, seedList, truncationFlag } from '../train-stylegan.js';

const usage = `usage: gantry mix <stylegan-run> --rows SEEDS --cols SEEDS --out grid.png [--truncation psi] [--coarse n] [--class name]

A style-mixing grid from a StyleGAN run (gantry train --model stylegan): one row per --rows seed, one
column per --cols seed; each cell has the row seed's coarse styles and the column seed's fine styles.

options:
  --rows <s,s,...>    seeds of the rows (coarse styles), required
  --cols <s,s,...>    seeds of the columns (fine styles), required
  --out <file.png>    output image, required
  --truncation <psi>  truncation psi in (0, 1] (default 1: none)
  --coarse <n>        style layers taken from the row seed (default 4: the 4 x 4 and 8 x 8 layers)
  --class <name>      the class of every cell: required for a conditional run (train --conditional)

example:
  gantry mix runs/stylegan --rows 1,2,3 --cols 4,5,6 --truncation 0.7 --out grid.png`;

const options = {
  rows: { type: 'string' }, cols: { type: 'string' }, out: { type: 'string' }, truncation: { type: 'string' }, coarse: { type: 'string' }, class: { type: 'string' },
} as const;

async function mix(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('expected a StyleGAN run directory');
  const out = stringFlag(values.out, 'out');
  if (!out || extname(out).toLowerCase() !== '.png') throw new UsageError(`--out <file.png> is required, got ${JSON.stringify(out ?? '')}`);
  const rows = seedList(values.rows, 'rows');
  const cols = seedList(values.cols, 'cols');
  const psi = truncationFlag(values.truncation);
  const coarse = integerFlag(values.coarse, 'coarse', 0);
  await selectBackend();
  const { generator, step, numClasses, classNames } = await loadStyleGenerator(runDir);
  const classIndex = requiredClassFlag(values.class, runDir, numClasses, classNames);
  const grid = styleMixGrid(generator, rows, cols, { psi, coarseRows: coarse, classIndex });
  writeImageGrid(out, grid, { columns: cols.length, scale: grid.shape[1] < 64 ? 2 : 1 });
  grid.dispose();
  console.error(`gantry mix: ${rows.length} x ${cols.length} grid from step ${step} (psi ${psi}) -> ${out}`);
}

export const mixCommand = command('mix', 'style-mixing grid of a StyleGAN run', usage, mix);
