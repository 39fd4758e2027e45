// One training recipe for the 2D mixtures, described by a plain RunSpec and trained through trainGan:
// the models (MLP widths, batch norm, maxout, packing), the objective, Adam's settings, EMA of G's
// weights and a linear learning-rate decay over the last part of the run.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  adam, grid25, linearDecayRate, mlpDiscriminator, mlpGenerator, modeMetrics, ring8, sample, trainGan,
  type GanConfig, type GaussianMixture2D, type LossName, type ModeMetrics,
} from '../../packages/core/src/index.js';

export interface RunSpec {
  loss: LossName;
  /** generator steps */
  steps: number;
  gHidden: number[];
  dHidden: number[];
  gBatchNorm: boolean;
  /** maxout pieces per discriminator unit (PacGAN's D uses 5); 0 or 1: leaky ReLU */
  maxout: number;
  /** G's output is multiplied by this and D's input divided by it, so both nets work at unit scale; default 1 */
  scale?: number;
  /** PacGAN packing degree: D judges this many samples at once (1: no packing) */
  pack: number;
  batch: number;
  latentDim: number;
  lr: number;
  /** discriminator learning rate as a multiple of lr (two time-scale updates); default 1 */
  dLrScale?: number;
  /** R1 penalty weight gamma on real data (Mescheder et al. 2018); 0: off */
  r1?: number;
  beta1: number;
  beta2: number;
  criticSteps?: number;
  /** gradient-penalty weight (wgan-gp) */
  gp?: number;
  clip?: number;
  /** EMA decay of G's weights; 0: off */
  ema: number;
  /** fraction of the run, at the end, over which both learning rates fall linearly to 0 (0: constant) */
  decay: number;
  /** RMSProp instead of Adam (WGAN with clipping) */
  rmsprop?: boolean;
  minibatchDiscrimination?: boolean;
}

/** Flags shared by tune.ts and study.ts, parsed by parseRunSpec. */
export const RUN_SPEC_OPTIONS = {
  data: { type: 'string', default: 'ring8' },
  loss: { type: 'string', default: 'nonsaturating' },
  steps: { type: 'string', default: '2000' },
  g: { type: 'string', default: '128,128' },
  d: { type: 'string', default: '128,128' },
  bn: { type: 'boolean', default: false },
  maxout: { type: 'string', default: '0' },
  pack: { type: 'string', default: '1' },
  scale: { type: 'string', default: '1' },
  batch: { type: 'string', default: '256' },
  latent: { type: 'string', default: '2' },
  lr: { type: 'string', default: '2e-4' },
  'd-lr-scale': { type: 'string', default: '1' },
  r1: { type: 'string', default: '0' },
  beta1: { type: 'string', default: '0.5' },
  beta2: { type: 'string', default: '0.999' },
  ema: { type: 'string', default: '0' },
  decay: { type: 'string', default: '0' },
} as const;

function num(v: string | undefined, name: string): number {
  const x = Number(v);
  if (v === undefined || !Number.isFinite(x)) throw new Error(`--${name} must be a number, got '${v}'`);
  return x;
}

function widths(v: string | undefined, name: string): number[] {
  const list = (v ?? '').split(',').map(Number);
  if (list.length === 0 || list.some((w) => !Number.isInteger(w) || w < 1)) throw new Error(`--${name} must list layer widths like 128,128, got '${v}'`);
  return list;
}

export function parseRunSpec(v: Record<string, string | boolean | undefined>): RunSpec {
  const s = (k: string) => v[k] as string | undefined;
  return {
    loss: s('loss') as LossName, steps: num(s('steps'), 'steps'), gHidden: widths(s('g'), 'g'), dHidden: widths(s('d'), 'd'),
    gBatchNorm: v.bn === true, maxout: num(s('maxout'), 'maxout'), pack: num(s('pack'), 'pack'), scale: num(s('scale'), 'scale'), batch: num(s('batch'), 'batch'),
    latentDim: num(s('latent'), 'latent'), lr: num(s('lr'), 'lr'),
    dLrScale: num(s('d-lr-scale'), 'd-lr-scale'), r1: num(s('r1'), 'r1'), beta1: num(s('beta1'), 'beta1'), beta2: num(s('beta2'), 'beta2'),
    ema: num(s('ema'), 'ema'), decay: num(s('decay'), 'decay'),
  };
}

export function mixtureByName(name: string): GaussianMixture2D {
  if (name === 'ring8') return ring8();
  if (name === 'grid25') return grid25();
  throw new Error(`unknown dataset '${name}'; expected ring8 or grid25`);
}

/** VEEGAN and PacGAN evaluate 2500 generated samples per trained generator. */
export const EVAL_SAMPLES = 2500;

export function evaluateRun(samples: tf.Tensor, data: GaussianMixture2D): ModeMetrics {
  return modeMetrics(samples, data);
}

/** 2500 samples from G in inference mode, from a noise stream of their own. */
export function evalSamples(generator: tfl.LayersModel, seed: number): tf.Tensor {
  return sample(generator, EVAL_SAMPLES, { seed: 1_000_003 + seed });
}

export function buildModels(spec: RunSpec, seed: number): { generator: tfl.LayersModel; discriminator: tfl.LayersModel } {
  const scaled = spec.scale !== undefined && spec.scale !== 1;
  return {
    generator: mlpGenerator({
      latentDim: spec.latentDim, outputDim: 2, hidden: spec.gHidden, batchNorm: spec.gBatchNorm, seed: seed * 2 + 1,
      outputScale: scaled ? spec.scale : undefined,
    }),
    discriminator: mlpDiscriminator({
      inputDim: 2, hidden: spec.dHidden, seed: seed * 2 + 2, inputScale: scaled ? 1 / spec.scale! : undefined,
      maxout: spec.maxout > 1 ? spec.maxout : undefined,
      pack: spec.pack > 1 ? spec.pack : undefined,
      minibatchDiscrimination: spec.minibatchDiscrimination ? { kernels: 5, dims: 3 } : undefined,
    }),
  };
}

