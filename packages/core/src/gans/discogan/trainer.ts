// DiscoGAN (Kim et al. 2017) as a two-way variant of the one training loop: two encoder-decoder
// generators and two discriminators (networks.ts), the standard GAN loss (non-saturating, BCE on logits)
// plus the reconstruction loss, the paper's objective:
//   lossG = adv + reconstructionWeight * reconstruction        (reconstructionWeight 1)
// with the mean squared error as the reconstruction distance and each discriminator's loss halved, as the
// authors' SKTBrain code. Not taken from that code: its feature-matching term and its reweighting
// schedule of the two parts (rate 0.01, 0.5 after 10000 iterations), its one D update per 3 iterations
// (here one D and one G update a step), and Adam's weight decay 1e-5. No history pool, no identity term.
import * as tf from '@tensorflow/tfjs-core';
import { nonSaturating } from '../../losses.js';
import { createRng } from '../../random.js';
import type { Trainable } from '../../train/loop.js';
import type { UnpairedImages } from '../../data/unpaired.js';
import {
  resolveTwoWay, resumeTwoWay, trainTwoWay, twoWayData, twoWayTrainable, type TwoWayData, type TwoWayOptions, type TwoWayResult,
  type TwoWayRunOptions,
} from '../two-way/trainer.js';
import { discoganDiscriminator, discoganGenerator } from './networks.js';

export const DISCOGAN_KIND = 'discogan';

export interface DiscoGanOptions extends TwoWayOptions {
  /** weight of the reconstruction term, default 1; 0 drops it */
  reconstructionWeight?: number;
  /** filters of the first conv of every network, default 64 */
  filters?: number;
  /** stride-2 stages of every network, default log2(side) - 2, at most 4 */
  stages?: number;
}

export type DiscoGanConfig = DiscoGanOptions & TwoWayData;

const gan = nonSaturating();
const mse = (output: tf.Tensor, target: tf.Tensor) => tf.losses.meanSquaredError(target, output) as tf.Scalar;

/** DiscoGAN's defaults where they differ from CycleGAN's: batch 64 (the authors') and a constant rate. */
function withDefaults(o: DiscoGanOptions): DiscoGanOptions {
  return { ...o, batchSize: o.batchSize ?? 64, learningRateDecay: o.learningRateDecay ?? 0 };
}

function discoGanFromConfig(images: UnpairedImages, config: DiscoGanConfig): Trainable {
  resolveTwoWay(config, 'trainDiscoGan');
  const weight = config.reconstructionWeight ?? 1;
  if (!(weight >= 0)) throw new Error(`trainDiscoGan: reconstructionWeight must be >= 0, got ${weight}`);
  const seeds = createRng(config.seed);
  const [h, w] = config.shapeA;
  const common = { baseFilters: config.filters, stages: config.stages };
  const generator = (from: number[], to: number[], name: string) =>
    discoganGenerator({ ...common, inputShape: [h, w, from[2]], outputChannels: to[2], seed: seeds.int(2 ** 31), name });
  const critic = (shape: number[], name: string) => discoganDiscriminator({ ...common, inputShape: [h, w, shape[2]], seed: seeds.int(2 ** 31), name });
  const networks = {
    gAB: generator(config.shapeA, config.shapeB, 'gAB'), gBA: generator(config.shapeB, config.shapeA, 'gBA'),
    dA: critic(config.shapeA, 'dA'), dB: critic(config.shapeB, 'dB'),
  };
  return twoWayTrainable(images, {
    kind: DISCOGAN_KIND, config, networks,
    generatorLoss: (fakeLogits) => gan.generator(fakeLogits),
    discriminatorLoss: (realLogits, fakeLogits) => tf.mul(0.5, gan.discriminator(realLogits, fakeLogits)),
    distance: mse,
    cycleWeight: weight,
    identityWeight: 0,
    pool: { capacity: 0, seedA: 0, seedB: 0 },
  });
}

/** DiscoGAN as the loop sees it. Weights are seeded from seeds derived from options.seed. */
export function discoGanTrainable(images: UnpairedImages, options: DiscoGanOptions): Trainable {
  return discoGanFromConfig(images, { ...withDefaults(options), ...twoWayData(images, 'trainDiscoGan') });
}

/** Trains DiscoGAN on unpaired images of two domains, values in [-1, 1]. */
export async function trainDiscoGan(images: UnpairedImages, options: DiscoGanOptions, run: TwoWayRunOptions = {}): Promise<TwoWayResult> {
  return trainTwoWay(discoGanTrainable(images, options), resolveTwoWay(withDefaults(options), 'trainDiscoGan').steps, run);
}

/** Continues a DiscoGAN run from its newest checkpoint on the same images; the result equals an uninterrupted run's. */
export async function resumeDiscoGan(images: UnpairedImages, run: TwoWayRunOptions & { steps?: number }): Promise<TwoWayResult> {
  return resumeTwoWay(DISCOGAN_KIND, discoGanFromConfig, images, run, 'resumeDiscoGan');
}
