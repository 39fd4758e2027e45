// trainGan / resumeGan: compose critic and generator steps, with checkpoints, samples, metrics,
// progress and a divergence guard around them. Browser-safe (files go through a RunStore).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { lossByName } from '../losses.js';
import { linearDecayRate, setLearningRate } from '../optimizers.js';
import { createRng, restoreRng, type Rng } from '../random.js';
import {
  CHECKPOINT_FORMAT, blobToTensors, loadBlobIntoModel, modelFromBlob, modelToBlob, optimizerState, restoreOptimizer,
  tensorsToBlob, type Checkpoint,
} from './checkpoint.js';
import { buildOptimizers, resolveConfig, type ResolvedConfig } from './config.js';
import { createEma, type Ema } from './ema.js';
import { assertFiniteWeights, DivergenceError } from './guard.js';
import { runGenerator } from './model-io.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { storeForRunDir, type RunStore } from './run-store.js';
import { fixedSampleInputs } from './sampling.js';
import { checkModelShapes } from './shapes.js';
import { discriminatorStep, generatorStep, type StepContext } from './steps.js';
import type { DataSource, GanConfig, LossValues, TrainCallbacks, TrainResult } from './types.js';

interface CommonOptions {
  data: DataSource;
  callbacks?: TrainCallbacks;
  /** directory for checkpoints, metrics.jsonl and samples/ (needs '@gantry/core/node') */
  runDir?: string;
  /** any other place to put them (memoryRunStore() in a browser or test) */
  store?: RunStore;
  /** optimizers built by the caller; not saved in the config, so a resume must pass them again */
  optimizers?: { generator: tf.Optimizer; discriminator: tf.Optimizer };
  /** default 'auto': a bar on a terminal, periodic lines otherwise; or a reporter from createProgress() */
  progress?: ProgressMode | ProgressReporter;
  /**
   * Stops training after the current step when aborted (Ctrl-C, a stop button, a time budget); that
   * step still gets its metrics line, sample grid and checkpoint, so resumeGan continues from it.
   */
  signal?: AbortSignal;
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

interface RunState {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  config: ResolvedConfig;
  rawConfig: GanConfig;
  rng: Rng;
  step: number;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  ema?: Ema;
  emaGenerator?: tfl.LayersModel;
  store?: RunStore;
  /** the checkpoint's step when resumed */
  resumedFrom?: number;
}

function pickStore(o: CommonOptions): RunStore | undefined {
  if (o.store && o.runDir) throw new Error('pass either runDir or store, not both');
  return o.store ?? (o.runDir !== undefined ? storeForRunDir(o.runDir) : undefined);
}

async function cloneModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  return modelFromBlob(await modelToBlob(model));
}

async function makeCheckpoint(s: RunState, totalSteps: number, losses: LossValues): Promise<Checkpoint> {
  const g = await optimizerState(s.generatorOptimizer);
  const d = await optimizerState(s.discriminatorOptimizer);
  return {
    state: {
      format: CHECKPOINT_FORMAT,
      step: s.step,
      totalSteps,
      rng: s.rng.state(),
      config: s.rawConfig,
      losses,
      createdAt: new Date().toISOString(),
      optimizerScalars: { generator: g.scalars, discriminator: d.scalars },
    },
    generator: await modelToBlob(s.generator),
    discriminator: await modelToBlob(s.discriminator),
    generatorOptimizer: g.blob,
    discriminatorOptimizer: d.blob,
    ema: s.ema ? await tensorsToBlob(s.ema.shadow.map((v, i) => ({ name: s.generator.weights[i].originalName, tensor: v }))) : undefined,
  };
}

