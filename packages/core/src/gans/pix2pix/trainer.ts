// pix2pix (Isola et al. 2017) as a variant of the one training loop: a U-Net G translates a source image,
// a PatchGAN D judges [source, image] pairs, and each step is the authors' optimize_parameters: one
// forward of G, one D update on real and fake pairs, one G update on
//   lossG = adversarial + lambda * L1(G(source), target)        (lambda 100)
// with the non-saturating (BCE with logits) loss of core's losses.ts, D's loss halved as theirs is, and
// Adam(2e-4, 0.5, 0.999) for both. The paper's ablation picks the terms: 'l1' (no D at all),
// 'adversarial' or 'l1+adversarial'. G's only noise is its dropout, drawn from the run's RNG.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { validatePairs, samplePairs, type PairedDataset } from '../../data/paired.js';
import { nonSaturating } from '../../losses.js';
import type { BlockNormalization } from '../../layers/residual-block.js';
import { patchGanDiscriminator, patchGanOutputSize } from '../../models/patchgan.js';
import { unetGenerator } from '../../models/unet.js';
import { adam } from '../../optimizers.js';
import { createRng } from '../../random.js';
import { startTraining, type LoopResult, type Trainable } from '../../train/loop.js';
import { withSeededMathRandom } from '../../train/seeded-math-random.js';
import { takeShard } from '../../train/replicas.js';
import { minimize, term } from '../../train/update.js';
import { offTape } from './off-tape.js';
import { firstImages, translateForPreview, TRIPLET_COLUMNS, triplets } from '../translation-preview.js';
import { resumeVariant, withProgress, type VariantRunOptions } from '../variant-run.js';
import { requireIntegerAtLeast } from '../../models/common.js';

/** Training pairs in a preview grid: 6 rows of two triplets. */
const PREVIEW_PAIRS = 12;

export const PIX2PIX_KIND = 'pix2pix';

/** The paper's ablation (its Table 1): which terms G's loss has. */
export type Pix2pixObjective = 'l1+adversarial' | 'l1' | 'adversarial';
export const PIX2PIX_OBJECTIVES: readonly Pix2pixObjective[] = ['l1+adversarial', 'l1', 'adversarial'];

export interface Pix2pixOptions {
  seed: number;
  /** training steps (one D and one G update each), default 10000 */
  steps?: number;
  /** pairs per step; the paper: 1 (default) */
  batchSize?: number;
  /** weight of the L1 term, default 100 */
  lambda?: number;
  /** default 'l1+adversarial' */
  objective?: Pix2pixObjective;
  /** U-Net down-sampling steps, default log2 of the image side */
  depth?: number;
  /** ngf and ndf, default 64 each */
  generatorFilters?: number;
  discriminatorFilters?: number;
  /** PatchGAN strided layers, default 3 (70 x 70 patches), or as many as the image allows (2 at 16 px) */
  discriminatorLayers?: number;
  /** both networks' norm, default 'batch' as the authors' pix2pix */
  normalization?: BlockNormalization;
  /** U-Net dropout, default 0.5 (the paper's noise; only nets of depth 6 and more have dropout layers) */
  dropout?: number;
  /** Adam step size, default 2e-4 (beta1 0.5, beta2 0.999) */
  learningRate?: number;
  /** fraction of the run over which the rates fall linearly to 0, default 0.5 (the authors: 100 + 100 epochs) */
  learningRateDecay?: number;
  /** checkpoint every N steps when training into a runDir or store (default: only at the end) */
  checkpointEvery?: number;
  /** a grid of source | output | target triplets every N steps (0, the default: none; translation-preview.ts) */
  sampleEvery?: number;
}

/** What checkpoints keep: the options and the data's shape, which a resume must match. */
export interface Pix2pixConfig extends Pix2pixOptions {
  sourceShape: number[];
  targetShape: number[];
  pairs: number;
}

export type Pix2pixRunOptions = VariantRunOptions;