export function ganConfig(spec: RunSpec, seed: number): GanConfig {
  const opt = (learningRate: number) => spec.rmsprop
    ? { kind: 'rmsprop' as const, learningRate }
    : { kind: 'adam' as const, learningRate, beta1: spec.beta1, beta2: spec.beta2 };
  return {
    loss: spec.loss, latentDim: spec.latentDim, seed, batchSize: spec.batch,
    criticSteps: spec.criticSteps ?? 1,
    penalty: spec.gp ? { kind: 'gp', weight: spec.gp } : spec.r1 ? { kind: 'r1', weight: spec.r1 } : undefined,
    clip: spec.clip,
    emaDecay: spec.ema > 0 ? spec.ema : undefined,
    optimizers: { generator: opt(spec.lr), discriminator: opt(spec.lr * (spec.dLrScale ?? 1)) },
  };
}

/** Learning rate at a (1-based) generator step: constant, then linear to 0 over the last `decay` of the run. */
export function learningRateAt(spec: RunSpec, step: number): number {
  return linearDecayRate(spec.lr, spec.decay, step, spec.steps);
}

export interface TrainedMixture {
  generator: tfl.LayersModel;
  /** the EMA copy when spec.ema > 0, else the generator itself */
  sampler: tfl.LayersModel;
  seconds: number;
  /** the optimizers' learning rates after the last step (0 with a decay) */
  finalLearningRates: { generator: number; discriminator: number };
  dispose(): void;
}

export interface TrainHooks {
  /** evaluate G (and its EMA copy) every this many steps; 0: only at the end */
  evalEvery?: number;
  onEval?(label: 'G' | 'EMA', samples: tf.Tensor, step: number): void;
}

type WithLearningRate = tf.Optimizer & { learningRate: number };

export async function trainMixture(spec: RunSpec, data: GaussianMixture2D, seed: number, hooks: TrainHooks = {}): Promise<TrainedMixture> {
  const started = Date.now();
  const { generator, discriminator } = buildModels(spec, seed);
  const config = ganConfig(spec, seed);
  const evalEvery = hooks.evalEvery ?? 0;
  // The trainer builds its optimizers from config.optimizers; the decay needs them, so build the same here.
  const build = (lr: number): WithLearningRate => (spec.rmsprop ? tf.train.rmsprop(lr) : adam(lr, spec.beta1, spec.beta2)) as unknown as WithLearningRate;
  const dScale = spec.dLrScale ?? 1;
  const optimizers = { generator: build(spec.lr), discriminator: build(spec.lr * dScale) };
  const result = await trainGan({
    generator, discriminator, data, steps: spec.steps, progress: 'off', optimizers,
    config: { ...config, sampleEvery: evalEvery, sampleCount: EVAL_SAMPLES },
    callbacks: {
      onStep({ step }) {
        if (spec.decay > 0) {
          // Optimizers read their learningRate field on every update; the next step uses this one.
          const lr = learningRateAt(spec, step + 1);
          optimizers.generator.learningRate = lr;
          optimizers.discriminator.learningRate = lr * dScale;
        }
        if (hooks.onEval && evalEvery > 0 && step % evalEvery === 0) {
          const s = evalSamples(generator, seed);
          hooks.onEval('G', s, step);
          s.dispose();
        }
      },
      onSample({ step, images }) {
        if (spec.ema > 0) hooks.onEval?.('EMA', images, step);
      },
    },
  });
  const sampler = result.emaGenerator ?? result.generator;
  if (hooks.onEval && (evalEvery === 0 || spec.steps % evalEvery !== 0)) {
    for (const [label, model] of [['G', result.generator], ...(result.emaGenerator ? [['EMA', result.emaGenerator]] : [])] as Array<['G' | 'EMA', tfl.LayersModel]>) {
      const s = evalSamples(model, seed);
      hooks.onEval(label, s, spec.steps);
      s.dispose();
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const finalLearningRates = { generator: optimizers.generator.learningRate, discriminator: optimizers.discriminator.learningRate };
  return {
    generator: result.generator, sampler, seconds, finalLearningRates,
    dispose() {
      result.generator.dispose();
      result.discriminator.dispose();
      result.emaGenerator?.dispose();
      optimizers.generator.dispose();
      optimizers.discriminator.dispose();
    },
  };
}

/** The command-line flags (RUN_SPEC_OPTIONS) that parseRunSpec turns back into this spec. */
export function specFlags(s: RunSpec): string {
  return [
    `--loss ${s.loss}`, `--steps ${s.steps}`, `--g ${s.gHidden.join(',')}`, `--d ${s.dHidden.join(',')}`, ...(s.gBatchNorm ? ['--bn'] : []),
    `--maxout ${s.maxout}`, `--pack ${s.pack}`, ...(s.scale !== undefined && s.scale !== 1 ? [`--scale ${s.scale}`] : []), `--batch ${s.batch}`, `--latent ${s.latentDim}`, `--lr ${s.lr}`,
    `--d-lr-scale ${s.dLrScale ?? 1}`, `--r1 ${s.r1 ?? 0}`, `--beta1 ${s.beta1}`, `--beta2 ${s.beta2}`, `--ema ${s.ema}`, `--decay ${s.decay}`,
  ].join(' ');
}