function averageLosses(list: LossValues[]): LossValues {
  const out: LossValues = {};
  for (const l of list) for (const [k, v] of Object.entries(l)) out[k] = (out[k] ?? 0) + v / list.length;
  return out;
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer, got ${steps}`);
}

/**
 * Sets both optimizers' rates for `step` from the rates they were built with. The schedule is a pure
 * function of the step and the run's length, so a resumed run needs no saved schedule state.
 */
function learningRateSchedule(s: RunState, totalSteps: number): (step: number) => void {
  const decay = s.config.learningRateDecay ?? 0;
  const optimizers = [s.generatorOptimizer, s.discriminatorOptimizer];
  const base = optimizers.map((o) => (o as tf.Optimizer & { learningRate: number }).learningRate);
  return (step) => {
    if (decay > 0) optimizers.forEach((o, i) => setLearningRate(o, linearDecayRate(base[i], decay, step, totalSteps)));
  };
}

/** What a divergence leaves behind, so the message never promises a checkpoint that does not exist. */
function describeLeftBehind(err: unknown, store: RunStore | undefined, lastCheckpoint: number | undefined): void {
  if (!(err instanceof DivergenceError) || !store) return;
  err.message += lastCheckpoint === undefined
    ? '; no checkpoint had been written yet, so a resume starts the run afresh'
    : `; the last checkpoint (step ${lastCheckpoint}) was left as it was`;
}

async function runLoop(s: RunState, o: CommonOptions, totalSteps: number): Promise<TrainResult> {
  const { config, store } = s;
  const cb = o.callbacks ?? {};
  const progress: ProgressReporter = typeof o.progress === 'object' ? o.progress : createProgress(o.progress ?? 'auto');
  // Shapes are checked on a batch from a throwaway stream so the training stream is untouched.
  const probe = o.data.sampleBatch(createRng(config.seed + 7919), Math.min(config.batchSize, 2));
  try {
    checkModelShapes({ generator: s.generator, discriminator: s.discriminator, latentDim: config.latentDim, numClasses: config.numClasses, batch: probe, sampleShape: config.sampleShape });
  } finally {
    tf.dispose([probe.x, probe.labels].filter((t): t is tf.Tensor => t !== undefined));
  }
  const wantSamples = config.sampleEvery > 0 && (store !== undefined || cb.onSample !== undefined);
  const fixed = wantSamples ? fixedSampleInputs(config.seed, config.sampleCount, config.latentDim, config.numClasses) : undefined;
  const ctx: StepContext = {
    generator: s.generator, discriminator: s.discriminator, loss: lossByName(config.loss, config.realLabel === undefined ? {} : { realLabel: config.realLabel }), config, rng: s.rng,
    generatorOptimizer: s.generatorOptimizer, discriminatorOptimizer: s.discriminatorOptimizer, step: s.step,
  };
  let losses: LossValues = {};
  const started = performance.now();
  const startStep = s.step;
  let lastYield = started;
  let lastCheckpoint = s.resumedFrom;
  const scheduleStep = learningRateSchedule(s, totalSteps);
  await store?.beginRun(s.step);
  await store?.appendMetrics({ event: s.step === 0 ? 'start' : 'resume', step: s.step, totalSteps, config: s.rawConfig, backend: tf.getBackend(), time: new Date().toISOString() });
  try {
    while (s.step < totalSteps && !o.signal?.aborted) {
      const step = s.step + 1;
      ctx.step = step;
      scheduleStep(step);
      const critic: LossValues[] = [];
      for (let k = 0; k < config.criticSteps; k++) {
        const batch = o.data.sampleBatch(s.rng, config.batchSize);
        try {
          critic.push(discriminatorStep(ctx, batch));
        } finally {
          tf.dispose([batch.x, batch.labels].filter((t): t is tf.Tensor => t !== undefined));
        }
      }
      const g = generatorStep(ctx);
      s.ema?.update(s.generator);
      if (step % config.guardEvery === 0) {
        assertFiniteWeights(step, s.discriminator, 'discriminator');
        assertFiniteWeights(step, s.generator, 'generator');
      }
      s.step = step;
      losses = { ...averageLosses(critic), ...g };
      const seconds = (performance.now() - started) / 1000;
      const info = { step, totalSteps, losses, stepsPerSecond: (step - startStep) / Math.max(seconds, 1e-9) };
      progress.step(info);
      await cb.onStep?.(info);
      // Awaiting only resolved promises never lets timers, signals or a browser's UI run: yield to the
      // event loop now and then so that an AbortSignal from a timeout or a stop button can fire.
      if (performance.now() - lastYield > 50) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      const last = step === totalSteps || o.signal?.aborted === true;
      if (store && (step % config.logEvery === 0 || last)) {
        await store.appendMetrics({ step, ...losses, stepsPerSecond: info.stepsPerSecond, seconds });
      }
      if (fixed && (step % config.sampleEvery === 0 || last)) {
        const sampler = s.ema && s.emaGenerator ? (s.ema.copyTo(s.emaGenerator), s.emaGenerator) : s.generator;
        const images = tf.tidy(() => {
          const out = runGenerator(sampler, fixed.z, fixed.labels, false);
          return config.sampleShape ? tf.reshape(out, [-1, ...config.sampleShape]) : out;
        });
        try {
          const location = await store?.saveSamples(step, images);
          await cb.onSample?.({ step, images, location });
        } finally {
          images.dispose();
        }
      }
      if (store && ((config.checkpointEvery > 0 && step % config.checkpointEvery === 0) || last)) {
        const location = await store.saveCheckpoint(await makeCheckpoint(s, totalSteps, losses), config.keepCheckpoints);
        lastCheckpoint = step;
        await cb.onCheckpoint?.({ step, location });
      }
      if (last) break;
    }
  } catch (err) {
    describeLeftBehind(err, store, lastCheckpoint);
    progress.message(`training stopped: ${(err as Error).message}`);
    await store?.appendMetrics({ event: 'error', step: ctx.step, message: (err as Error).message, time: new Date().toISOString() }).catch(() => undefined);
    throw err;
  } finally {
    progress.done();
    fixed?.z.dispose();
    fixed?.labels?.dispose();
  }
  const stopped = s.step < totalSteps;
  if (stopped) progress.message(`training stopped at step ${s.step} of ${totalSteps}`);
  await cb.onEnd?.({ step: s.step });
  if (s.ema && s.emaGenerator) s.ema.copyTo(s.emaGenerator);
  return { generator: s.generator, discriminator: s.discriminator, emaGenerator: s.emaGenerator, step: s.step, stopped, losses, rngState: s.rng.state() };
}

/** Trains G and D for `steps` generator steps (each after `criticSteps` critic steps). */
export async function trainGan(o: TrainOptions): Promise<TrainResult> {
  checkSteps(o.steps);
  const config = resolveConfig(o.config);
  const store = pickStore(o);
  if (store && (await store.loadLatestCheckpoint())) {
    throw new Error(`${store.location} already holds a run's checkpoints; use resumeGan to continue it, or pick a new runDir`);
  }
  const optimizers = o.optimizers ?? buildOptimizers(config);
  const ema = config.emaDecay !== undefined ? createEma(o.generator, config.emaDecay) : undefined;
  const state: RunState = {
    generator: o.generator, discriminator: o.discriminator, config, rawConfig: o.config, rng: createRng(config.seed), step: 0,
    generatorOptimizer: optimizers.generator, discriminatorOptimizer: optimizers.discriminator,
    ema, emaGenerator: ema ? await cloneModel(o.generator) : undefined, store,
  };
  return runLoop(state, o, o.steps);
}

