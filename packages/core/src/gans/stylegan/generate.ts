// Running StyleGAN's generator, a pair of models: mapping (z -> w) and synthesis (per-layer styles and
// noise -> image). Style mixing, the truncation trick and per-seed sampling are all a matter of which w
// each of the L style rows gets, so they live here, shared by the trainer and the tools (tools.ts).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { randomNormal, type Rng } from '../../random.js';
import type { WAverage } from './layers.js';
import { resolutionsOf } from './networks.js';

export interface StyleGenerator { mapping: tfl.LayersModel; synthesis: tfl.LayersModel }

export function latentDimOf(g: StyleGenerator): number {
  return g.mapping.inputs[0].shape[1]!;
}

export function styleRowsOf(g: StyleGenerator): number {
  return g.synthesis.inputs[0].shape[1]!;
}

export function resolutionOf(g: StyleGenerator): number {
  return g.synthesis.outputs[0].shape[1]!;
}

export function averageWLayer(mapping: tfl.LayersModel): WAverage {
  return mapping.getLayer('w') as WAverage;
}

/** w [N, W] for every one of L rows: [N, L, W]. */
export function broadcastStyles(w: tf.Tensor, rows: number): tf.Tensor3D {
  const [n, d] = w.shape;
  return tf.mul(tf.reshape(w, [n, 1, d]), tf.ones([1, rows, 1])) as tf.Tensor3D;
}

/** Rows [0, crossover) from `coarse`, the rest from `fine` (both [N, W]): the styles of a mixed image. */
export function mixStyles(coarse: tf.Tensor, fine: tf.Tensor, rows: number, crossover: number): tf.Tensor3D {
  if (!(Number.isInteger(crossover) && crossover >= 0 && crossover <= rows)) {
    throw new Error(`style mixing: crossover must be an integer in [0, ${rows}], got ${crossover}`);
  }
  return tf.tidy(() => {
    const parts = [];
    if (crossover > 0) parts.push(broadcastStyles(coarse, crossover));
    if (crossover < rows) parts.push(broadcastStyles(fine, rows - crossover));
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor3D;
  });
}

/** The truncation trick: w_avg + psi (w - w_avg). psi 1 leaves w as it is. */
export function truncate(mapping: tfl.LayersModel, w: tf.Tensor, psi: number): tf.Tensor {
  checkPsi(psi, 'truncation psi');
  if (psi === 1) return tf.clone(w);
  return tf.tidy(() => {
    const avg = averageWLayer(mapping).average.read();
    return tf.add(avg, tf.mul(tf.sub(w, avg), psi));
  });
}

export function checkPsi(psi: number, what: string): void {
  if (!(psi > 0 && psi <= 1)) throw new Error(`${what} must lie in (0, 1], got ${psi}`);
}

/** Per-layer noise for n images: one [n, r, r, 2] tensor per synthesis resolution, from rng. */
export function drawNoise(rng: Rng, n: number, resolution: number): tf.Tensor[] {
  return resolutionsOf(resolution).map((r) => randomNormal(rng, [n, r, r, 2]));
}

/** w of z; a conditional mapping also takes the one-hot classes [N, K] (class-conditioning.ts). */
export function mapZ(g: StyleGenerator, z: tf.Tensor, training: boolean, classes?: tf.Tensor): tf.Tensor {
  const conditional = g.mapping.inputs.length > 1;
  if (conditional !== (classes !== undefined)) {
    throw new Error(conditional ? 'StyleGAN: this generator is conditional: give a class' : 'StyleGAN: this generator is unconditional: it takes no class');
  }
  return g.mapping.apply(classes ? [z, classes] : z, { training }) as tf.Tensor;
}

export function synthesizeImages(g: StyleGenerator, styles: tf.Tensor, noise: tf.Tensor[], training: boolean): tf.Tensor {
  return g.synthesis.apply([styles, ...noise], { training }) as tf.Tensor;
}
