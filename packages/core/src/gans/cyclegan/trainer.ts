// CycleGAN (Zhu et al. 2017) as a two-way variant of the one training loop, as the authors'
// cycle_gan_model.py: two ResNet generators (gAB: A -> B, gBA: B -> A), two PatchGAN critics with
// instance norm (dA on A's images, dB on B's), the least-squares loss (their gan_mode lsgan), and
//   lossG = adv + 10 * cycle + 5 * identity
// with L1 as the cycle and identity distance (lambda_A = lambda_B = 10, lambda_identity 0.5 of it). The
// critics see fakes through a history pool of 50 per domain, kept in every checkpoint; Adam(2e-4, 0.5)
// for both pairs of networks, constant for the first half of the run, then linearly to 0.
import * as tf from '@tensorflow/tfjs-core';
import { leastSquares } from '../../losses.js';
import { patchGanDiscriminator } from '../../models/patchgan.js';
import { resnetGenerator } from '../../models/resnet-generator.js';
import { createRng } from '../../random.js';
import type { Trainable } from '../../train/loop.js';
import type { UnpairedImages } from '../../data/unpaired.js';
import { patchLayersFor } from '../pix2pix/trainer.js';
import {
  resolveTwoWay, resumeTwoWay, trainTwoWay, twoWayData, twoWayTrainable, type TwoWayData, type TwoWayOptions, type TwoWayResult,
  type TwoWayRunOptions,
} from '../two-way/trainer.js';

export const CYCLEGAN_KIND = 'cyclegan';

export interface CycleGanOptions extends TwoWayOptions {
  /** weight of the cycle term, default 10; 0 drops it (the paper's "GAN alone" ablation, with identityWeight 0) */
  cycleWeight?: number;
  /** weight of the identity term, default 5 (the authors' 0.5 x 10); 0 drops it */
  identityWeight?: number;
  /** history pool capacity per domain, default 50; 0 shows the critics this step's fakes */
  poolSize?: number;
  /** ngf and ndf, default 64 each */
  generatorFilters?: number;
  discriminatorFilters?: number;
  /** residual blocks, default 9 from 256 px up, else 6 */
  blocks?: number;
  /** generator stride-2 stages, default 2 */
  downsamplings?: number;
  /** PatchGAN strided layers, default 3 (70 x 70 patches), or as many as the image allows */
  discriminatorLayers?: number;
}

export type CycleGanConfig = CycleGanOptions & TwoWayData;

function nonNegative(name: string, v: number): number {
  if (!(v >= 0)) throw new Error(`trainCycleGan: ${name} must be >= 0, got ${v}`);
  return v;
}

const lsgan = leastSquares();
const l1 = (output: tf.Tensor, target: tf.Tensor) => tf.losses.absoluteDifference(target, output) as tf.Scalar;

/** CycleGAN as the loop sees it, from a config (a fresh run's options and data, or a checkpoint's). */
function cycleGanFromConfig(images: UnpairedImages, config: CycleGanConfig): Trainable {
  resolveTwoWay(config, 'trainCycleGan');
  const poolSize = config.poolSize ?? 50;
  if (!Number.isInteger(poolSize) || poolSize < 0) throw new Error(`trainCycleGan: poolSize must be a non-negative integer, got ${poolSize}`);
  const seeds = createRng(config.seed);
  const [h, w] = config.shapeA;
  const generator = (from: number[], to: number[], name: string) => resnetGenerator({
    inputShape: [h, w, from[2]], outputChannels: to[2], baseFilters: config.generatorFilters, blocks: config.blocks,
    downsamplings: config.downsamplings, seed: seeds.int(2 ** 31), name,
  });
  const critic = (shape: number[], name: string) => patchGanDiscriminator({
    inputShape: [h, w, shape[2]], layers: config.discriminatorLayers ?? patchLayersFor(Math.min(h, w)),
    baseFilters: config.discriminatorFilters, normalization: 'instance', seed: seeds.int(2 ** 31), name,
  });
  const networks = {
    gAB: generator(config.shapeA, config.shapeB, 'gAB'), gBA: generator(config.shapeB, config.shapeA, 'gBA'),
    dA: critic(config.shapeA, 'dA'), dB: critic(config.shapeB, 'dB'),
  };
  return twoWayTrainable(images, {
    kind: CYCLEGAN_KIND, config, networks,
    // the authors' MSE(D(G(x)), 1); losses.ts's least-squares G loss carries Mao et al.'s 1/2
    generatorLoss: (fakeLogits) => tf.mul(2, lsgan.generator(fakeLogits)),
    // 0.5 * (MSE(D(y), 1) + MSE(D(fake), 0)), the authors' backward_D_basic
    discriminatorLoss: (realLogits, fakeLogits) => lsgan.discriminator(realLogits, fakeLogits),
    distance: l1,
    cycleWeight: nonNegative('cycleWeight', config.cycleWeight ?? 10),
    identityWeight: nonNegative('identityWeight', config.identityWeight ?? 5),
    pool: { capacity: poolSize, seedA: seeds.int(2 ** 31), seedB: seeds.int(2 ** 31) },
    // instance norm throughout and no dropout: each image's output depends on that image alone
    imagewise: true,
  });
}

/** CycleGAN as the loop sees it. Weights and pools are seeded from seeds derived from options.seed. */
export function cycleGanTrainable(images: UnpairedImages, options: CycleGanOptions): Trainable {
  return cycleGanFromConfig(images, { ...options, ...twoWayData(images, 'trainCycleGan') });
}

/** Trains CycleGAN on unpaired images of two domains, values in [-1, 1]. */
export async function trainCycleGan(images: UnpairedImages, options: CycleGanOptions, run: TwoWayRunOptions = {}): Promise<TwoWayResult> {
  return trainTwoWay(cycleGanTrainable(images, options), resolveTwoWay(options, 'trainCycleGan').steps, run);
}

/** Continues a CycleGAN run from its newest checkpoint on the same images; the result equals an uninterrupted run's. */
export async function resumeCycleGan(images: UnpairedImages, run: TwoWayRunOptions & { steps?: number }): Promise<TwoWayResult> {
  return resumeTwoWay(CYCLEGAN_KIND, cycleGanFromConfig, images, run, 'resumeCycleGan');
}
