// StyleGAN on the one training loop:
//   lossD = softplus(D(aug(G(z)))) + softplus(-D(aug(x))) + [every k steps] k * (gamma / 2) E||grad_x D(aug(x))||^2
//   lossG = softplus(-D(aug(G(z))))
// the non-saturating loss (losses.ts) with R1 on real images (penalties.ts), lazily every k steps scaled by
// k (StyleGAN2 sec. B; k = 1 is plain R1); aug is DiffAugment (augment/diff-augment.ts) when enabled, else
// the identity. G(z) mixes styles: with probability `mixing` a second z's w takes over at a random
// crossover row. After each G step the tracked mean of w moves towards the batch's mean (decay 0.995), for
// the truncation trick. The loop keeps the EMA of mapping and synthesis; sampling uses those by default.
// Adam(lr, 0, 0.99) as the papers. With `conditional`, G and D take the data's classes (../class-conditioning.ts:
// the class embedding beside z in mapping, D's projection term); fakes get classes drawn uniformly.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { drawAugmentation, type Augmentation, type DiffAugmentTransform } from '../../augment/diff-augment.js';
import { arrayDataSource, type ArrayDataset } from '../../data/dataset.js';
import { nonSaturating } from '../../losses.js';
import { adam } from '../../optimizers.js';
import { r1Penalty } from '../../penalties.js';
import { createRng, randomNormal, type Rng } from '../../random.js';
import type { Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { datasetClasses, drawClasses, labelsOneHot, oneHotClasses } from '../class-conditioning.js';
import { resumeVariant, trainVariant, type VariantRunOptions } from '../variant-run.js';
import { averageWLayer, broadcastStyles, drawNoise, mapZ, mixStyles, synthesizeImages, type StyleGenerator } from './generate.js';
import { mappingNetwork, resolveNetworks, styleganDiscriminator, styleLayers, synthesisNetwork, type StyleganNetworkOptions } from './networks.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const STYLEGAN_KIND = 'stylegan';

export interface StyleganOptions extends Omit<StyleganNetworkOptions, 'seed'> {
  seed: number;
  /** default 1000 */
  steps?: number;
  /** default 16 */
  batchSize?: number;
  /** Adam step size of both players, default 0.002 (StyleGAN2's) */
  learningRate?: number;
  /** style-mixing probability, default 0.9 (the paper's); 0 turns mixing off */
  mixing?: number;
  /** R1 weight gamma, default 10 (0: none) */
  r1Gamma?: number;
  /** R1 every k steps, scaled by k (lazy regularisation), default 16 (StyleGAN2's); 1: every step */
  r1Every?: number;
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
export interface StyleganConfig extends StyleganOptions { imageShape: number[]; images: number; classNames?: string[] }

export interface StyleganResult {
  generator: StyleGenerator;
  /** G with the EMA weights: what sampling uses by default */
  averaged: StyleGenerator;
  discriminator: tfl.LayersModel;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

const W_AVERAGE_DECAY = 0.995;

function resolve(o: StyleganOptions) {
  const r = {
    ...resolveNetworks(o), steps: o.steps ?? 1000, batchSize: o.batchSize ?? 16, learningRate: o.learningRate ?? 0.002,
    mixing: o.mixing ?? 0.9, r1Gamma: o.r1Gamma ?? 10, r1Every: o.r1Every ?? 16, augment: o.augment ?? [],
    emaDecay: o.emaDecay ?? 0.999, checkpointEvery: o.checkpointEvery ?? 0, sampleEvery: o.sampleEvery ?? 0,
  };
  const integer = (name: string, v: number, min: number) => requireIntegerAtLeast('StyleGAN', name, v, min);
  integer('steps', r.steps, 0);
  integer('batchSize', r.batchSize, 2);
  integer('r1Every', r.r1Every, 1);
  integer('checkpointEvery', r.checkpointEvery, 0);
  integer('sampleEvery', r.sampleEvery, 0);
  if (!(r.learningRate > 0)) throw new Error(`StyleGAN: learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.mixing >= 0 && r.mixing <= 1)) throw new Error(`StyleGAN: mixing must lie in [0, 1], got ${r.mixing}`);
  if (!(r.r1Gamma >= 0)) throw new Error(`StyleGAN: r1Gamma must be >= 0, got ${r.r1Gamma}`);
  if (!(r.emaDecay >= 0 && r.emaDecay < 1)) throw new Error(`StyleGAN: emaDecay must lie in [0, 1), got ${r.emaDecay}`);
  return r;
}

/** Mapping and synthesis of a config, built alone (sampling, export): the same layout of weights as in training. */
export function styleganGenerator(config: StyleganOptions & { resolution: number }, seed = config.seed): StyleGenerator {
  return { mapping: mappingNetwork({ ...config, seed }), synthesis: synthesisNetwork({ ...config, seed }) };
}

function configOf(data: ArrayDataset, options: StyleganOptions): StyleganConfig {
  const { resolution } = resolveNetworks(options);
  const [h, w, c] = data.itemShape;
  if (data.itemShape.length !== 3 || c !== 3) throw new Error(`StyleGAN: dataset ${data.name} must hold RGB images [H, W, 3], got [${data.itemShape}]`);
  if (h !== resolution || w !== resolution) {
    const why = h < resolution || w < resolution ? 'too small for' : 'not the size of';
    throw new Error(`StyleGAN: dataset ${data.name} holds ${h} x ${w} images, ${why} the requested resolution ${resolution}`);
  }
  const classes = options.conditional ? datasetClasses(data, 'StyleGAN') : {};
  return { ...options, ...classes, imageShape: data.itemShape, images: data.count };
}

/** Styles for a batch: one z's w for every row, or (with probability `mixing`) two z's w split at a random row. */
function batchStyles(g: StyleGenerator, rng: Rng, n: number, latentDim: number, rows: number, mixing: number, classes?: tf.Tensor): { styles: tf.Tensor; w: tf.Tensor } {
  const w = mapZ(g, randomNormal(rng, [n, latentDim]), true, classes);
  if (mixing > 0 && rng.next() < mixing) {
    const crossover = 1 + rng.int(rows - 1);
    return { styles: mixStyles(w, mapZ(g, randomNormal(rng, [n, latentDim]), true, classes), rows, crossover), w };
  }
  return { styles: broadcastStyles(w, rows), w };
}

export function styleganTrainable(data: ArrayDataset, options: StyleganOptions): Trainable {
  const config = configOf(data, options);
  const o = resolve(options);
  const seeds = createRng(options.seed);
  const g = styleganGenerator(config, seeds.int(2 ** 31));
  const discriminator = styleganDiscriminator({ ...config, seed: seeds.int(2 ** 31) });
  const optimizers = { generator: adam(o.learningRate, 0, 0.99), discriminator: adam(o.learningRate, 0, 0.99) };
  const source = arrayDataSource(data);
  const rows = styleLayers(o.resolution);
  const gan = nonSaturating();
  const numClasses = config.numClasses;
  const judge = (x: tf.Tensor, classes?: tf.Tensor) => discriminator.apply(classes ? [x, classes] : x, { training: true }) as tf.Tensor;
  const fakeClasses = (rng: Rng, n: number) => (numClasses ? oneHotClasses(drawClasses(rng, n, numClasses), numClasses) : undefined);
  const augmentFor = (rng: Rng, shape: number[]): Augmentation | undefined => (o.augment.length ? drawAugmentation(rng, shape, o.augment) : undefined);
  const previewZ = randomNormal(createRng(options.seed + 1), [16, o.latentDim]);
  const previewNoise = drawNoise(createRng(options.seed + 2), 16, o.resolution);
  // a conditional preview cycles through the classes, one per cell
  const previewClasses = numClasses ? oneHotClasses(Array.from({ length: 16 }, (_, i) => i % numClasses), numClasses) : undefined;

  // A fake batch (styles mixed, fresh noise); `keepW` gets the unmixed w for the tracked mean.
  const fakeBatch = (rng: Rng, n: number, classes: tf.Tensor | undefined, keepW?: (w: tf.Tensor) => void) => {
    const { styles, w } = batchStyles(g, rng, n, o.latentDim, rows, o.mixing, classes);
    keepW?.(w);
    return synthesizeImages(g, styles, drawNoise(rng, n, o.resolution), true);
  };

  return {
    kind: STYLEGAN_KIND, config, models: { mapping: g.mapping, synthesis: g.synthesis, discriminator }, optimizers,
    settings: {
      seed: options.seed, sampleEvery: o.sampleEvery, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100, learningRateDecay: 0,
    },
    ema: { mapping: o.emaDecay, synthesis: o.emaDecay },
    step(env) {
      const { x: real, labels } = source.sampleBatch(env.rng, o.batchSize);
      const n = real.shape[0];
      const realClasses = numClasses ? labelsOneHot(labels!, numClasses) : undefined;
      labels?.dispose();
      const dFakeClasses = fakeClasses(env.rng, n);
      const fake = tf.tidy(() => fakeBatch(env.rng, n, dFakeClasses));
      const augReal = augmentFor(env.rng, real.shape);
      const augFake = augmentFor(env.rng, real.shape);
      const seen = (a: Augmentation | undefined, classes?: tf.Tensor) => (x: tf.Tensor) => judge(a ? a.apply(x) : x, classes);
      const regularise = o.r1Gamma > 0 && env.step % o.r1Every === 0;
      let d: Record<string, number>;
      try {
        d = minimize(env, discriminator, optimizers.discriminator, (parts) => {
          const adversarial = term(parts, 'd/adversarial', gan.discriminator(seen(augReal, realClasses)(real), seen(augFake, dFakeClasses)(fake)));
          if (!regularise) return adversarial;
          return tf.add(adversarial, term(parts, 'd/r1', r1Penalty(seen(augReal, realClasses), real, o.r1Gamma * o.r1Every))) as tf.Scalar;
        });
      } finally {
        tf.dispose([real, fake]);
        tf.dispose([realClasses, dFakeClasses].filter((t) => t !== undefined));
        augReal?.dispose();
        augFake?.dispose();
      }
      let batchMeanW: tf.Tensor | undefined;
      const augG = augmentFor(env.rng, real.shape);
      const gClasses = fakeClasses(env.rng, n);
      let gLosses: Record<string, number>;
      try {
        gLosses = minimize(env, [g.mapping, g.synthesis], optimizers.generator, (parts) => {
          const images = fakeBatch(env.rng, n, gClasses, (w) => { batchMeanW = tf.keep(tf.mean(w, 0)); });
          return term(parts, 'g/adversarial', gan.generator(seen(augG, gClasses)(images)));
        });
      } finally {
        augG?.dispose();
        gClasses?.dispose();
      }
      const average = averageWLayer(g.mapping).average;
      tf.tidy(() => { average.write(tf.add(batchMeanW!, tf.mul(tf.sub(average.read(), batchMeanW!), W_AVERAGE_DECAY))); });
      batchMeanW!.dispose();
      return { ...d, ...gLosses };
    },
    preview(models) {
      return tf.tidy(() => {
        const shown = { mapping: models.mapping, synthesis: models.synthesis };
        return tf.clipByValue(synthesizeImages(shown, broadcastStyles(mapZ(shown, previewZ, false, previewClasses), rows), previewNoise, false), -1, 1);
      });
    },
    previewColumns: 4,
    dispose() {
      tf.dispose([previewZ, ...previewNoise, ...(previewClasses ? [previewClasses] : [])]);
    },
  };
}

function resultOf(models: Record<string, tfl.LayersModel>, emaModels: Record<string, tfl.LayersModel>, r: { step: number; stopped: boolean; losses: Record<string, number> }): StyleganResult {
  return {
    generator: { mapping: models.mapping, synthesis: models.synthesis },
    averaged: { mapping: emaModels.mapping, synthesis: emaModels.synthesis },
    discriminator: models.discriminator, step: r.step, stopped: r.stopped, losses: r.losses,
  };
}

/** Trains StyleGAN on RGB images in [-1, 1] of the configured resolution. */
export async function trainStylegan(data: ArrayDataset, options: StyleganOptions, run: VariantRunOptions = {}): Promise<StyleganResult> {
  const trainable = styleganTrainable(data, options);
  try {
    const r = await trainVariant(trainable, resolve(options).steps, run);
    return resultOf(r.models, r.emaModels, r);
  } finally {
    trainable.dispose?.();
  }
}

/** Continues a StyleGAN run from its newest checkpoint on the same images. */
export async function resumeStylegan(data: ArrayDataset, run: VariantRunOptions & { steps?: number }): Promise<StyleganResult> {
  const { result, trainable } = await resumeVariant<StyleganConfig>(STYLEGAN_KIND, 'resumeStylegan', run, (config, where) => {
    if (config.images !== data.count || config.imageShape.join(',') !== data.itemShape.join(',')) {
      throw new Error(`${where} was trained on ${config.images} images of [${config.imageShape}], not ${data.count} of [${data.itemShape}]`);
    }
    return styleganTrainable(data, config);
  });
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  trainable.dispose?.();
  return resultOf(result.models, result.emaModels, result);
}
