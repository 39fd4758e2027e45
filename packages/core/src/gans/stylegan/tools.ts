// What StyleGAN's users do with a trained generator (pass the averaged one, StyleganResult.averaged):
// sample with truncation, mix styles of two seeds, walk from one seed to another in w. A seed fixes an
// image: its z and its noise come from createRng(seed), so a seed shows the same image in every tool.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomNormal } from '../../random.js';
import { classRows } from '../class-conditioning.js';
import { latentLine } from '../latent-line.js';
import {
  broadcastStyles, checkPsi, drawNoise, latentDimOf, mapZ, mixStyles, resolutionOf, styleRowsOf, synthesizeImages, truncate, type StyleGenerator,
} from './generate.js';

export interface StyleToolOptions {
  /** truncation psi in (0, 1], default 1 (none) */
  psi?: number;
  /** the class index of every image; required by a conditional generator, refused by an unconditional one */
  classIndex?: number;
}

/** z, w (truncated) and noise of one seed, each for one image. */
function seedLatents(g: StyleGenerator, seed: number, psi: number, classIndex?: number): { w: tf.Tensor; noise: tf.Tensor[] } {
  if (!Number.isInteger(seed)) throw new Error(`StyleGAN seeds are integers, got ${seed}`);
  const rng = createRng(seed);
  const z = randomNormal(rng, [1, latentDimOf(g)]);
  const noise = drawNoise(rng, 1, resolutionOf(g));
  const classes = classRows(g.mapping, classIndex, 1);
  const raw = mapZ(g, z, false, classes);
  const w = truncate(g.mapping, raw, psi);
  tf.dispose([z, raw, ...(classes ? [classes] : [])]);
  return { w, noise };
}

function render(g: StyleGenerator, styles: tf.Tensor, noise: tf.Tensor[]): tf.Tensor4D {
  return tf.clipByValue(synthesizeImages(g, styles, noise, false), -1, 1) as tf.Tensor4D;
}

function stack(g: StyleGenerator, seeds: readonly number[], psi: number, classIndex?: number | readonly number[]) {
  if (typeof classIndex === 'object' && classIndex.length !== seeds.length) throw new Error(`${classIndex.length} classes for ${seeds.length} seeds`);
  const latents = seeds.map((s, i) => seedLatents(g, s, psi, typeof classIndex === 'object' ? classIndex[i] : classIndex));
  const w = tf.concat(latents.map((l) => l.w));
  const noise = latents[0].noise.map((_, i) => tf.concat(latents.map((l) => l.noise[i])));
  tf.dispose(latents.flatMap((l) => [l.w, ...l.noise]));
  return { w, noise };
}

/** One image per seed [N, R, R, 3] in [-1, 1]; a conditional G's class of all images, or of each. */
export function styleganSample(g: StyleGenerator, seeds: readonly number[], o: Omit<StyleToolOptions, 'classIndex'> & { classIndex?: number | readonly number[] } = {}): tf.Tensor4D {
  const psi = o.psi ?? 1;
  checkPsi(psi, 'truncation psi');
  if (seeds.length === 0) throw new Error('styleganSample: no seeds given');
  const { w, noise } = stack(g, seeds, psi, o.classIndex);
  try {
    return tf.tidy(() => render(g, broadcastStyles(w, styleRowsOf(g)), noise));
  } finally {
    tf.dispose([w, ...noise]);
  }
}

export interface StyleMixOptions extends StyleToolOptions {
  /** style rows taken from the row seed (the coarse ones, 4 x 4 and 8 x 8), default 4; the rest from the column seed */
  coarseRows?: number;
}

/**
 * A grid [rows * cols, R, R, 3], row-major: cell (i, j) has the coarse styles (pose, shape) of rowSeeds[i]
 * and the fine styles (colour, texture) and noise of colSeeds[j].
 */
export function styleMixGrid(g: StyleGenerator, rowSeeds: readonly number[], colSeeds: readonly number[], o: StyleMixOptions = {}): tf.Tensor4D {
  const psi = o.psi ?? 1;
  checkPsi(psi, 'truncation psi');
  const rows = styleRowsOf(g);
  const coarse = o.coarseRows ?? Math.min(4, rows - 1);
  if (rowSeeds.length === 0 || colSeeds.length === 0) throw new Error('styleMixGrid: give at least one row seed and one column seed');
  const r = stack(g, rowSeeds, psi, o.classIndex);
  const c = stack(g, colSeeds, psi, o.classIndex);
  try {
    return tf.tidy(() => {
      const pick = (t: tf.Tensor, index: number[]) => tf.gather(t, tf.tensor1d(index, 'int32'));
      const rowIndex = rowSeeds.flatMap((_, i) => colSeeds.map(() => i));
      const colIndex = rowSeeds.flatMap(() => colSeeds.map((_, j) => j));
      const styles = mixStyles(pick(r.w, rowIndex), pick(c.w, colIndex), rows, coarse);
      return render(g, styles, c.noise.map((n) => pick(n, colIndex)));
    });
  } finally {
    tf.dispose([r.w, c.w, ...r.noise, ...c.noise]);
  }
}

/** `frames` images [frames, R, R, 3] along the straight line in w from `from`'s seed to `to`'s (noise of `from`). */
export function interpolate(g: StyleGenerator, from: number, to: number, frames: number, o: StyleToolOptions = {}): tf.Tensor4D {
  const psi = o.psi ?? 1;
  checkPsi(psi, 'truncation psi');
  const a = seedLatents(g, from, psi, o.classIndex);
  const b = seedLatents(g, to, psi, o.classIndex);
  try {
    return tf.tidy(() => {
      const w = latentLine(a.w, b.w, frames);
      return render(g, broadcastStyles(w, styleRowsOf(g)), a.noise.map((n) => tf.mul(n, tf.ones([frames, 1, 1, 1]))));
    });
  } finally {
    tf.dispose([a.w, b.w, ...a.noise, ...b.noise]);
  }
}
