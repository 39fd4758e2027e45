// GAN-TTS (Binkowski et al. 2020) at small scale on gantry's espeak-ng corpus (machine speech):
//   lossG = sum_k -mean(D_k(window_k(G(c, z))))      lossD = sum_k hinge(D_k(window_k(x)), D_k(window_k(G(c, z))))
// over the ensemble's random-window discriminators k (conditional and unconditional, per window size; the
// conditional ones also see the window's features c), hinge = losses.ts's hingeLoss. Each step draws
// `batchSize` clips of `clipFrames` frames of the train split, one noise vector per clip and one window
// offset (in whole frames) per discriminator, all from the loop's RNG, so a resume replays the run bit
// for bit. G updates first, then D on that forward's output (as SRGAN here). Adam(1e-4, 0, 0.999) for
// both players, as the paper (which uses G 1e-4, D 1e-4, beta1 0, beta2 0.999).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { featureWidth, sampleClips, utterancesOf, type Clips, type SpeechCorpus } from '../../audio/corpus.js';
import { HOP } from '../../audio/frames.js';
import { hingeLoss } from '../../losses.js';
import { adam } from '../../optimizers.js';
import { createRng, randomNormal, type Rng } from '../../random.js';
import type { LoopResult, Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { resumeVariant, trainVariant, type VariantRunOptions } from '../variant-run.js';
import { discriminatorNames, ganttsDiscriminators, ganttsGenerator, resolveNetworks, type GanttsNetworkOptions } from './networks.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const GANTTS_KIND = 'gantts';

export interface GanttsOptions extends Omit<GanttsNetworkOptions, 'featureWidth' | 'seed'> {
  seed: number;
  steps?: number;
  /** clips per step, default 8 */
  batchSize?: number;
  /** frames per clip (5 ms each), default 64; at least the largest window's frames */
  clipFrames?: number;
  learningRate?: number;
  /**
   * Decay of an exponential moving average of G's weights (the paper averages G too), kept beside G in
   * checkpoints and used by `speak` when present; off when unset (runs before it have none).
   */
  emaDecay?: number;
  checkpointEvery?: number;
}

/** What checkpoints keep: the options and what the features mean (speak rebuilds them from it). */
export interface GanttsConfig extends GanttsOptions {
  featureWidth: number;
  inventory: string[];
  pitch: { mean: number; std: number };
  trainUtterances: number;
}

export interface GanttsResult {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  /** G's averaged weights when options.emaDecay is set */
  averaged?: tfl.LayersModel;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

export type GanttsRunOptions = VariantRunOptions;

function resolve(o: GanttsOptions) {
  const r = { steps: o.steps ?? 1000, batchSize: o.batchSize ?? 8, clipFrames: o.clipFrames ?? 64, learningRate: o.learningRate ?? 1e-4, checkpointEvery: o.checkpointEvery ?? 0 };
  for (const [k, min] of [['steps', 0], ['batchSize', 1], ['clipFrames', 1], ['checkpointEvery', 0]] as const) {
    requireIntegerAtLeast('GAN-TTS', k, r[k], min);
  }
  if (!(r.learningRate > 0)) throw new Error(`GAN-TTS: learningRate must be > 0, got ${r.learningRate}`);
  if (o.emaDecay !== undefined && !(o.emaDecay > 0 && o.emaDecay < 1)) throw new Error(`GAN-TTS: emaDecay must lie in (0, 1), got ${o.emaDecay}`);
  return r;
}

export function ganttsConfig(corpus: SpeechCorpus, options: GanttsOptions): GanttsConfig {
  const config: GanttsConfig = {
    ...options, featureWidth: featureWidth(corpus), inventory: corpus.inventory, pitch: corpus.pitch, trainUtterances: utterancesOf(corpus, 'train').length,
  };
  const frames = resolve(options).clipFrames;
  const widest = Math.max(...resolveNetworks(config).windows) / HOP;
  if (frames < widest) throw new Error(`GAN-TTS: clipFrames ${frames} is shorter than the widest discriminator window (${widest} frames)`);
  return config;
}

/** G of a config, alone (synthesis): the same layout of weights as in training. */
export function ganttsGeneratorOf(config: GanttsConfig, seed?: number): tfl.LayersModel {
  return ganttsGenerator({ ...config, seed });
}

/** Clips as G's inputs: features [N, 1, F, W] and audio [N, 1, 80F, 1]. */
export function clipTensors(clips: Clips, width: number): { features: tf.Tensor4D; audio: tf.Tensor4D } {
  return {
    features: tf.tensor4d(clips.features, [clips.count, 1, clips.frames, width]),
    audio: tf.tensor4d(clips.audio, [clips.count, 1, clips.frames * HOP, 1]),
  };
}

/** The ensemble's inputs for one audio batch: each D's window at its offset (frames), and the conditional D's features. */
function windowInputs(audio: tf.Tensor, features: tf.Tensor, windows: readonly number[], offsets: readonly number[]): tf.Tensor[] {
  return windows.flatMap((w, i) => {
    const [u, c] = [offsets[2 * i], offsets[2 * i + 1]];
    return [
      tf.slice(audio, [0, 0, u * HOP, 0], [-1, 1, w, 1]),
      tf.slice(audio, [0, 0, c * HOP, 0], [-1, 1, w, 1]),
      tf.slice(features, [0, 0, c, 0], [-1, 1, w / HOP, -1]),
    ];
  });
}

export function ganttsTrainable(corpus: SpeechCorpus, options: GanttsOptions): Trainable {
  const config = ganttsConfig(corpus, options);
  return trainableOf(corpus, config);
}

function trainableOf(corpus: SpeechCorpus, config: GanttsConfig): Trainable {
  const o = resolve(config);
  const nets = resolveNetworks(config);
  const train = utterancesOf(corpus, 'train');
  const seeds = createRng(config.seed);
  const generator = ganttsGeneratorOf(config, seeds.int(2 ** 31));
  const discriminator = ganttsDiscriminators({ ...config, seed: seeds.int(2 ** 31) });
  const optimizers = { generator: adam(o.learningRate, 0, 0.999), discriminator: adam(o.learningRate, 0, 0.999) };
  const names = discriminatorNames(nets.windows);
  const judge = (inputs: tf.Tensor[]) => discriminator.apply(inputs, { training: true }) as tf.Tensor[];
  return {
    kind: GANTTS_KIND, config, models: { generator, discriminator }, optimizers,
    ema: config.emaDecay !== undefined ? { generator: config.emaDecay } : undefined,
    settings: { seed: config.seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100, learningRateDecay: 0 },
    step(env) {
      const { features, audio } = clipTensors(sampleClips(corpus, train, env.rng, o.batchSize, o.clipFrames), config.featureWidth);
      const z = randomNormal(env.rng, [o.batchSize, nets.latentDim]);
      const offsets = names.map((_, k) => env.rng.int(o.clipFrames - nets.windows[Math.floor(k / 2)] / HOP + 1));
      let fake: tf.Tensor | undefined;
      try {
        const g = minimize(env, generator, optimizers.generator, (parts) => {
          const wave = generator.apply([features, z], { training: true }) as tf.Tensor;
          fake = tf.keep(tf.clone(wave));
          const logits = judge(windowInputs(wave, features, nets.windows, offsets));
          return term(parts, 'g/adversarial', tf.addN(logits.map((l) => hingeLoss.generator(l))) as tf.Scalar);
        });
        const d = minimize(env, discriminator, optimizers.discriminator, (parts) => {
          const real = judge(windowInputs(audio, features, nets.windows, offsets));
          const made = judge(windowInputs(fake!, features, nets.windows, offsets));
          return term(parts, 'd/hinge', tf.addN(real.map((r, k) => hingeLoss.discriminator(r, made[k]))) as tf.Scalar);
        });
        return { ...g, ...d };
      } finally {
        tf.dispose([features, audio, z, ...(fake ? [fake] : [])]);
      }
    },
  };
}

const resultOf = (r: LoopResult): GanttsResult =>
  ({ generator: r.models.generator, discriminator: r.models.discriminator, averaged: r.emaModels.generator, step: r.step, stopped: r.stopped, losses: r.losses });

/** Trains GAN-TTS on the corpus's train split. */
export async function trainGantts(corpus: SpeechCorpus, options: GanttsOptions, run: GanttsRunOptions = {}): Promise<GanttsResult> {
  return resultOf(await trainVariant(ganttsTrainable(corpus, options), resolve(options).steps, run));
}

/** Continues a GAN-TTS run from its newest checkpoint on the same corpus (same phoneme inventory and train split). */
export async function resumeGantts(corpus: SpeechCorpus, run: GanttsRunOptions & { steps?: number }): Promise<GanttsResult> {
  const { result, trainable } = await resumeVariant<GanttsConfig>(GANTTS_KIND, 'resumeGantts', run, (config, where) => {
    const now = ganttsConfig(corpus, config);
    if (now.inventory.join(' ') !== config.inventory.join(' ') || now.trainUtterances !== config.trainUtterances) {
      throw new Error(`${where} was trained on a corpus of ${config.trainUtterances} train utterances and ${config.inventory.length} phonemes, ` +
        `not this one (${now.trainUtterances} utterances, ${now.inventory.length} phonemes)`);
    }
    return trainableOf(corpus, config);
  });
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  return resultOf(result);
}

/** Speech from G for conditioning features [frames, W] (row-major): one utterance, noise from `rng`. */
export function synthesize(generator: tfl.LayersModel, features: Float32Array, frames: number, width: number, latentDim: number, rng: Rng): Float32Array {
  return tf.tidy(() => {
    const c = tf.tensor4d(features, [1, 1, frames, width]);
    const z = randomNormal(rng, [1, latentDim]);
    return (generator.apply([c, z], { training: false }) as tf.Tensor).dataSync() as Float32Array;
  });
}