/** Continues a run from its newest checkpoint; the result matches an uninterrupted run bit for bit. */
export async function resumeGan(o: ResumeOptions): Promise<TrainResult> {
  const store = pickStore(o);
  if (!store) throw new Error('resumeGan needs a runDir or a store');
  const checkpoint = await store.loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`no checkpoint to resume from in ${store.location}`);
  const { state } = checkpoint;
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`${store.location}: unknown checkpoint format ${state.format}`);
  const totalSteps = o.steps ?? state.totalSteps;
  checkSteps(totalSteps);
  if (totalSteps < state.step) throw new Error(`cannot resume to step ${totalSteps}: ${store.location} is already at step ${state.step}`);
  const config = resolveConfig(state.config);
  const generator = o.generator ?? await modelFromBlob(checkpoint.generator);
  const discriminator = o.discriminator ?? await modelFromBlob(checkpoint.discriminator);
  if (o.generator) loadBlobIntoModel(generator, checkpoint.generator);
  if (o.discriminator) loadBlobIntoModel(discriminator, checkpoint.discriminator);
  const optimizers = o.optimizers ?? buildOptimizers(config);
  await restoreOptimizer(optimizers.generator, checkpoint.generatorOptimizer, state.optimizerScalars.generator, 'generator optimizer');
  await restoreOptimizer(optimizers.discriminator, checkpoint.discriminatorOptimizer, state.optimizerScalars.discriminator, 'discriminator optimizer');
  let ema: Ema | undefined;
  if (config.emaDecay !== undefined) {
    const saved = checkpoint.ema ? blobToTensors(checkpoint.ema, 'EMA weights').map((n) => n.tensor) : undefined;
    ema = createEma(generator, config.emaDecay, saved);
    tf.dispose(saved ?? []);
  }
  const s: RunState = {
    generator, discriminator, config, rawConfig: state.config, rng: restoreRng(state.rng), step: state.step,
    generatorOptimizer: optimizers.generator, discriminatorOptimizer: optimizers.discriminator,
    ema, emaGenerator: ema ? await cloneModel(generator) : undefined, store, resumedFrom: state.step,
  };
  return runLoop(s, o, totalSteps);
}
