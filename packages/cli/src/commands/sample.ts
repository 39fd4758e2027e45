// gantry sample: draws from the newest checkpoint's generator into a PNG (images, 2D scatter) or CSV.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeRows, sample, styleganSample, writeImageGrid } from '@gantry/core/node';
import { command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { toOriginalScale } from '../data.js';
import { FAKE_RGB, plotRangeOf, scatterPng } from '../plot.js';
import { asItems, assertFiniteOutput, loadGenerator, readRunConfig } from '../run.js';
import { isStyleganRun, loadStyleGenerator, truncationFlag } from '../train-stylegan.js';
import { isProganRun, sampleProgan } from '../train-progan.js';
import { classFlag, requiredClassFlag } from '../class-flag.js';
import { sampleStackgan } from '../sample-stackgan.js';
import { isStackganRun } from '../train-stackgan.js';

const usage = `usage: gantry sample <run-dir> --out <file.png|file.csv> [--n 64] [--class K] [--seed S] [--truncation psi] [--text "words"]

Draws n samples from the generator of the run's newest checkpoint.
  .png  an image grid (image data) or a scatter plot (2D data)
  .csv  one row per sample (2D and tabular data), in the data's original units, with a header

options:
  --out <file>    output file (.png or .csv), required
  --n <n>         number of samples (default 64)
  --class <k>     class of a conditional run: its name (as the data named it) or 0-based index;
                  required for conditional StyleGAN and ProGAN runs (emoji categories)
  --seed <s>      noise seed (default 0); StyleGAN and ProGAN runs: image i has seed s + i
  --truncation <psi>  StyleGAN runs: truncation psi in (0, 1] (default 1: none); samples come from
                  the averaged generator (docs/generation.md)
  --text <words>  StackGAN runs, required there: n images of this text; words the run never saw
                  count as the unknown token, with a warning (docs/stackgan.md)

examples:
  gantry sample runs/ring --n 1000 --out ring.png
  gantry sample runs/fashion --n 64 --class 3 --out dresses.png
  gantry sample runs/letter --n 500 --out synthetic.csv
  gantry sample runs/stylegan --truncation 0.7 --n 32 --out faces.png
  gantry sample runs/stackgan --text "red apple" --n 16 --out apples.png`;

const options = { out: { type: 'string' }, n: { type: 'string' }, class: { type: 'string' }, seed: { type: 'string' }, truncation: { type: 'string' }, text: { type: 'string' } } as const;

/** A StyleGAN run's samples: seeds seed .. seed + n - 1 through the averaged generator, truncated by psi. */
async function sampleStylegan(runDir: string, out: string, n: number, seed: number, truncation: unknown, classValue: unknown): Promise<void> {
  if (extname(out).toLowerCase() !== '.png') throw new UsageError(`--out: a StyleGAN run samples images; use .png, got ${JSON.stringify(out)}`);
  const psi = truncationFlag(truncation);
  await selectBackend();
  const { generator, step, numClasses, classNames } = await loadStyleGenerator(runDir);
  const classIndex = requiredClassFlag(classValue, runDir, numClasses, classNames);
  const images = styleganSample(generator, Array.from({ length: n }, (_, i) => seed + i), { psi, classIndex });
  assertFiniteOutput(images, `${runDir}: the generator's output at step ${step}`);
  writeImageGrid(out, images, { scale: images.shape[1] < 32 ? 2 : 1 });
  images.dispose();
}

function csvCell(name: string): string {
  return /[",\n\r]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('expected a run directory');
  const out = stringFlag(values.out, 'out');
  if (!out) throw new UsageError('--out <file.png|file.csv> is required');
  const format = extname(out).toLowerCase();
  if (format !== '.png' && format !== '.csv') throw new UsageError(`--out must end in .png or .csv, got ${JSON.stringify(out)}`);
  const n = integerFlag(values.n, 'n', 1) ?? 64;
  const seed = integerFlag(values.seed, 'seed', 0) ?? 0;
  if (isStackganRun(runDir)) {
    const other = (['class', 'truncation'] as const).find((k) => values[k] !== undefined);
    if (other) throw new UsageError(`--${other}: ${runDir} is a StackGAN run, which draws images of --text`);
    if (format !== '.png') throw new UsageError(`--out: a StackGAN run samples images; use .png, got ${JSON.stringify(out)}`);
    return sampleStackgan(runDir, out, { text: values.text, n, seed });
  }
  if (values.text !== undefined) throw new UsageError(`--text is for StackGAN runs (gantry train --model stackgan); ${runDir} is not one`);
  if (isStyleganRun(runDir)) return sampleStylegan(runDir, out, n, seed, values.truncation, values.class);
  if (values.truncation !== undefined) throw new UsageError(`--truncation is for StyleGAN runs; ${runDir} is not one`);
  if (isProganRun(runDir)) return sampleProgan(runDir, out, n, seed, values.class);
  const config = readRunConfig(runDir);
  const numClasses = config.model.conditional ? config.data.numClasses : undefined;
  const label = classFlag(values.class, runDir, numClasses, config.data.classNames);
  if (format === '.csv' && config.data.kind === 'image') throw new UsageError('--out .csv is for 2D and tabular runs; use .png for images');
  if (format === '.png' && config.data.kind === 'table') throw new UsageError('--out .png is for image and 2D runs; use .csv for tables');

  await selectBackend();
  // the averaged generator where the run keeps one (--ema), as StyleGAN's and ProGAN's samples
  const { generator, step } = await loadGenerator(runDir, 'generator', { averaged: true });
  // conditional runs without --class: classes in turn, one per grid column
  const labels = numClasses ? (label ?? Array.from({ length: n }, (_, i) => i % numClasses)) : undefined;
  const output = sample(generator, n, { seed, labels });
  try {
    assertFiniteOutput(output, `${runDir}: the generator's output at step ${step}`);
    if (config.data.kind === 'image') {
      const images = tf.tidy(() => asItems(output, config));
      writeImageGrid(out, images, { columns: numClasses && label === undefined ? numClasses : undefined, scale: (config.data.itemShape[0] ?? 0) < 32 ? 2 : 1 });
      images.dispose();
    } else {
      const features = output.shape[1] ?? 1;
      const generated = (await output.data()) as Float32Array;
      if (format === '.png') {
        writeFileSync(out, scatterPng([{ points: generated, rgb: FAKE_RGB }], config.plot ?? plotRangeOf(generated)));
      } else {
        const header = config.data.columns ?? Array.from({ length: features }, (_, i) => (features === 2 ? ['x', 'y'][i] : `c${i}`));
        const lines = [header.map(csvCell).join(',')];
        const { coding } = config.data;
        const cells = coding ? decodeRows(coding, generated, n) : (() => {
          const values = toOriginalScale(config.data, generated, features);
          return Array.from({ length: n }, (_, r) => values.slice(r * features, (r + 1) * features).map((x) => String(x)));
        })();
        for (const row of cells) lines.push(row.map(csvCell).join(','));
        writeFileSync(out, `${lines.join('\n')}\n`);
      }
    }
  } finally {
    output.dispose();
  }
  console.error(`gantry sample: ${n} samples from step ${step} -> ${out}`);
}

export const sampleCommand = command('sample', 'draw samples from a run into a PNG or CSV', usage, run);
