// SRGAN (Ledig et al. 2017) as two runs of the one training loop, as the paper trains it:
//   phase 'mse' (kind 'srresnet'): SRResNet alone, lossG = MSE(G(lr), hr)
//   phase 'gan' (kind 'srgan'):   G starts from a trained SRResNet and plays against D:
//     lossG = content + 1e-3 * BCE(D(G(lr)), 1) + 1 * MSE(G(lr), hr)   content = MSE(phi(G(lr)), phi(hr))  (content.ts)
//     lossD = BCE(D(hr), 1) + BCE(D(G(lr)), 0)
// The pixel term is not the paper's: our phi starts with a 2 x 2 average pool, so without it nothing but D
// constrains the offsets the last pixel shuffle gives the four pixels of each 2 x 2 block, and D drove them to
// a checkerboard (docs/translation.md#srgan, issue 16: -2.9 dB against SRResNet; with the term -0.4 dB).
// BCE is losses.ts's non-saturating loss on D's logits (the paper's -log D(G(lr))). Each phase is its own run
// (own checkpoints, resumable bit for bit); the second keeps in its config the content network's name, layer
// and fingerprint, and a resume with another network is refused. Adam(1e-4, 0.9, 0.999) as the paper.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { samplePairs, validatePairs, type PairedDataset } from '../../data/paired.js';
import { nonSaturating } from '../../losses.js';
import { adam } from '../../optimizers.js';
import { createRng } from '../../random.js';
import { startTraining, type LoopResult, type Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { requireSamePairs } from '../pix2pix/trainer.js';
import { resumeVariant, withProgress, type VariantRunOptions } from '../variant-run.js';
import { contentLoss, pixelMse, type ContentNetwork } from './content.js';
import { ICNR_BY_DEFAULT, srDiscriminator, srResNet, upscaleStages } from './networks.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const SRRESNET_KIND = 'srresnet';
export const SRGAN_KIND = 'srgan';
export type SrganPhase = 'mse' | 'gan';

export interface SrganOptions {
  seed: number;
  /** steps of this phase, default 1000 */
  steps?: number;
  /** pairs per step, default 16 (the paper's) */
  batchSize?: number;
  /** upscaling factor, default 4; must be the pairs' */
  scale?: number;
  /** SRResNet's residual blocks and filters, default 4 and 32 (the paper: 16 and 64) */
  blocks?: number;
  filters?: number;
  /** ICNR initialisation of SRResNet's convs before the pixel shuffles (phase 'mse'), default false (networks.ts) */
  icnr?: boolean;
  /** D's first filters and dense units, default 16 and 128 (the paper: 64 and 1024) */
  discriminatorFilters?: number;
  discriminatorDense?: number;
  /** Adam step size of both players, default 1e-4 (the paper's; beta1 0.9, beta2 0.999) */
  learningRate?: number;
  /** fraction of the run over which the rate falls linearly to 0, default 0 */
  learningRateDecay?: number;
  /** phase 'gan': the content network's layer (default 'conv3') and the terms' weights */
  contentLayer?: string;
  /** weight of the content term, default 1 */
  contentWeight?: number;
  /** weight of the adversarial term, default 1e-3 (the paper's) */
  adversarialWeight?: number;
  /**
   * weight of a pixel MSE term beside them, default 1 (the paper has none: its VGG content loss sees every
   * pixel, ours is blind inside 2 x 2 blocks; runs whose checkpoint config lacks it resume with 0, as started)
   */
  pixelWeight?: number;
  checkpointEvery?: number;
}

/** What checkpoints keep: the options, the phase, the data's shape and the content network. */
export interface SrganConfig extends SrganOptions {
  phase: SrganPhase;
  sourceShape: number[];
  targetShape: number[];
  pairs: number;
  content?: { name: string; layer: string; fingerprint: string };
}

export type SrganRunOptions = VariantRunOptions;

export interface SrganResult {
  generator: tfl.LayersModel;
  discriminator?: tfl.LayersModel;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

/** The options with every default filled in, checked (what a run trains with). */
export function resolveSrganOptions(o: SrganOptions) {
  const r = {
    steps: o.steps ?? 1000, batchSize: o.batchSize ?? 16, scale: o.scale ?? 4, learningRate: o.learningRate ?? 1e-4,
    learningRateDecay: o.learningRateDecay ?? 0, checkpointEvery: o.checkpointEvery ?? 0, contentWeight: o.contentWeight ?? 1,
    adversarialWeight: o.adversarialWeight ?? 1e-3, pixelWeight: o.pixelWeight ?? 1,
  };
  const integer = (name: string, v: number, min: number) => requireIntegerAtLeast('SRGAN', name, v, min);
  integer('steps', r.steps, 0);
  integer('batchSize', r.batchSize, 1);
  integer('checkpointEvery', r.checkpointEvery, 0);
  upscaleStages(r.scale);
  if (!(r.learningRate > 0)) throw new Error(`SRGAN: learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.learningRateDecay >= 0 && r.learningRateDecay <= 1)) throw new Error(`SRGAN: learningRateDecay must lie in [0, 1], got ${r.learningRateDecay}`);
  for (const k of ['contentWeight', 'adversarialWeight', 'pixelWeight'] as const) {
    if (!(r[k] >= 0)) throw new Error(`SRGAN: ${k} must be >= 0, got ${r[k]}`);
  }
  return r;
}

/** G of a config, built alone (upscaling, export): the same layout of weights as in training. */
export function srganGenerator(config: Pick<SrganConfig, 'scale' | 'blocks' | 'filters' | 'icnr' | 'targetShape'>, seed?: number): tfl.LayersModel {
  return srResNet({
    channels: config.targetShape[2], scale: config.scale ?? 4, blocks: config.blocks, filters: config.filters, icnr: config.icnr, seed, name: 'generator',
  });
}

function configOf(pairs: PairedDataset, options: SrganOptions, phase: SrganPhase, content?: ContentNetwork): SrganConfig {
  validatePairs(pairs);
  const { scale, pixelWeight } = resolveSrganOptions(options);
  const [s, t] = [pairs.source.itemShape, pairs.target.itemShape];
  if (s.length !== 3 || t.length !== 3 || t[0] !== s[0] * scale || t[1] !== s[1] * scale || s[2] !== t[2]) {
    throw new Error(`SRGAN x${scale}: pairs must be [h, w, C] -> [${scale}h, ${scale}w, C], got [${s}] -> [${t}]`);
  }
  // pixelWeight's default changed in issue 16 and icnr's may change: both are kept explicitly, so that a
  // resume keeps what the run started with
  const icnr = options.icnr ?? ICNR_BY_DEFAULT;
  return {
    ...options, pixelWeight, icnr, phase, sourceShape: s, targetShape: t, pairs: pairs.source.count,
    ...(content ? { content: { name: content.name, layer: content.layer, fingerprint: content.fingerprint } } : {}),
  };
}

function settingsOf(o: ReturnType<typeof resolveSrganOptions>, seed: number): Trainable['settings'] {
  return { seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100, learningRateDecay: o.learningRateDecay };
}

/** Phase 'mse': SRResNet trained on the pixel MSE alone. */
export function srResNetTrainable(pairs: PairedDataset, options: SrganOptions): Trainable {
  const config = configOf(pairs, options, 'mse');
  const o = resolveSrganOptions(options);
  const generator = srganGenerator(config, createRng(options.seed).int(2 ** 31));
  const optimizers = { generator: adam(o.learningRate, 0.9, 0.999) };
  return {
    kind: SRRESNET_KIND, config, settings: settingsOf(o, options.seed), models: { generator }, optimizers,
    step(env) {
      const { source, target } = samplePairs(pairs, env.rng, o.batchSize);
      try {
        return minimize(env, generator, optimizers.generator, (parts) =>
          term(parts, 'g/mse', pixelMse(generator.apply(source, { training: true }) as tf.Tensor, target)));
      } finally {
        tf.dispose([source, target]);
      }
    },
  };
}

/**
 * Phase 'gan': G (from `pretrained`'s weights when given: the SRResNet of phase 'mse') against D. The order of
 * the paper's reference code (PyTorch-GAN): one forward of G and its update, then D's update on that
 * forward's output, so G runs once per step.
 */
export function srganTrainable(pairs: PairedDataset, options: SrganOptions, content: ContentNetwork, pretrained?: tfl.LayersModel): Trainable {
  const config = configOf(pairs, options, 'gan', content);
  const o = resolveSrganOptions(options);
  const [h, w, c] = config.targetShape;
  if ((options.contentLayer ?? 'conv3') !== content.layer) {
    throw new Error(`SRGAN: options.contentLayer is ${options.contentLayer ?? 'conv3'} but the content network was cut after ${content.layer}`);
  }
  if (content.inputShape.join(',') !== `${h},${w},${c}`) {
    throw new Error(`SRGAN: the content network ${content.name} takes [${content.inputShape}] images, the targets are [${config.targetShape}]`);
  }
  const seeds = createRng(options.seed);
  const generator = srganGenerator(config, seeds.int(2 ** 31));
  if (pretrained) generator.setWeights(pretrained.getWeights());
  const discriminator = srDiscriminator({
    inputShape: [h, w, c], filters: options.discriminatorFilters, denseUnits: options.discriminatorDense, seed: seeds.int(2 ** 31), name: 'discriminator',
  });
  const optimizers = { generator: adam(o.learningRate, 0.9, 0.999), discriminator: adam(o.learningRate, 0.9, 0.999) };
  const gan = nonSaturating();
  const judge = (x: tf.Tensor) => discriminator.apply(x, { training: true }) as tf.Tensor;
  return {
    kind: SRGAN_KIND, config, settings: settingsOf(o, options.seed), models: { generator, discriminator }, optimizers,
    step(env) {
      const { source, target } = samplePairs(pairs, env.rng, o.batchSize);
      let fake: tf.Tensor | undefined;
      try {
        const g = minimize(env, generator, optimizers.generator, (parts) => {
          const sr = generator.apply(source, { training: true }) as tf.Tensor;
          fake = tf.keep(tf.clone(sr));
          let loss = tf.mul(o.contentWeight, term(parts, 'g/content', contentLoss(content, sr, target)));
          loss = tf.add(loss, tf.mul(o.adversarialWeight, term(parts, 'g/adversarial', gan.generator(judge(sr)))));
          if (o.pixelWeight > 0) loss = tf.add(loss, tf.mul(o.pixelWeight, term(parts, 'g/mse', pixelMse(sr, target))));
          return loss as tf.Scalar;
        });
        const d = minimize(env, discriminator, optimizers.discriminator, (parts) =>
          term(parts, 'd/adversarial', gan.discriminator(judge(target), judge(fake!))));
        return { ...g, ...d };
      } finally {
        tf.dispose([source, target, ...(fake ? [fake] : [])]);
      }
    },
  };
}

function resultOf(r: LoopResult, t: Trainable): SrganResult {
  for (const optimizer of Object.values(t.optimizers)) optimizer.dispose();
  return { generator: r.models.generator, discriminator: r.models.discriminator, step: r.step, stopped: r.stopped, losses: r.losses };
}

async function train(trainable: Trainable, steps: number, run: SrganRunOptions): Promise<SrganResult> {
  try {
    return resultOf(await startTraining(trainable, { ...withProgress(run, steps), progress: run.progress ?? 'off', steps }), trainable);
  } catch (e) {
    for (const model of Object.values(trainable.models)) model.dispose();
    throw e;
  }
}

/** Phase 'mse': trains SRResNet on super-resolution pairs (source low-res, target high-res, [-1, 1]). */
export function trainSrResNet(pairs: PairedDataset, options: SrganOptions, run: SrganRunOptions = {}): Promise<SrganResult> {
  return train(srResNetTrainable(pairs, options), resolveSrganOptions(options).steps, run);
}

/** Phase 'gan': fine-tunes `pretrained` (an SRResNet of the same options) adversarially with the content loss. */
export function trainSrgan(pairs: PairedDataset, options: SrganOptions, content: ContentNetwork, pretrained: tfl.LayersModel,
  run: SrganRunOptions = {}): Promise<SrganResult> {
  return train(srganTrainable(pairs, options, content, pretrained), resolveSrganOptions(options).steps, run);
}

/** Continues a phase 'mse' run from its newest checkpoint on the same pairs. */
export async function resumeSrResNet(pairs: PairedDataset, run: SrganRunOptions & { steps?: number }): Promise<SrganResult> {
  const { result, trainable } = await resumeVariant<SrganConfig>(SRRESNET_KIND, 'resumeSrResNet', run, (config, where) => {
    requireSamePairs(config, pairs, where);
    return srResNetTrainable(pairs, config);
  });
  return resultOf(result, trainable);
}

/** Continues a phase 'gan' run from its newest checkpoint, with the same pairs and content network. */
export async function resumeSrgan(pairs: PairedDataset, content: ContentNetwork, run: SrganRunOptions & { steps?: number }): Promise<SrganResult> {
  const { result, trainable } = await resumeVariant<SrganConfig>(SRGAN_KIND, 'resumeSrgan', run, (config, where) => {
    requireSamePairs(config, pairs, where);
    const saved = config.content;
    if (!saved || saved.fingerprint !== content.fingerprint || saved.layer !== content.layer) {
      throw new Error(`${where} was trained with the content network ${saved?.name} ${saved?.layer} (weights ${saved?.fingerprint}), ` +
        `not ${content.name} ${content.layer} (weights ${content.fingerprint})`);
    }
    // runs from before issue 16 kept no pixelWeight in their config and were trained without the term
    return srganTrainable(pairs, { pixelWeight: 0, ...config }, content);
  });
  return resultOf(result, trainable);
}
