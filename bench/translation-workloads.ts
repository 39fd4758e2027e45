// The image-to-image translation workloads: the trainer steps of pix2pix (packages/core/src/gans/pix2pix/trainer.ts)
// and CycleGAN (packages/core/src/gans/cyclegan/trainer.ts over gans/two-way/trainer.ts), the Trainables that
// `gantry train` builds, on 64 x 64 RGB images at batch 1 as the authors train (random values: they do not
// change the cost of a step). bench/translation_peer.py holds their layer-for-layer PyTorch twins, whose steps
// are the authors' optimize_parameters.
import { cycleGanTrainable, pix2pixTrainable, type ArrayDataset } from '@gantry/core';

import { pseudoRandomValues } from './generation-workloads.js';
import { trainerWorkload } from './trainer-workload.js';
import type { Workload } from './workloads.js';

const SIDE = 64;
const IMAGES = 16;

const images = (name: string, seed: number): ArrayDataset =>
  ({ name, itemShape: [SIDE, SIDE, 3], count: IMAGES, values: pseudoRandomValues(IMAGES * SIDE * SIDE * 3, seed) });

/**
 * pix2pix at 64 px with the trainer's defaults: U-Net of depth 6 (ngf 64, batch norm, one dropout layer),
 * conditional PatchGAN with 3 strided layers (ndf 64, batch norm), non-saturating loss with D's halved,
 * lambda 100, Adam(2e-4, 0.5); one G forward a step serves D's update and G's (the authors' order).
 */
export function pix2pix64(): Workload {
  const pairs = { name: 'bench-pairs', source: images('bench-source', 21), target: images('bench-target', 22), names: Array.from({ length: IMAGES }, (_, i) => `p${i}`) };
  const trainable = pix2pixTrainable(pairs, { seed: 1 });
  const { generator, discriminator } = trainable.models;
  return trainerWorkload(trainable, { generator: [generator], discriminator: [discriminator], parameters: [29244035, 2768705], loss: 'g/adversarial' });
}

/**
 * CycleGAN at 64 px with the trainer's defaults: two ResNet generators (ngf 64, 2 downsamplings, 6 blocks,
 * instance norm), two PatchGANs (3 layers, ndf 64, instance norm), least squares, cycle 10, identity 5,
 * Adam(2e-4, 0.5), each network's passes batched (the trainer's imagewise path). History pool 0: the critics
 * see this step's fakes, as in the twin (a pool only chooses which stored images they see, at the same cost).
 * Reported loss: G's adversarial term (the trainer reports terms, not G's total).
 */
export function cyclegan64(): Workload {
  const trainable = cycleGanTrainable({ name: 'bench-unpaired', a: images('bench-a', 23), b: images('bench-b', 24) }, { seed: 1, poolSize: 0 });
  const { gAB, dA } = trainable.models;
  // the twin counts one network of each pair (gAB, dA), as this workload always has
  return trainerWorkload(trainable, { generator: [gAB], discriminator: [dA], parameters: [7837699, 2764737], loss: 'g/adversarial' });
}
