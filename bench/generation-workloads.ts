// stylegan64: StyleGAN's trainer step (packages/core/src/gans/stylegan/trainer.ts) at 64 x 64 with the
// defaults of `gantry train --model stylegan` (AdaIN, 8-layer mapping, latent 64, channels min(64, 1024 / r),
// batch 16, style mixing 0.9, R1 gamma 10 lazily every 16 steps, no DiffAugment, EMA 0.999 of mapping and
// synthesis, Adam(0.002, 0, 0.99)) on random images. bench/generation_peer.py is its PyTorch twin.
import { styleganTrainable, type ArrayDataset } from '@gantry/core';

import { trainerWorkload } from './trainer-workload.js';
import type { Workload } from './workloads.js';

const SIDE = 64;
const IMAGES = 256;

/** Deterministic values in [-1, 1) (the data's values do not change the cost of a step). */
export function pseudoRandomValues(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

export function stylegan64(): Workload {
  const images: ArrayDataset = { name: 'bench-images', itemShape: [SIDE, SIDE, 3], count: IMAGES, values: pseudoRandomValues(IMAGES * SIDE * SIDE * 3, 7) };
  const trainable = styleganTrainable(images, { seed: 1, resolution: SIDE });
  const { mapping, synthesis, discriminator } = trainable.models;
  return trainerWorkload(trainable, { generator: [mapping, synthesis], discriminator: [discriminator], parameters: [353459, 285649], loss: 'g/adversarial' });
}