/** The trained networks of a pix2pix run (D absent for objective 'l1'). */
export interface Pix2pixResult {
  generator: tfl.LayersModel;
  discriminator?: tfl.LayersModel;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

function resolve(o: Pix2pixOptions) {
  const r = {
    steps: o.steps ?? 10000, batchSize: o.batchSize ?? 1, lambda: o.lambda ?? 100, objective: o.objective ?? 'l1+adversarial',
    learningRate: o.learningRate ?? 2e-4, learningRateDecay: o.learningRateDecay ?? 0.5, checkpointEvery: o.checkpointEvery ?? 0,
    sampleEvery: o.sampleEvery ?? 0,
  };
  const integer = (name: string, v: number, min: number) => requireIntegerAtLeast('trainPix2pix', name, v, min);
  integer('steps', r.steps, 0);
  integer('batchSize', r.batchSize, 1);
  integer('checkpointEvery', r.checkpointEvery, 0);
  integer('sampleEvery', r.sampleEvery, 0);
  if (!PIX2PIX_OBJECTIVES.includes(r.objective)) throw new Error(`trainPix2pix: objective must be one of ${PIX2PIX_OBJECTIVES.join(', ')}, got ${JSON.stringify(r.objective)}`);
  if (!(r.lambda >= 0)) throw new Error(`trainPix2pix: lambda must be >= 0, got ${r.lambda}`);
  if (!(r.learningRate > 0)) throw new Error(`trainPix2pix: learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.learningRateDecay >= 0 && r.learningRateDecay <= 1)) throw new Error(`trainPix2pix: learningRateDecay must lie in [0, 1], got ${r.learningRateDecay}`);
  return r;
}

/** G of a pix2pix config, built alone (translate, export): the same weights' layout as in training. */
export function pix2pixGenerator(config: Pix2pixConfig, seed = config.seed): tfl.LayersModel {
  const [h, w, c] = config.sourceShape;
  return unetGenerator({
    inputShape: [h, w, c], outputChannels: config.targetShape[2], depth: config.depth, baseFilters: config.generatorFilters,
    normalization: config.normalization, dropout: config.dropout, seed, name: 'generator',
  });
}

/** The authors' 3 PatchGAN layers, fewer where the image is too small for them to leave one logit. */
export function patchLayersFor(side: number): number {
  let layers = 3;
  while (layers > 1 && patchGanOutputSize(side, layers) < 1) layers--;
  return layers;
}

/** pix2pix as the loop sees it. Weights are drawn from seeds derived from options.seed. */
export function pix2pixTrainable(pairs: PairedDataset, options: Pix2pixOptions): Trainable {
  validatePairs(pairs);
  const o = resolve(options);
  const [sourceShape, targetShape] = [pairs.source.itemShape, pairs.target.itemShape];
  if (sourceShape.length !== 3 || targetShape.length !== 3 || sourceShape[0] !== targetShape[0] || sourceShape[1] !== targetShape[1]) {
    throw new Error(`trainPix2pix: source and target images must be [H, W, C] of one size, got [${sourceShape}] and [${targetShape}]`);
  }
  const config: Pix2pixConfig = { ...options, sourceShape, targetShape, pairs: pairs.source.count };
  const seeds = createRng(options.seed);
  const generator = pix2pixGenerator(config, seeds.int(2 ** 31));
  const adversarial = o.objective !== 'l1';
  const l1 = o.objective !== 'adversarial';
  const discriminator = adversarial ? patchGanDiscriminator({
    inputShape: [targetShape[0], targetShape[1], targetShape[2]], conditionChannels: sourceShape[2],
    layers: options.discriminatorLayers ?? patchLayersFor(Math.min(targetShape[0], targetShape[1])),
    baseFilters: options.discriminatorFilters, normalization: options.normalization ?? 'batch', seed: seeds.int(2 ** 31), name: 'discriminator',
  }) : undefined;
  const optimizer = () => adam(o.learningRate, 0.5, 0.999);
  const optimizers: Record<string, tf.Optimizer> = { generator: optimizer(), ...(discriminator ? { discriminator: optimizer() } : {}) };
  const gan = nonSaturating();
  // G runs once per step, in training mode (batch norm on the batch, dropout on, its masks drawn from one
  // seed per step): the authors' optimize_parameters is forward G, update D on the detached fake, update G
  // through the same forward with the updated D. tfjs keeps no graph past a gradient call, so the D update
  // runs inside G's gradient function, between G's forward and G's backward, off G's tape (off-tape.ts).
  const generate = (source: tf.Tensor, dropoutSeed: number) =>
    withSeededMathRandom(createRng(dropoutSeed), () => generator.apply(source, { training: true }) as tf.Tensor);
  const judge = (source: tf.Tensor, image: tf.Tensor) => discriminator!.apply([source, image], { training: true }) as tf.Tensor;

  return {
    kind: PIX2PIX_KIND,
    config,
    settings: {
      seed: options.seed, sampleEvery: o.sampleEvery, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100,
      learningRateDecay: o.learningRateDecay,
    },
    models: { generator, ...(discriminator ? { discriminator } : {}) },
    optimizers,
    preview(models) {
      const [source, target] = [firstImages(pairs.source, PREVIEW_PAIRS), firstImages(pairs.target, PREVIEW_PAIRS)];
      return triplets(source, translateForPreview(models.generator, source, options.seed), target);
    },
    previewColumns: TRIPLET_COLUMNS,
    step(env) {
      const { rng, replicas } = env;
      // every rank draws the full batch and keeps its rows (dropout masks are drawn per rank's rows)
      const pair = samplePairs(pairs, rng, o.batchSize);
      pair.labels?.dispose();   // pairs with class labels (emoji) bring them along; pix2pix has no use for them
      const source = takeShard(pair.source, replicas);
      const target = takeShard(pair.target, replicas);
      const dropoutSeed = rng.int(2 ** 31);
      try {
        // One G forward serves both updates, as in the authors' step, and the objective is theirs, with the
        // numbers of running G twice on the same masks (G's weights do not move before its own update): D's
        // update differentiates D's weights only, so G's output is a constant to it (their fake.detach()), and
        // it runs off G's tape, so D's new weights are constants to G's loss, which the updated D then judges.
        // Only G's batch-norm moving statistics, which pix2pix never reads (it translates in training mode),
        // take one update a step where the two forwards gave them two.
        let d = {};
        const g = minimize(env, generator, optimizers.generator, (parts) => {
          const fake = generate(source, dropoutSeed);
          if (discriminator) {
            d = offTape(() => minimize(env, discriminator, optimizers.discriminator, (dParts) =>
              term(dParts, 'd/adversarial', tf.mul(0.5, gan.discriminator(judge(source, target), judge(source, fake))))));
          }
          const adv = adversarial ? term(parts, 'g/adversarial', gan.generator(judge(source, fake))) : tf.scalar(0);
          const dist = l1 ? term(parts, 'g/l1', tf.mean(tf.abs(tf.sub(fake, target)))) : tf.scalar(0);
          return tf.add(adv, tf.mul(o.lambda, dist));   // lossG = adv + lambda * l1
        });
        return { ...d, ...g };
      } finally {
        tf.dispose([source, target]);
      }
    },
  };
}

function resultOf(r: LoopResult, t: Trainable): Pix2pixResult {
  for (const optimizer of Object.values(t.optimizers)) optimizer.dispose();
  return { generator: r.models.generator, discriminator: r.models.discriminator, step: r.step, stopped: r.stopped, losses: r.losses };
}

/** Trains pix2pix on paired images (source -> target) in [-1, 1]. */
export async function trainPix2pix(pairs: PairedDataset, options: Pix2pixOptions, run: Pix2pixRunOptions = {}): Promise<Pix2pixResult> {
  const trainable = pix2pixTrainable(pairs, options);
  const steps = resolve(options).steps;
  try {
    return resultOf(await startTraining(trainable, { ...withProgress(run, steps), progress: run.progress ?? 'off', steps }), trainable);
  } catch (e) {
    for (const model of Object.values(trainable.models)) model.dispose();
    throw e;
  }
}

/** A resume (or translation) on other pairs than the run trained on is refused, naming both shapes. */
export function requireSamePairs(config: Pix2pixConfig, pairs: PairedDataset, where: string): void {
  const same = (a: number[], b: number[]) => a.join(',') === b.join(',');
  if (!same(config.sourceShape, pairs.source.itemShape) || !same(config.targetShape, pairs.target.itemShape) || config.pairs !== pairs.source.count) {
    throw new Error(`${where} was trained on ${config.pairs} pairs of [${config.sourceShape}] -> [${config.targetShape}], ` +
      `not ${pairs.source.count} of [${pairs.source.itemShape}] -> [${pairs.target.itemShape}]`);
  }
}

/** Continues a pix2pix run from its newest checkpoint on the same pairs; the result equals an uninterrupted run's. */
export async function resumePix2pix(pairs: PairedDataset, run: Pix2pixRunOptions & { steps?: number }): Promise<Pix2pixResult> {
  const { result, trainable } = await resumeVariant<Pix2pixConfig>(PIX2PIX_KIND, 'resumePix2pix', run, (config, where) => {
    requireSamePairs(config, pairs, where);
    return pix2pixTrainable(pairs, config);
  });
  return resultOf(result, trainable);
}
