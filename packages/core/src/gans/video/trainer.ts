// Next-frame prediction on Moving MNIST, trained three ways (option `loss`), as Mathieu, Couprie and LeCun
// (2016, "Deep multi-scale video prediction beyond mean square error") compare them:
//   'mse':             lossG = mse
//   'adversarial':     lossG = mse + lambdaAdv * adv
//   'adversarial+gdl': lossG = mse + lambdaAdv * adv + lambdaGdl * gdl
//   lossD = sum over scales of BCE(D_s(context ++ truth), 1) + BCE(D_s(context ++ P(context)), 0)
// adv is the non-saturating loss (losses.ts) on D's patch logits, averaged over its scales; gdl is
// losses.ts's gradient difference loss with alpha 2 (squared differences of the neighbour differences).
// Pixels are in [0, 1], where the MSE and the alpha-2 GDL are 4x smaller than on the paper's [-1, 1]: the
// defaults 0.0125 and 1 are the paper's 0.05 and 1 (with the L2 weight 1) rescaled so. The paper's alpha 1
// collapsed here (docs/video.md): its gradient has the same size however small the difference, and a flat
// frame is its minimum when the digits' future positions are uncertain, so within 100 steps it drove the
// predictor's output flat (its last ReLUs dead, no way back), with or without the adversarial term.
// Every step draws fresh sequences from the loop's RNG (drawMovingMnist), so a resume replays exactly.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ArrayDataset } from '../../data/dataset.js';
import { drawMovingMnist, type FrameSequences } from '../../data/moving-mnist.js';
import { gradientDifferenceLoss, nonSaturating } from '../../losses.js';
import { adam } from '../../optimizers.js';
import { createRng } from '../../random.js';
import type { LoopResult, Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { resumeVariant, trainVariant, type VariantRunOptions } from '../variant-run.js';
import { framePredictor, sequenceDiscriminator } from './networks.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const VIDEO_KIND = 'video';
export const VIDEO_LOSSES = ['mse', 'adversarial', 'adversarial+gdl'] as const;
export type VideoLoss = (typeof VIDEO_LOSSES)[number];

export interface VideoOptions {
  seed: number;
  /** default 'mse' */
  loss?: VideoLoss;
  /** default 1000 */
  steps?: number;
  /** sequences per step, default 16 */
  batchSize?: number;
  /** frame side: 64 (default) or 32 (Moving MNIST's 64 px motion area-averaged 2 x 2) */
  size?: 64 | 32;
  /** digits per sequence, default 2 */
  digits?: number;
  /** frames in and out, default 10 and 10 */
  context?: number;
  future?: number;
  /** predictor's and discriminator's first filters, default 16 and 16; discriminator scales, default 2 */
  filters?: number;
  discriminatorFilters?: number;
  scales?: number;
  /** Adam step size of both players, default 1e-3 (beta1 0.5, beta2 0.999) */
  learningRate?: number;
  /** weights of the adversarial and gradient-difference terms, default 0.0125 and 1 */
  lambdaAdv?: number;
  lambdaGdl?: number;
  /** exponent of the gradient difference loss, default 2 (the paper's 1 flattens the frames here: trainer header) */
  gdlAlpha?: number;
  checkpointEvery?: number;
}

/** What checkpoints keep: the options and the digits the sequences are drawn from. */
export interface VideoConfig extends VideoOptions {
  digitsFrom: string;
  digitCount: number;
}

export type VideoRunOptions = VariantRunOptions;

export interface VideoResult {
  predictor: tfl.LayersModel;
  discriminator?: tfl.LayersModel;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

export function resolveVideoOptions(o: VideoOptions) {
  const r = {
    loss: o.loss ?? 'mse', steps: o.steps ?? 1000, batchSize: o.batchSize ?? 16, size: o.size ?? 64, digits: o.digits ?? 2,
    context: o.context ?? 10, future: o.future ?? 10, learningRate: o.learningRate ?? 1e-3, lambdaAdv: o.lambdaAdv ?? 0.0125,
    lambdaGdl: o.lambdaGdl ?? 1, gdlAlpha: o.gdlAlpha ?? 2, checkpointEvery: o.checkpointEvery ?? 0,
  };
  if (!(VIDEO_LOSSES as readonly string[]).includes(r.loss)) throw new Error(`video: loss must be one of ${VIDEO_LOSSES.join(', ')}, got ${String(r.loss)}`);
  for (const [name, v, min] of [['steps', r.steps, 0], ['batchSize', r.batchSize, 1], ['digits', r.digits, 1], ['context', r.context, 1],
    ['future', r.future, 1], ['checkpointEvery', r.checkpointEvery, 0]] as const) {
    requireIntegerAtLeast('video', name, v, min);
  }
  if (r.size !== 64 && r.size !== 32) throw new Error(`video: size must be 64 or 32, got ${String(r.size)}`);
  if (!(r.learningRate > 0)) throw new Error(`video: learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.lambdaAdv >= 0) || !(r.lambdaGdl >= 0)) throw new Error(`video: lambdaAdv and lambdaGdl must be >= 0, got ${r.lambdaAdv} and ${r.lambdaGdl}`);
  if (!(r.gdlAlpha > 0)) throw new Error(`video: gdlAlpha must be > 0, got ${r.gdlAlpha}`);
  return r;
}

/** The predictor of a config, built alone (prediction, export): the same layout of weights as in training. */
export function videoPredictor(config: VideoOptions, seed?: number): tfl.LayersModel {
  const o = resolveVideoOptions(config);
  return framePredictor({ size: o.size, context: o.context, future: o.future, filters: config.filters, seed, name: 'predictor' });
}

/** Frames [from, to) of every sequence as a [count, size, size, to - from] tensor (frames as channels). */
export function framesAsChannels(seqs: FrameSequences, from: number, to: number): tf.Tensor4D {
  const { count, frames, size } = seqs;
  if (from < 0 || to > frames || from >= to) throw new Error(`frames [${from}, ${to}) are not within the sequences' ${frames} frames`);
  return tf.tidy(() => {
    const all = tf.tensor4d(seqs.values, [count, frames, size, size]);
    return tf.transpose(tf.slice(all, [0, from, 0, 0], [count, to - from, size, size]), [0, 2, 3, 1]);
  });
}

export function videoTrainable(digits: ArrayDataset, options: VideoOptions): Trainable {
  const o = resolveVideoOptions(options);
  const config: VideoConfig = { ...options, digitsFrom: digits.name, digitCount: digits.count };
  const seeds = createRng(options.seed);
  const predictor = videoPredictor(options, seeds.int(2 ** 31));
  const adversarial = o.loss !== 'mse';
  const discriminator = adversarial
    ? sequenceDiscriminator({
      size: o.size, frames: o.context + o.future, scales: options.scales, filters: options.discriminatorFilters, seed: seeds.int(2 ** 31), name: 'discriminator',
    })
    : undefined;
  const optimizers: Record<string, tf.Optimizer> = { predictor: adam(o.learningRate, 0.5, 0.999) };
  if (discriminator) optimizers.discriminator = adam(o.learningRate, 0.5, 0.999);
  const gan = nonSaturating();
  const judge = (sequence: tf.Tensor) => [discriminator!.apply(sequence, { training: true }) as tf.Tensor | tf.Tensor[]].flat();
  const meanOver = (xs: tf.Tensor[], f: (x: tf.Tensor) => tf.Scalar) => tf.div(tf.addN(xs.map(f)), xs.length) as tf.Scalar;
  return {
    kind: VIDEO_KIND, config,
    settings: { seed: options.seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100, learningRateDecay: 0 },
    models: discriminator ? { predictor, discriminator } : { predictor }, optimizers,
    step(env) {
      const seqs = drawMovingMnist(digits, env.rng, { count: o.batchSize, frames: o.context + o.future, digits: o.digits, size: o.size });
      const context = framesAsChannels(seqs, 0, o.context);
      const truth = framesAsChannels(seqs, o.context, o.context + o.future);
      let predicted: tf.Tensor | undefined;
      try {
        const g = minimize(env, predictor, optimizers.predictor, (parts) => {
          const p = predictor.apply(context, { training: true }) as tf.Tensor4D;
          let loss = term(parts, 'g/mse', tf.losses.meanSquaredError(truth, p) as tf.Scalar);
          if (!discriminator) return loss;
          predicted = tf.keep(tf.clone(p));
          const fakeLogits = judge(tf.concat([context, p], 3));
          loss = tf.add(loss, tf.mul(o.lambdaAdv, term(parts, 'g/adversarial', meanOver(fakeLogits, (l) => gan.generator(l)))));
          if (o.loss === 'adversarial+gdl') loss = tf.add(loss, tf.mul(o.lambdaGdl, term(parts, 'g/gdl', gradientDifferenceLoss(p, truth, o.gdlAlpha))));
          return loss as tf.Scalar;
        });
        if (!discriminator) return g;
        const d = minimize(env, discriminator, optimizers.discriminator, (parts) => {
          const real = judge(tf.concat([context, truth], 3));
          const fake = judge(tf.concat([context, predicted!], 3));
          return term(parts, 'd/adversarial', tf.addN(real.map((r, s) => gan.discriminator(r, fake[s]))) as tf.Scalar);
        });
        return { ...g, ...d };
      } finally {
        tf.dispose([context, truth, ...(predicted ? [predicted] : [])]);
      }
    },
  };
}

function resultOf(r: LoopResult): VideoResult {
  return { predictor: r.models.predictor, discriminator: r.models.discriminator, step: r.step, stopped: r.stopped, losses: r.losses };
}

/** Trains a predictor on Moving MNIST sequences drawn from `digits` (28 x 28 x 1 in [-1, 1]). */
export async function trainVideo(digits: ArrayDataset, options: VideoOptions, run: VideoRunOptions = {}): Promise<VideoResult> {
  const trainable = videoTrainable(digits, options);
  return resultOf(await trainVariant(trainable, resolveVideoOptions(options).steps, run));
}

/** Continues a video run from its newest checkpoint; the digits must be the ones it was trained on. */
export async function resumeVideo(digits: ArrayDataset, run: VideoRunOptions & { steps?: number }): Promise<VideoResult> {
  const { result, trainable } = await resumeVariant<VideoConfig>(VIDEO_KIND, 'resumeVideo', run, (config, where) => {
    if (config.digitsFrom !== digits.name || config.digitCount !== digits.count) {
      throw new Error(`${where} was trained on ${config.digitCount} digits of ${config.digitsFrom}, not ${digits.count} of ${digits.name}`);
    }
    return videoTrainable(digits, config);
  });
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  return resultOf(result);
}
