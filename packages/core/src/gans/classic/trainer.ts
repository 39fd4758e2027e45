// The classic GAN (one G, one D; unconditional, cGAN or ACGAN) as a variant of the one training loop:
// each step is `criticSteps` discriminator updates and one generator update. Browser-safe.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { lossByName } from '../../losses.js';
import { createRng } from '../../random.js';
import { modelFromBlob } from '../../train/checkpoint.js';
import {
  checkpointToResume, continueTraining, startTraining, type LoopOptions, type LoopResult, type LoopSettings, type Trainable,
} from '../../train/loop.js';
import { runGenerator } from '../../train/model-io.js';
import { SINGLE_PROCESS } from '../../train/replicas.js';
import { fixedSampleInputs } from '../../train/sampling.js';
import type { DataSource, GanConfig, LossValues, TrainResult } from '../../train/types.js';
import { buildOptimizers, resolveConfig, type ResolvedConfig } from './config.js';
import { checkModelShapes } from './shapes.js';
import { discriminatorStep, generatorStep, type StepContext } from './steps.js';

export const GAN_KIND = 'gan';

interface CommonOptions extends LoopOptions {
  data: DataSource;
  /** optimizers built by the caller; not saved in the config, so a resume must pass them again */
  optimizers?: { generator: tf.Optimizer; discriminator: tf.Optimizer };
}

export interface TrainOptions extends CommonOptions {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  config: GanConfig;
  /** number of generator steps */
  steps: number;
}

export interface ResumeOptions extends CommonOptions {
  /** total generator steps to reach; default the total the interrupted run was asked for */
  steps?: number;
  /** models to load the weights into; default rebuilt from the checkpoint's topology */
  generator?: tfl.LayersModel;
  discriminator?: tfl.LayersModel;
}

function loopSettings(c: ResolvedConfig): LoopSettings {
  return {
    seed: c.seed, sampleEvery: c.sampleEvery, checkpointEvery: c.checkpointEvery, keepCheckpoints: c.keepCheckpoints,
    logEvery: c.logEvery, guardEvery: c.guardEvery, learningRateDecay: c.learningRateDecay ?? 0, syncBatchNorm: c.syncBatchNorm === true,
  };
}

function averageLosses(list: LossValues[]): LossValues {
  const out: LossValues = {};
  for (const l of list) for (const [k, v] of Object.entries(l)) out[k] = (out[k] ?? 0) + v / list.length;
  return out;
}

/** The GAN as the loop sees it: models, optimizers, the step and the preview grid on fixed noise. */
export function ganTrainable(o: { generator: tfl.LayersModel; discriminator: tfl.LayersModel; config: GanConfig; data: DataSource;
  optimizers?: CommonOptions['optimizers'] }): Trainable {
  const config = resolveConfig(o.config);
  // shapes are checked on a batch from a throwaway stream so the training stream is untouched
  const probe = o.data.sampleBatch(createRng(config.seed + 7919), Math.min(config.batchSize, 2));
  try {
    checkModelShapes({ generator: o.generator, discriminator: o.discriminator, latentDim: config.latentDim, numClasses: config.numClasses, batch: probe, sampleShape: config.sampleShape });
    if (config.augment?.length && probe.x.rank !== 4) {
      throw new Error(`config.augment: DiffAugment transforms images [N, H, W, C], and this data's examples are [${probe.x.shape.slice(1).join(', ')}]`);
    }
  } finally {
    tf.dispose([probe.x, probe.labels].filter((t): t is tf.Tensor => t !== undefined));
  }
  if (config.syncBatchNorm && config.penalty && o.discriminator.layers.some((l) => l.getClassName() === 'BatchNormalization')) {
    // the penalty differentiates D's input gradient, and the synchronised backward pass is not differentiable across ranks
    throw new Error(`config.syncBatchNorm: the discriminator has batch norm and the run a gradient penalty (${config.penalty.kind}); ` +
      'synchronised batch norm does not support second derivatives: drop one of them');
  }
  const optimizers = o.optimizers ?? buildOptimizers(config);
  const ctx: StepContext = {
    generator: o.generator, discriminator: o.discriminator, config, step: 0, replicas: SINGLE_PROCESS,
    loss: lossByName(config.loss, config.realLabel === undefined ? {} : { realLabel: config.realLabel }),
    rng: createRng(0), generatorOptimizer: optimizers.generator, discriminatorOptimizer: optimizers.discriminator,
  };
  let fixed: ReturnType<typeof fixedSampleInputs> | undefined;
  return {
    kind: GAN_KIND,
    config: o.config,
    settings: loopSettings(config),
    models: { generator: o.generator, discriminator: o.discriminator },
    optimizers: { generator: optimizers.generator, discriminator: optimizers.discriminator },
    ema: config.emaDecay !== undefined ? { generator: config.emaDecay } : undefined,
    step({ step, rng, replicas }) {
      ctx.step = step;
      ctx.rng = rng;
      ctx.replicas = replicas;
      const critic: LossValues[] = [];
      // every rank draws the full batch (the same RNG stream); discriminatorStep keeps this rank's rows
      for (let k = 0; k < config.criticSteps; k++) critic.push(discriminatorStep(ctx, o.data.sampleBatch(rng, config.batchSize)));
      return { ...averageLosses(critic), ...generatorStep(ctx) };
    },
    preview(models) {
      // made on first use, inside the loop's tidy: kept so that every preview reuses the same noise
      if (!fixed) {
        fixed = fixedSampleInputs(config.seed, config.sampleCount, config.latentDim, config.numClasses);
        tf.keep(fixed.z);
        if (fixed.labels) tf.keep(fixed.labels);
      }
      const out = runGenerator(models.generator, fixed.z, fixed.labels, false);
      return config.sampleShape ? tf.reshape(out, [-1, ...config.sampleShape]) : out;
    },
    dispose() {
      fixed?.z.dispose();
      fixed?.labels?.dispose();
      fixed = undefined;
    },
  };
}

function ganResult(r: LoopResult): TrainResult {
  return {
    generator: r.models.generator, discriminator: r.models.discriminator, emaGenerator: r.emaModels.generator,
    step: r.step, stopped: r.stopped, losses: r.losses, rngState: r.rngState,
  };
}

/** Trains G and D for `steps` generator steps (each after `criticSteps` critic steps). */
export async function trainGan(o: TrainOptions): Promise<TrainResult> {
  return ganResult(await startTraining(ganTrainable(o), o));
}

/** Continues a run from its newest checkpoint; the result matches an uninterrupted run bit for bit. */
export async function resumeGan(o: ResumeOptions): Promise<TrainResult> {
  const { store, checkpoint } = await checkpointToResume(GAN_KIND, o, 'resumeGan');
  const generator = o.generator ?? await modelFromBlob(checkpoint.models.generator);
  const discriminator = o.discriminator ?? await modelFromBlob(checkpoint.models.discriminator);
  const t = ganTrainable({ generator, discriminator, config: checkpoint.state.config as GanConfig, data: o.data, optimizers: o.optimizers });
  return ganResult(await continueTraining(t, checkpoint, { ...o, store, runDir: undefined }));
}
