// gantry translate RUN --input <dir|emoji:style> --out DIR [--direction ab|ba]: a translation run's G
// applied to images, one PNG per input under the input's own name, and grid.png with a row per image:
// input, output and the true target when it is known (emoji: the run's other style; a folder: --target's
// partner). CycleGAN and DiscoGAN runs translate both ways: ab with gAB (A = --data's side), ba with gBA.
import { mkdirSync } from 'node:fs';
import { join, parse } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { translateImages, translationMetrics, writeImageGrid, type PairedDataset } from '@gantry/core/node';
import { choiceFlag, command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { loadPairedData } from '../data.js';
import { assertFiniteOutput, loadGenerator } from '../run.js';
import { readTranslationRun, translationGeneratorName, type TranslationRun } from '../train-translation.js';

/** Rows of grid.png at most: a test split of hundreds of images would make a picture no one opens. */
const GRID_ROWS = 32;

const usage = `usage: gantry translate RUN --input <dir|emoji:style> --out DIR [options]

Translates images with the generator of a translation run (gantry train --model pix2pix|cyclegan|discogan).

options:
  --input <i>     a folder of images, or emoji:<style> (the run's image size)
  --target <dir>  a folder of the inputs' true targets, paired by file name (folders only)
  --split <s>     emoji: train, test (default) or all
  --direction <d> cyclegan, discogan: ab (default; A = the run's --data side) or ba
  --out <dir>     where the PNGs go: one per input, under its name, and grid.png
  --seed <n>      seed of the dropout masks (default 0)`;

const options = {
  input: { type: 'string' }, target: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' },
  direction: { type: 'string' },
} as const;

/** The inputs and, when known, their targets. A folder without --target is paired with itself (the same decoding and checks) and its targets dropped. */
function loadInputs(run: TranslationRun, runDir: string, input: string, target: string | undefined, split: 'train' | 'test' | 'all', direction: 'ab' | 'ba'): { pairs: PairedDataset; hasTarget: boolean } {
  const imageSize = run.imageSize;
  if (input.startsWith('emoji:')) {
    if (target) throw new UsageError('--target is for folders; emoji inputs are paired with the run\'s target style');
    if (!run.target.startsWith('emoji:')) throw new UsageError(`${runDir} was trained on folders; translate folders with it`);
    // the true target is the style of the side translated to
    const targetStyle = (direction === 'ab' ? run.target : run.data).split(':').slice(0, 2).join(':');
    const loaded = loadPairedData(input, targetStyle, { imageSize: imageSize ?? emojiSize(run.data) });
    if (split === 'train') return { pairs: loaded.train, hasTarget: true };
    if (split === 'test') return { pairs: loaded.test!, hasTarget: true };
    return { pairs: concatPairs(loaded.train, loaded.test!), hasTarget: true };
  }
  const size = imageSize === undefined ? {} : { imageSize };
  return { pairs: loadPairedData(input, target ?? input, size).train, hasTarget: target !== undefined };
}

function emojiSize(spec: string): number | undefined {
  const size = spec.split(':')[2];
  return size === undefined ? undefined : Number(size);
}

function concatPairs(a: PairedDataset, b: PairedDataset): PairedDataset {
  const join2 = (x: PairedDataset['source'], y: PairedDataset['source']) => {
    const values = new Float32Array(x.values.length + y.values.length);
    values.set(x.values);
    values.set(y.values, x.values.length);
    return { ...x, count: x.count + y.count, values, labels: undefined };
  };
  return { name: `${a.name}+${b.name}`, source: join2(a.source, b.source), target: join2(a.target, b.target), names: [...a.names, ...b.names] };
}

async function translate(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('give the run directory: gantry translate RUN --input <dir|emoji:style> --out DIR');
  const input = stringFlag(values.input, 'input');
  const out = stringFlag(values.out, 'out');
  if (!input || !out) throw new UsageError('--input and --out are required');
  const split = choiceFlag(values.split, 'split', ['train', 'test', 'all'] as const) ?? 'test';
  const seed = integerFlag(values.seed, 'seed', 0) ?? 0;
  const direction = choiceFlag(values.direction, 'direction', ['ab', 'ba'] as const) ?? 'ab';
  const run = readTranslationRun(runDir);
  const generatorName = translationGeneratorName(run, runDir, direction);
  const backend = await selectBackend();
  const { pairs, hasTarget } = loadInputs(run, runDir, input, stringFlag(values.target, 'target'), split, direction);
  const { generator, step } = await loadGenerator(runDir, generatorName);
  const output = translateImages(generator, pairs.source, { seed });
  try {
    assertFiniteOutput(output, `the translation of ${input}`);
    mkdirSync(out, { recursive: true });
    const [h, w, c] = output.shape.slice(1);
    pairs.names.forEach((name, i) => {
      const image = tf.tidy(() => tf.slice(output, [i, 0, 0, 0], [1, h, w, c]));
      writeImageGrid(join(out, `${parse(name).name}.png`), image, { range: 'tanh', padding: 0 });
      image.dispose();
    });
    const rows = Math.min(GRID_ROWS, pairs.names.length);
    const grid = tf.tidy(() => {
      const take = (values: Float32Array | tf.Tensor) => (values instanceof tf.Tensor ? tf.slice(values, 0, rows) : tf.tensor4d(values.subarray(0, rows * h * w * c), [rows, h, w, c]));
      const columns = [take(pairs.source.values), take(output), ...(hasTarget ? [take(pairs.target.values)] : [])];
      return tf.reshape(tf.stack(columns, 1), [rows * columns.length, h, w, c]);
    });
    writeImageGrid(join(out, 'grid.png'), grid, { range: 'tanh', columns: hasTarget ? 3 : 2, scale: h < 64 ? 2 : 1 });
    grid.dispose();
    console.error(`gantry translate: ${pairs.names.length} images of ${input} through step ${step} of ${runDir}${run.model === 'pix2pix' ? '' : ` (${direction})`} on ${backend} -> ${out} (grid.png: the first ${rows}, ` +
      `input | output${hasTarget ? ' | target' : ''})`);
    if (hasTarget) {
      const m = translationMetrics(generator, pairs, { seed });
      console.error(`gantry translate: against the targets: L1 ${m.l1.toFixed(4)}, PSNR ${m.psnr.toFixed(2)} dB, SSIM ${m.ssim.toFixed(4)}`);
    }
  } finally {
    output.dispose();
    generator.dispose();
  }
}

export const translateCommand = command('translate', 'translate images with a pix2pix, CycleGAN or DiscoGAN run', usage, translate);
