// gantry upscale RUN --input <png|folder|emoji:style> --out <png|folder>: x4 super-resolution with an SRGAN run
// (gantry train --model srgan). A PNG gives a PNG; a folder gives one PNG per image under its own name and
// grid.png; emoji:<style> (or --downscale on images taken as the truth) upscales their 4 x 4 area averages
// and prints PSNR / SSIM against the truth. grid.png rows: low-res (each pixel as a 4 x 4 block) | bicubic |
// SRResNet | SRGAN (| truth). The generator is fully convolutional: inputs keep their own size.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, parse, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  areaDownsample, comparisonRows, fileRunStore, readImageRaster, superResolutionScores, upsampleImages, writeImageGrid,
  type ArrayDataset, type PairedDataset,
} from '@gantry/core/node';
import { choiceFlag, command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { assertFiniteOutput, loadGenerator } from '../run.js';
import { loadSrganPairs, phaseDirs, readSrganRun, SRGAN_SCALE } from '../train-srgan.js';

/** Rows of grid.png at most. */
const GRID_ROWS = 16;

const usage = `usage: gantry upscale RUN --input <png|dir|emoji:style> --out <png|dir> [options]

Upscales images x${SRGAN_SCALE} with the generator of an SRGAN run (gantry train --model srgan).

options:
  --input <i>     a PNG/JPEG file, a folder of them, or emoji:<style> (its 64 px images as the truth)
  --out <o>       a .png file for a file input; else a folder: one PNG per input under its name, and grid.png
  --model <m>     srgan (default: phase 2's G) or srresnet (phase 1's, trained on MSE alone)
  --split <s>     emoji: test (default), train or all
  --downscale     the inputs are the truth: upscale their 4 x 4 area averages and print PSNR / SSIM
  --batch <n>     images per forward pass (default 32)`;

const options = {
  input: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' }, split: { type: 'string' }, downscale: { type: 'boolean' },
  batch: { type: 'string' },
} as const;

interface Inputs { images: ArrayDataset[]; names: string[]; truth?: ArrayDataset[] }

/** Each file at its own size, in [-1, 1]. */
function readFile(path: string): ArrayDataset {
  const { width, height, raster } = readImageRaster(path, 3);
  return { name: path, itemShape: [height, width, 3], count: 1, values: raster.map((v) => v / 127.5 - 1) };
}

function loadInputs(input: string, split: 'train' | 'test' | 'all', downscale: boolean): Inputs {
  if (input.startsWith('emoji:')) {
    const loaded = loadSrganPairs(input);
    const parts: PairedDataset[] = split === 'all' ? [loaded.train, loaded.test!] : [split === 'train' ? loaded.train : loaded.test!];
    return { images: parts.map((p) => p.source), truth: parts.map((p) => p.target), names: parts.flatMap((p) => p.names) };
  }
  const path = resolve(input);
  let files: string[];
  try {
    // dotfiles skipped and sorted, as the image-folder loaders list a folder
    files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => !f.startsWith('.')).sort().map((f) => join(path, f)) : [path];
  } catch (e) {
    throw new UsageError(`--input ${input}: ${(e as Error).message}`);
  }
  if (files.length === 0) throw new UsageError(`--input ${input} holds no images`);
  const read = files.map(readFile);
  if (!downscale) return { images: read, names: files.map((f) => basename(f)) };
  return { images: read.map((t) => areaDownsample(t, SRGAN_SCALE)), truth: read, names: files.map((f) => basename(f)) };
}

/** One generator over every input (each its own size); outputs in input order. */
function upscaleAll(generator: tfl.LayersModel, images: ArrayDataset[], batch: number): tf.Tensor4D[] {
  return images.flatMap((ds) => {
    const [h, w, c] = ds.itemShape;
    const out: tf.Tensor4D[] = [];
    for (let i = 0; i < ds.count; i += batch) {
      const n = Math.min(batch, ds.count - i);
      const y = tf.tidy(() => generator.apply(tf.tensor4d(ds.values.subarray(i * h * w * c, (i + n) * h * w * c), [n, h, w, c]), { training: false }) as tf.Tensor4D);
      out.push(...tf.unstack(y).map((t) => tf.expandDims(t, 0) as tf.Tensor4D));
      y.dispose();
    }
    return out;
  });
}

const asTensors = (sets: ArrayDataset[]) => sets.flatMap((ds) => Array.from({ length: ds.count }, (_, i) => {
  const size = ds.values.length / ds.count;
  return tf.tensor4d(ds.values.subarray(i * size, (i + 1) * size), [1, ...ds.itemShape] as [number, number, number, number]);
}));

