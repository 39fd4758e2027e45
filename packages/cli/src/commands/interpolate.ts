// gantry interpolate RUN --from SEED --to SEED --frames N --out strip.png|anim.gif: a walk along the straight
// line from one seed's image to another's (docs/generation.md), with the run's averaged generator: in w for a
// StyleGAN run, in z for a ProGAN run (at the phase of its newest checkpoint, shown at the target side).
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { encodeGif, interpolate, proganInterpolate, writeImageGrid } from '@gantry/core/node';
import { command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { requiredClassFlag } from '../class-flag.js';
import { isProganRun, loadProganGenerator } from '../train-progan.js';
import { loadStyleGenerator, truncationFlag } from '../train-stylegan.js';

const usage = `usage: gantry interpolate <stylegan-or-progan-run> --from SEED --to SEED --out <strip.png|anim.gif> [--frames 8] [--truncation psi] [--class K]

Images along the straight line from the --from seed's to the --to seed's: in w for a StyleGAN run (the noise
of --from throughout), in z for a ProGAN run (at its newest checkpoint's phase). A PNG strip, or an animated
GIF that plays the walk there and back; the first and last images are gantry sample --seed's.

options:
  --from <seed>       first image's seed, required
  --to <seed>         last image's seed, required
  --out <file>        .png (one row) or .gif (animation), required
  --frames <n>        images along the way, ends included (default 8)
  --truncation <psi>  StyleGAN: truncation psi in (0, 1] (default 1: none)
  --class <k>         the class of every frame: required for a conditional run, refused otherwise (name or index)

example:
  gantry interpolate runs/stylegan --from 1 --to 2 --frames 8 --out strip.png
  gantry interpolate runs/progan --from 1 --to 2 --frames 12 --out walk.gif`;

const options = { from: { type: 'string' }, to: { type: 'string' }, frames: { type: 'string' }, out: { type: 'string' }, truncation: { type: 'string' }, class: { type: 'string' } } as const;

/** Frames [N, H, W, 3] in [-1, 1] as GIF frames, each pixel a scale x scale block. */
function gifFrames(images: tf.Tensor4D, scale: number) {
  const [n, h, w] = images.shape;
  const bytes = tf.tidy(() => tf.cast(tf.round(tf.mul(tf.add(images, 1), 127.5)), 'int32').dataSync());
  return Array.from({ length: n }, (_, f) => {
    const pixels = new Uint8Array(h * scale * w * scale * 3);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        for (let c = 0; c < 3; c++) pixels[(y * w * scale + x) * 3 + c] = bytes[((f * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * 3 + c];
      }
    }
    return { width: w * scale, height: h * scale, pixels };
  });
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('expected a StyleGAN or ProGAN run directory');
  const out = stringFlag(values.out, 'out');
  const format = extname(out ?? '').toLowerCase();
  if (!out || (format !== '.png' && format !== '.gif')) throw new UsageError(`--out <strip.png|anim.gif> is required, got ${JSON.stringify(out ?? '')}`);
  const from = integerFlag(values.from, 'from', 0);
  const to = integerFlag(values.to, 'to', 0);
  if (from === undefined || to === undefined) throw new UsageError('--from <seed> and --to <seed> are required');
  const frames = integerFlag(values.frames, 'frames', 2) ?? 8;
  const progan = isProganRun(runDir);
  if (progan && values.truncation !== undefined) throw new UsageError(`--truncation is for StyleGAN runs; ${runDir} is a ProGAN run`);
  const psi = truncationFlag(values.truncation);
  await selectBackend();
  const { images, step, where } = progan ? await walkProgan(runDir, from, to, frames, values.class) : await walkStylegan(runDir, from, to, frames, psi, values.class);
  const scale = images.shape[1] < 64 ? 2 : 1;
  if (format === '.png') {
    writeImageGrid(out, images, { columns: frames, scale });
  } else {
    const there = gifFrames(images, scale);
    writeFileSync(out, encodeGif([...there, ...there.slice(1, -1).reverse()], { delay: 15 }));
  }
  images.dispose();
  console.error(`gantry interpolate: ${frames} frames from seed ${from} to ${to} at step ${step} (${where}) -> ${out}`);
}

async function walkStylegan(runDir: string, from: number, to: number, frames: number, psi: number, classValue: unknown) {
  const { generator, step, numClasses, classNames } = await loadStyleGenerator(runDir);
  try {
    const classIndex = requiredClassFlag(classValue, runDir, numClasses, classNames);
    return { images: interpolate(generator, from, to, frames, { psi, classIndex }), step, where: `psi ${psi}` };
  } finally {
    generator.mapping.dispose();
    generator.synthesis.dispose();
  }
}

async function walkProgan(runDir: string, from: number, to: number, frames: number, classValue: unknown) {
  const { generator, phase, step, numClasses, classNames } = await loadProganGenerator(runDir);
  try {
    const classIndex = requiredClassFlag(classValue, runDir, numClasses, classNames);
    return { images: proganInterpolate(generator, from, to, frames, phase, classIndex), step, where: `${phase.resolution} px, alpha ${phase.alpha}` };
  } finally {
    generator.dispose();
  }
}

export const interpolateCommand = command('interpolate', 'walk between two seeds of a StyleGAN (in w) or ProGAN (in z) run', usage, run);
