// ProGAN (Karras et al. 2018) on the one training loop:
//   lossD = D(G(z)) - D(x) + 10 * E(||grad D(x_hat)|| - 1)^2 + 0.001 * D(x)^2,   lossG = -D(G(z))
// WGAN-GP (losses.ts, penalties.ts) with the paper's drift term, which keeps D's scores near 0 (eps_drift
// 1e-3), at the phase (resolution, alpha) of the step (grow.ts). D judges every image through the same
// DiffAugment draw policy when enabled (real and fake alike, G trained through it); the penalty is taken
// between the augmented reals and fakes, in the input space D judges. The gradient is of D's summed scores, as
// the paper's code, although minibatch std-dev couples the examples. G and D hold every stage from the start;
// the stages above the phase get no gradient, which Adam skips. The loop keeps the EMA of G, which sampling
// uses by default. Adam(0.001, 0, 0.99) as the paper. With `conditional`, G and D take the data's classes
// (../class-conditioning.ts: the class embedding beside z, D's projection term); fakes get classes drawn uniformly.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { diffAugment, type DiffAugmentTransform } from '../../augment/diff-augment.js';
import { arrayDataSource, type ArrayDataset } from '../../data/dataset.js';
import { wassersteinLoss } from '../../losses.js';
import { adam } from '../../optimizers.js';
import { gradientPenalty } from '../../penalties.js';
import { createRng, randomNormal, type Rng } from '../../random.js';
import type { Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { datasetClasses, drawClasses, labelsOneHot, oneHotClasses } from '../class-conditioning.js';
import { resumeVariant, trainVariant, type VariantRunOptions } from '../variant-run.js';
import { checkSchedule, discriminateAt, generateAt, proganPhase, realAt, showAt, type ProganPhase, type ProganSchedule } from './grow.js';
import { proganDiscriminator, proganGenerator, resolveNetworks, type ProganNetworkOptions } from './networks.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const PROGAN_KIND = 'progan';

export interface ProganOptions extends Omit<ProganNetworkOptions, 'seed'>, Partial<ProganSchedule> {
  seed: number;
  /** default 4000 */
  steps?: number;
  /** default 16 */
  batchSize?: number;
  /** Adam step size of both players, default 0.001 (the paper's) */
  learningRate?: number;
  /** gradient-penalty weight lambda, default 10 */
  gpWeight?: number;
  /** drift weight eps_drift, default 0.001 */
  driftWeight?: number;
  /** DiffAugment transforms applied to D's inputs, default none */
  augment?: DiffAugmentTransform[];
  /** EMA decay of G's weights, default 0.999 */
  emaDecay?: number;
  /** G and D conditioned on the data's classes, default false */
  conditional?: boolean;
  checkpointEvery?: number;
  sampleEvery?: number;
}

/** What checkpoints keep: the options and the data's shape. */
export interface ProganConfig extends ProganOptions { imageShape: number[]; images: number; classNames?: string[] }

export interface ProganResult {
  generator: tfl.LayersModel;
  /** G with the EMA weights: what sampling uses by default */
  averaged: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  /** the phase of the last step: the resolution and alpha the generator is sampled at */
  phase: ProganPhase;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

function resolve(o: ProganOptions) {
  const r = {
    ...resolveNetworks(o), steps: o.steps ?? 4000, batchSize: o.batchSize ?? 16, learningRate: o.learningRate ?? 0.001,
    phaseSteps: o.phaseSteps ?? 1000, fadeFraction: o.fadeFraction ?? 0.5, gpWeight: o.gpWeight ?? 10, driftWeight: o.driftWeight ?? 0.001,
    augment: o.augment ?? [], emaDecay: o.emaDecay ?? 0.999, checkpointEvery: o.checkpointEvery ?? 0, sampleEvery: o.sampleEvery ?? 0,
  };
  for (const [name, v, min] of [['steps', r.steps, 0], ['batchSize', r.batchSize, 2], ['checkpointEvery', r.checkpointEvery, 0], ['sampleEvery', r.sampleEvery, 0]] as const) {
    requireIntegerAtLeast('ProGAN', name, v, min);
  }
  checkSchedule(r);
  if (!(r.learningRate > 0)) throw new Error(`ProGAN: learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.gpWeight >= 0)) throw new Error(`ProGAN: gpWeight must be >= 0, got ${r.gpWeight}`);
  if (!(r.driftWeight >= 0)) throw new Error(`ProGAN: driftWeight must be >= 0, got ${r.driftWeight}`);
  if (!(r.emaDecay >= 0 && r.emaDecay < 1)) throw new Error(`ProGAN: emaDecay must lie in [0, 1), got ${r.emaDecay}`);
  return r;
}

/** The phase a run of these options is at after `step` steps. */
export function proganPhaseOf(options: ProganOptions, step: number): ProganPhase {
  const r = resolve(options);
  return proganPhase(step, r.resolution, r);
}

/** RGB images whose side is the resolution times a power of 2 (larger ones are average-pooled down). */
function configOf(data: ArrayDataset, options: ProganOptions): ProganConfig {
  const { resolution } = resolveNetworks(options);
  const [h, w, c] = data.itemShape;
  if (data.itemShape.length !== 3 || c !== 3) throw new Error(`ProGAN: dataset ${data.name} must hold RGB images [H, W, 3], got [${data.itemShape}]`);
  if (h < resolution || w < resolution) {
    throw new Error(`ProGAN: dataset ${data.name} holds ${h} x ${w} images, too small for the requested resolution ${resolution}`);
  }
  const factor = h / resolution;
  if (h !== w || !Number.isInteger(Math.log2(factor))) {
    throw new Error(`ProGAN: dataset ${data.name} holds ${h} x ${w} images; they must be square, the resolution ${resolution} times a power of 2`);
  }
  const classes = options.conditional ? datasetClasses(data, 'ProGAN') : {};
  return { ...options, ...classes, imageShape: data.itemShape, images: data.count };
}

export function proganTrainable(data: ArrayDataset, options: ProganOptions): Trainable {
  const config = configOf(data, options);
  const o = resolve(options);
  const seeds = createRng(options.seed);
  const generator = proganGenerator({ ...config, seed: seeds.int(2 ** 31) });
  const discriminator = proganDiscriminator({ ...config, seed: seeds.int(2 ** 31) });
  const optimizers = { generator: adam(o.learningRate, 0, 0.99), discriminator: adam(o.learningRate, 0, 0.99) };
  const source = arrayDataSource(data);
  const seen = (rng: Rng, x: tf.Tensor) => (o.augment.length ? diffAugment(x, rng, o.augment) : tf.clone(x));
  const previewZ = randomNormal(createRng(options.seed + 1), [16, o.latentDim]);
  const numClasses = config.numClasses;
  const fakeClasses = (rng: Rng, n: number) => (numClasses ? oneHotClasses(drawClasses(rng, n, numClasses), numClasses) : undefined);
  // a conditional preview cycles through the classes, one per cell
  const previewClasses = numClasses ? oneHotClasses(Array.from({ length: 16 }, (_, i) => i % numClasses), numClasses) : undefined;
  // the phase of the latest step, which the preview written after it shows
  let current = proganPhase(1, o.resolution, o);

  return {
    kind: PROGAN_KIND, config, models: { generator, discriminator }, optimizers,
    settings: {
      seed: options.seed, sampleEvery: o.sampleEvery, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100, learningRateDecay: 0,
    },
    ema: { generator: o.emaDecay },
    step(env) {
      const phase = proganPhase(env.step, o.resolution, o);
      current = phase;
      const critic = (classes?: tf.Tensor) => (x: tf.Tensor) => discriminateAt(discriminator, x, phase, true, classes);
      const { x: batch, labels } = source.sampleBatch(env.rng, o.batchSize);
      const n = batch.shape[0];
      const realClasses = numClasses ? labelsOneHot(labels!, numClasses) : undefined;
      labels?.dispose();
      const dFakeClasses = fakeClasses(env.rng, n);
      const real = tf.tidy(() => seen(env.rng, realAt(batch, phase)));
      const fake = tf.tidy(() => seen(env.rng, generateAt(generator, randomNormal(env.rng, [n, o.latentDim]), phase, true, dFakeClasses)));
      let d: Record<string, number>;
      try {
        d = minimize(env, discriminator, optimizers.discriminator, (parts) => {
          const realScores = critic(realClasses)(real);
          const adversarial = term(parts, 'd/wgan', wassersteinLoss.discriminator(realScores, critic(dFakeClasses)(fake)));
          // the penalty's interpolates keep the real image's class (the conditional WGAN-GP convention)
          const penalty = term(parts, 'd/gp', gradientPenalty(critic(realClasses), real, fake, env.rng, o.gpWeight));
          const drift = term(parts, 'd/drift', tf.mul(o.driftWeight, tf.mean(tf.square(realScores))) as tf.Scalar);
          return tf.addN([adversarial, penalty, drift]) as tf.Scalar;
        });
      } finally {
        tf.dispose([batch, real, fake]);
        tf.dispose([realClasses, dFakeClasses].filter((t) => t !== undefined));
      }
      const gClasses = fakeClasses(env.rng, n);
      let g: Record<string, number>;
      try {
        g = minimize(env, generator, optimizers.generator, (parts) => {
          const images = seen(env.rng, generateAt(generator, randomNormal(env.rng, [n, o.latentDim]), phase, true, gClasses));
          return term(parts, 'g/wgan', wassersteinLoss.generator(critic(gClasses)(images)));
        });
      } finally {
        gClasses?.dispose();
      }
      // the growing phase rides in every metrics line (the studio shows it), beside the losses
      return { ...d, ...g, resolution: phase.resolution, alpha: phase.alpha };
    },
    preview(models) {
      return tf.tidy(() => tf.clipByValue(showAt(generateAt(models.generator, previewZ, current, false, previewClasses), o.resolution), -1, 1));
    },
    previewColumns: 4,
    dispose() {
      tf.dispose([previewZ, ...(previewClasses ? [previewClasses] : [])]);
    },
  };
}

function resultOf(options: ProganOptions, r: { models: Record<string, tfl.LayersModel>; emaModels: Record<string, tfl.LayersModel>; step: number; stopped: boolean; losses: Record<string, number> }): ProganResult {
  return {
    generator: r.models.generator, averaged: r.emaModels.generator, discriminator: r.models.discriminator, phase: proganPhaseOf(options, r.step),
    step: r.step, stopped: r.stopped, losses: r.losses,
  };
}

/** Trains ProGAN on RGB images in [-1, 1] of the configured resolution (or a power-of-2 multiple of it). */
export async function trainProgan(data: ArrayDataset, options: ProganOptions, run: VariantRunOptions = {}): Promise<ProganResult> {
  const trainable = proganTrainable(data, options);
  try {
    return resultOf(options, await trainVariant(trainable, resolve(options).steps, run));
  } finally {
    trainable.dispose?.();
  }
}

/** Continues a ProGAN run from its newest checkpoint on the same images. */
export async function resumeProgan(data: ArrayDataset, run: VariantRunOptions & { steps?: number }): Promise<ProganResult> {
  let config: ProganConfig | undefined;
  const { result, trainable } = await resumeVariant<ProganConfig>(PROGAN_KIND, 'resumeProgan', run, (saved, where) => {
    if (saved.images !== data.count || saved.imageShape.join(',') !== data.itemShape.join(',')) {
      throw new Error(`${where} was trained on ${saved.images} images of [${saved.imageShape}], not ${data.count} of [${data.itemShape}]`);
    }
    config = saved;
    return proganTrainable(data, saved);
  });
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  trainable.dispose?.();
  return resultOf(config!, result);
}