async function upscale(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('give the run directory: gantry upscale RUN --input <png|dir|emoji:style> --out <png|dir>');
  const input = stringFlag(values.input, 'input');
  const out = stringFlag(values.out, 'out');
  if (!input || !out) throw new UsageError('--input and --out are required');
  const model = choiceFlag(values.model, 'model', ['srgan', 'srresnet'] as const) ?? 'srgan';
  const split = choiceFlag(values.split, 'split', ['train', 'test', 'all'] as const) ?? 'test';
  const batch = integerFlag(values.batch, 'batch', 1) ?? 32;
  readSrganRun(runDir);
  const dirs = phaseDirs(runDir);
  const backend = await selectBackend();
  const inputs = loadInputs(input, split, values.downscale === true);
  const single = !input.startsWith('emoji:') && !statSync(resolve(input)).isDirectory();
  if (single && extname(out).toLowerCase() !== '.png') throw new UsageError(`--input ${input} is one image: give --out a .png file`);
  // both generators when both phases have a checkpoint (the grid compares them), else the one asked for
  const phases = (['srresnet', 'srgan'] as const).filter((p) => p === model || !single);
  const outputs: Partial<Record<'srresnet' | 'srgan', tf.Tensor4D[]>> = {};
  let step = 0;
  for (const p of phases) {
    const dir = p === 'srgan' ? dirs.gan : dirs.mse;
    if (p !== model && !(await fileRunStore(dir).loadLatestCheckpoint())) continue;
    const loaded = await loadGenerator(dir);
    outputs[p] = upscaleAll(loaded.generator, inputs.images, batch);
    if (p === model) step = loaded.step;
    loaded.generator.dispose();
  }
  const chosen = outputs[model]!;
  chosen.forEach((o, i) => assertFiniteOutput(o, `the upscaling of ${inputs.names[i]}`));
  if (single) {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeImageGrid(out, chosen[0], { range: 'tanh', padding: 0 });
  } else {
    mkdirSync(out, { recursive: true });
    chosen.forEach((o, i) => writeImageGrid(join(out, `${parse(inputs.names[i]).name}.png`), o, { range: 'tanh', padding: 0 }));
  }
  const [h0, w0] = chosen[0].shape.slice(1);
  const sameSize = chosen.every((o) => o.shape[1] === h0 && o.shape[2] === w0);
  const lows = asTensors(inputs.images);
  const truths = inputs.truth ? asTensors(inputs.truth) : undefined;
  if (!single && sameSize) {
    const rows = Math.min(GRID_ROWS, chosen.length);
    const column = (list: tf.Tensor4D[]) => tf.concat(list.slice(0, rows), 0) as tf.Tensor4D;
    const low = column(lows);
    const columns = [upsampleImages(low, SRGAN_SCALE, 'area'), tf.clipByValue(upsampleImages(low, SRGAN_SCALE, 'bicubic'), -1, 1) as tf.Tensor4D,
      ...(['srresnet', 'srgan'] as const).flatMap((p) => (outputs[p] ? [column(outputs[p]!)] : [])), ...(truths ? [column(truths)] : [])];
    const grid = comparisonRows(columns, rows);
    writeImageGrid(join(out, 'grid.png'), grid, { range: 'tanh', columns: columns.length });
    tf.dispose([low, grid, ...columns]);
  }
  const shown = ['low-res', 'bicubic', ...(['srresnet', 'srgan'] as const).filter((p) => outputs[p]), ...(truths ? ['truth'] : [])].join(' | ');
  console.error(`gantry upscale: ${chosen.length} images of ${input} x${SRGAN_SCALE} through ${model} step ${step} of ${runDir} on ${backend} -> ${out}` +
    (!single && sameSize ? ` (grid.png: ${shown})` : ''));
  if (truths && sameSize) {
    const pairs = { name: input, names: inputs.names, source: inputs.images[0], target: concatValues(truths) };
    for (const p of ['srresnet', 'srgan'] as const) {
      if (!outputs[p]) continue;
      const all = tf.concat(outputs[p]!, 0) as tf.Tensor4D;
      const s = superResolutionScores(all, pairs);
      all.dispose();
      console.error(`gantry upscale: ${p} against the truth (${s.count} images): PSNR ${s.psnr.toFixed(2)} dB, SSIM ${s.ssim.toFixed(4)}, L1 ${s.l1.toFixed(4)}`);
    }
  }
  tf.dispose([...lows, ...(truths ?? []), ...Object.values(outputs).flat()]);
}

function concatValues(list: tf.Tensor4D[]): ArrayDataset {
  const [, h, w, c] = list[0].shape;
  const values = new Float32Array(list.length * h * w * c);
  list.forEach((t, i) => values.set(t.dataSync(), i * h * w * c));
  return { name: 'truth', itemShape: [h, w, c], count: list.length, values };
}

export const upscaleCommand = command('upscale', 'upscale images x4 with an SRGAN run', usage, upscale);
