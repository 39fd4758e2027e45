// The one training loop. A Trainable (a GAN variant) brings named models, named optimizers and a step;
// the loop owns everything around the step for all of them: the RNG, the learning-rate schedule, EMA
// copies, the divergence guard, progress, metrics, preview samples, checkpoints and bit-exact resume.
// Browser-safe: files go through a RunStore.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { linearDecayRate, setLearningRate } from '../optimizers.js';
import { createRng, restoreRng, type Rng } from '../random.js';
import { PART_NAME } from '../run/checkpoint-format.js';
import {
  CHECKPOINT_FORMAT, blobToTensors, loadBlobIntoModel, modelFromBlob, modelToBlob, optimizerState, restoreOptimizer, tensorsToBlob,
  type Checkpoint, type TensorBlob,
} from './checkpoint.js';
import { createEma, type Ema } from './ema.js';
import { assertFiniteVariables, assertFiniteWeights, DivergenceError } from './guard.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { agreeToStop, SINGLE_PROCESS, type Replicas } from './replicas.js';
import { synchroniseBatchNorm, withSyncedBatchNorm } from './sync-batch-norm.js';
import { storeForRunDir, type RunStore } from './run-store.js';
import type { LossValues, StepInfo, TrainCallbacks } from './types.js';

/** How often the loop does what it does around the steps. */
export interface LoopSettings {
  /** seeds the run's one RNG (batches, noise, dropout) */
  seed: number;
  /** preview every N steps (0: never) */
  sampleEvery: number;
  /** checkpoint every N steps (0: only at the end) */
  checkpointEvery: number;
  keepCheckpoints: number;
  /** metrics line every N steps */
  logEvery: number;
  /** scan every weight for NaN/Inf every N steps (losses are checked at every update) */
  guardEvery: number;
  /** fraction of the run, at its end, over which every optimizer's rate falls linearly to 0 */
  learningRateDecay: number;
  /** batch-norm statistics over all ranks' rows in data-parallel runs (train/sync-batch-norm.ts); default per rank */
  syncBatchNorm?: boolean;
}

export interface StepEnv {
  /** the step being taken, from 1 */
  step: number;
  totalSteps: number;
  /** the run's RNG: every random draw of a step comes from it, so that a resumed run replays exactly */
  rng: Rng;
  /**
   * The data-parallel processes of the run (SINGLE_PROCESS by default). Every rank draws the same full batch from
   * the same RNG and keeps its rows with shardRows(t, replicas); minimize averages the gradients.
   */
  replicas: Replicas;
}

/** A variant's own variables, checkpointed and restored in this order. */
export interface ParameterSet { readonly variables: readonly tf.Variable[] }

/** What a GAN variant hands to the loop. */
export interface Trainable {
  /** names the variant in checkpoints ('gan', 'gain', ...) */
  kind: string;
  /** the variant's JSON config, saved in every checkpoint; a resume rebuilds the variant from it */
  config: object;
  settings: LoopSettings;
  /** named models (names become folder names in checkpoints) */
  models: Record<string, tfl.LayersModel>;
  /** networks held as plain variables instead (trained and untrained ones, e.g. batch-norm statistics) */
  parameters?: Record<string, ParameterSet>;
  optimizers: Record<string, tf.Optimizer>;
  /** models whose exponential moving average the loop keeps, with the decay */
  ema?: Record<string, number>;
  /** one step of the schedule (e.g. k critic updates and one generator update); returns named losses */
  step(env: StepEnv): LossValues;
  /** a preview (an image batch, points) from the models, in which EMA copies stand for their models */
  preview?(models: Record<string, tfl.LayersModel>): tf.Tensor;
  /** columns of the preview grid (default: about square) */
  previewColumns?: number;
  /** frees what the variant allocated for itself (fixed preview noise) */
  dispose?(): void;
}

/** Called as training goes (the same callbacks trainGan takes). */
export type LoopCallbacks = TrainCallbacks;

export interface LoopOptions {
  callbacks?: LoopCallbacks;
  /** directory for checkpoints, metrics.jsonl and samples/ (needs '@gantry/core/node') */
  runDir?: string;
  /** any other place to put them (memoryRunStore() in a browser or test) */
  store?: RunStore;
  /** default 'auto': a bar on a terminal, periodic lines otherwise; or a reporter from createProgress() */
  progress?: ProgressMode | ProgressReporter;
  /**
   * Stops training after the current step when aborted (Ctrl-C, a stop button, a time budget); that
   * step still gets its metrics line, preview and checkpoint, so a resume continues from it.
   */
  signal?: AbortSignal;
  /** data-parallel processes training this run together (docs/distributed.md); default one process */
  replicas?: Replicas;
}

export interface LoopResult {
  models: Record<string, tfl.LayersModel>;
  /** copies of the models whose EMA was kept, carrying the EMA weights */
  emaModels: Record<string, tfl.LayersModel>;
  step: number;
  /** true when an AbortSignal ended the run early */
  stopped: boolean;
  /** losses of the last step */
  losses: LossValues;
  rngState: ReturnType<Rng['state']>;
}

interface Averaged { model: tfl.LayersModel; ema: Ema; copy: tfl.LayersModel }

interface RunState {
  t: Trainable;
  rng: Rng;
  step: number;
  averaged: Record<string, Averaged>;
  store?: RunStore;
  /** the step of the checkpoint resumed from */
  resumedFrom?: number;
  replicas: Replicas;
}

/** The run's options with `report` called after each step that `due` picks: a variant's own progress callback. */
export function reportingSteps(run: LoopOptions, due: (step: number) => boolean, report: ((info: StepInfo) => void) | undefined): LoopOptions {
  if (!report) return run;
  return {
    ...run,
    callbacks: {
      ...run.callbacks,
      onStep: async (info) => {
        await run.callbacks?.onStep?.(info);
        if (due(info.step)) report(info);
      },
    },
  };
}

export function pickStore(o: LoopOptions): RunStore | undefined {
  if (o.store && o.runDir) throw new Error('pass either runDir or store, not both');
  return o.store ?? (o.runDir !== undefined ? storeForRunDir(o.runDir) : undefined);
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer, got ${steps}`);
}

function checkNames(t: Trainable): void {
  const names = [...Object.keys(t.models), ...Object.keys(t.parameters ?? {}), ...Object.keys(t.optimizers)];
  const bad = names.find((n) => !PART_NAME.test(n));
  if (bad) throw new Error(`${t.kind}: model, parameter-set and optimizer names must be letters, digits and "_" (they name files), got "${bad}"`);
  const unknown = Object.keys(t.ema ?? {}).find((n) => !(n in t.models));
  if (unknown) throw new Error(`${t.kind}: EMA of "${unknown}", which is not one of its models (${Object.keys(t.models).join(', ')})`);
}

async function averagedModels(t: Trainable, saved?: Checkpoint): Promise<Record<string, Averaged>> {
  const out: Record<string, Averaged> = {};
  for (const [name, decay] of Object.entries(t.ema ?? {})) {
    if (!(decay > 0 && decay < 1)) throw new Error(`${t.kind}: EMA decay of "${name}" must lie in (0, 1), got ${decay}`);
    const model = t.models[name];
    const blob = saved?.ema[name];
    const initial = blob ? blobToTensors(blob, `EMA of ${name}`).map((n) => n.tensor) : undefined;
    try {
      out[name] = { model, ema: createEma(model, decay, initial), copy: await modelFromBlob(await modelToBlob(model)) };
    } finally {
      tf.dispose(initial ?? []);
    }
  }
  return out;
}

async function makeCheckpoint(s: RunState, totalSteps: number, losses: LossValues): Promise<Checkpoint> {
  const { t } = s;
  const models: Checkpoint['models'] = {};
  for (const [name, model] of Object.entries(t.models)) models[name] = await modelToBlob(model);
  const parameters: Checkpoint['parameters'] = {};
  for (const [name, set] of Object.entries(t.parameters ?? {})) parameters[name] = await tensorsToBlob(set.variables.map((v) => ({ name: v.name, tensor: v })));
  const optimizers: Checkpoint['optimizers'] = {};
  const optimizerScalars: Record<string, Record<string, number>> = {};
  for (const [name, optimizer] of Object.entries(t.optimizers)) {
    const o = await optimizerState(optimizer);
    optimizers[name] = o.blob;
    optimizerScalars[name] = o.scalars;
  }
  const ema: Checkpoint['ema'] = {};
  for (const [name, a] of Object.entries(s.averaged)) {
    ema[name] = await tensorsToBlob(a.ema.shadow.map((v, i) => ({ name: a.model.weights[i].originalName, tensor: v })));
  }
  return {
    state: {
      format: CHECKPOINT_FORMAT, kind: t.kind, step: s.step, totalSteps, rng: s.rng.state(), config: t.config, losses,
      createdAt: new Date().toISOString(), models: Object.keys(models), parameters: Object.keys(parameters), optimizers: Object.keys(optimizers),
      ema: Object.keys(ema), optimizerScalars,
    },
    models, parameters, optimizers, ema,
  };
}

/**
 * Sets every optimizer's rate for `step` from the rate it was built with. The schedule is a pure
 * function of the step and the run's length, so a resumed run needs no saved schedule state.
 */
function learningRateSchedule(t: Trainable, totalSteps: number): (step: number) => void {
  const decay = t.settings.learningRateDecay;
  const optimizers = Object.values(t.optimizers);
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

async function writePreview(s: RunState, step: number, cb: LoopCallbacks): Promise<void> {
  const models = { ...s.t.models };
  for (const [name, a] of Object.entries(s.averaged)) {
    a.ema.copyTo(a.copy);
    models[name] = a.copy;
  }
  const images = tf.tidy(() => s.t.preview!(models));
  try {
    const location = await s.store?.saveSamples(step, images, s.t.previewColumns);
    await cb.onSample?.({ step, images, location });
  } finally {
    images.dispose();
  }
}

/** Every rank starts from rank 0's initial weights, whatever its initializers drew. */
function broadcastInitialWeights(t: Trainable, replicas: Replicas): void {
  if (replicas.worldSize === 1) return;
  replicas.broadcast([
    ...Object.values(t.models).flatMap((m) => m.weights.map((w) => w.read())),
    ...Object.values(t.parameters ?? {}).flatMap((set) => set.variables),
  ]);
}

/** Only rank 0 writes the run's files. */
function storeOf(o: LoopOptions): RunStore | undefined {
  const store = pickStore(o);
  return (o.replicas?.rank ?? 0) === 0 ? store : undefined;
}

async function runLoop(s: RunState, o: LoopOptions, totalSteps: number): Promise<LoopResult> {
  const { t, store } = s;
  const { settings } = t;
  const { replicas } = s;
  const cb = o.callbacks ?? {};
  // the other ranks hold the same weights: rank 0 alone reports, previews and writes
  const leader = replicas.rank === 0;
  const progress: ProgressReporter = !leader ? createProgress('off') : typeof o.progress === 'object' ? o.progress : createProgress(o.progress ?? 'auto');
  const wantPreview = leader && t.preview !== undefined && settings.sampleEvery > 0 && (store !== undefined || cb.onSample !== undefined);
  let losses: LossValues = {};
  const started = performance.now();
  const startStep = s.step;
  let lastYield = started;
  let lastCheckpoint = s.resumedFrom;
  const scheduleStep = learningRateSchedule(t, totalSteps);
  await store?.beginRun(s.step);
  await store?.appendMetrics({
    event: s.step === 0 ? 'start' : 'resume', step: s.step, totalSteps, kind: t.kind, config: t.config, backend: tf.getBackend(),
    time: new Date().toISOString(),
  });
  let step = s.step;
  let stopRequested = agreeToStop(replicas, o.signal?.aborted === true);
  if (settings.syncBatchNorm) for (const model of Object.values(t.models)) synchroniseBatchNorm(model);
  const syncedReplicas = settings.syncBatchNorm ? replicas : SINGLE_PROCESS;
  try {
    while (s.step < totalSteps && !stopRequested) {
      step = s.step + 1;
      scheduleStep(step);
      losses = withSyncedBatchNorm(syncedReplicas, () => t.step({ step, totalSteps, rng: s.rng, replicas }));
      for (const a of Object.values(s.averaged)) a.ema.update(a.model);
      if (step % settings.guardEvery === 0) {
        for (const [name, model] of Object.entries(t.models)) assertFiniteWeights(step, model, name);
        for (const [name, set] of Object.entries(t.parameters ?? {})) assertFiniteVariables(step, set.variables, name);
      }
      s.step = step;
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
      stopRequested = agreeToStop(replicas, o.signal?.aborted === true);
      const last = step === totalSteps || stopRequested;
      if (store && (step % settings.logEvery === 0 || last)) {
        await store.appendMetrics({ step, ...losses, stepsPerSecond: info.stepsPerSecond, seconds });
      }
      if (wantPreview && (step % settings.sampleEvery === 0 || last)) await writePreview(s, step, cb);
      if (store && ((settings.checkpointEvery > 0 && step % settings.checkpointEvery === 0) || last)) {
        const location = await store.saveCheckpoint(await makeCheckpoint(s, totalSteps, losses), settings.keepCheckpoints);
        lastCheckpoint = step;
        await cb.onCheckpoint?.({ step, location });
      }
      if (last) break;
    }
  } catch (err) {
    describeLeftBehind(err, store, lastCheckpoint);
    progress.message(`training stopped: ${(err as Error).message}`);
    await store?.appendMetrics({ event: 'error', step, message: (err as Error).message, time: new Date().toISOString() }).catch(() => undefined);
    throw err;
  } finally {
    progress.done();
    t.dispose?.();
    // the shadows end in the EMA copies, which the result hands over
    for (const a of Object.values(s.averaged)) {
      a.ema.copyTo(a.copy);
      a.ema.dispose();
    }
  }
  const stopped = s.step < totalSteps;
  if (stopped) progress.message(`training stopped at step ${s.step} of ${totalSteps}`);
  await cb.onEnd?.({ step: s.step });
  const emaModels = Object.fromEntries(Object.entries(s.averaged).map(([name, a]) => [name, a.copy]));
  return { models: t.models, emaModels, step: s.step, stopped, losses, rngState: s.rng.state() };
}

/**
 * Trains a variant from step 0 for `steps` steps. The run's RNG is createRng(settings.seed), or `rng` when
 * the variant drew its initial weights from the same stream first.
 */
export async function startTraining(t: Trainable, o: LoopOptions & { steps: number; rng?: Rng }): Promise<LoopResult> {
  checkSteps(o.steps);
  checkNames(t);
  const store = storeOf(o);
  if (store && (await store.loadLatestCheckpoint())) {
    throw new Error(`${store.location} already holds a run's checkpoints; resume it, or pick a new run directory`);
  }
  const replicas = o.replicas ?? SINGLE_PROCESS;
  broadcastInitialWeights(t, replicas);
  const state: RunState = { t, rng: o.rng ?? createRng(t.settings.seed), step: 0, averaged: await averagedModels(t), store, replicas };
  return runLoop(state, o, o.steps);
}

/** The newest checkpoint of a store, checked to be of the given kind; null when there is none. */
export async function latestCheckpointOf(store: RunStore, kind: string): Promise<Checkpoint | null> {
  const checkpoint = await store.loadLatestCheckpoint();
  if (!checkpoint) return null;
  const { state } = checkpoint;
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`${store.location}: unknown checkpoint format ${state.format}`);
  if (state.kind !== kind) throw new Error(`${store.location} holds a "${state.kind}" run, not "${kind}"`);
  return checkpoint;
}

/** Writes saved values into a parameter set's variables, in order; counts and shapes must match. */
export function restoreParameters(set: ParameterSet, blob: TensorBlob, name: string): void {
  const saved = blobToTensors(blob, `parameters "${name}"`);
  try {
    if (saved.length !== set.variables.length) throw new Error(`parameters "${name}": the checkpoint has ${saved.length} variables, the variant ${set.variables.length}`);
    set.variables.forEach((v, i) => {
      if (v.shape.join(',') !== saved[i].tensor.shape.join(',')) {
        throw new Error(`parameters "${name}": variable ${i} has shape [${saved[i].tensor.shape}] in the checkpoint, [${v.shape}] in the variant`);
      }
      v.assign(saved[i].tensor);
    });
  } finally {
    tf.dispose(saved.map((s) => s.tensor));
  }
}

/** The store and newest checkpoint a resume of `kind` continues from; errors say what is missing. */
export async function checkpointToResume(kind: string, o: LoopOptions, what: string): Promise<{ store: RunStore; checkpoint: Checkpoint }> {
  const store = pickStore(o);
  if (!store) throw new Error(`${what} needs a runDir or a store`);
  const checkpoint = await latestCheckpointOf(store, kind);
  if (!checkpoint) throw new Error(`no checkpoint to resume from in ${store.location}`);
  return { store, checkpoint };
}

/** A table variant's checkpoint remembers the data's shape; resuming on other data is refused. */
export function requireSameShape(saved: { rows: number; cols: number }, data: { rows: number; cols: number }, where: string): void {
  if (saved.rows !== data.rows || saved.cols !== data.cols) {
    throw new Error(`${where} was trained on ${saved.rows} x ${saved.cols} data, not ${data.rows} x ${data.cols}`);
  }
}

/**
 * Continues from a checkpoint: `t` (rebuilt by the variant from the checkpoint's config) gets the saved
 * weights, optimizer slots, EMA shadows, RNG and step, so the rest of the run matches an uninterrupted one
 * bit for bit.
 */
export async function continueTraining(t: Trainable, checkpoint: Checkpoint, o: LoopOptions & { steps?: number }): Promise<LoopResult> {
  checkNames(t);
  const { state } = checkpoint;
  const store = storeOf(o);
  const where = store?.location ?? 'the checkpoint';
  const totalSteps = o.steps ?? state.totalSteps;
  checkSteps(totalSteps);
  if (totalSteps < state.step) throw new Error(`cannot resume to step ${totalSteps}: ${where} is already at step ${state.step}`);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((n) => b.includes(n));
  const parts = (models: string[], parameters: string[], optimizers: string[]) =>
    `models [${models.join(', ')}], parameters [${parameters.join(', ')}] and optimizers [${optimizers.join(', ')}]`;
  const parameterNames = Object.keys(t.parameters ?? {});
  if (!same(state.models, Object.keys(t.models)) || !same(state.parameters, parameterNames) || !same(state.optimizers, Object.keys(t.optimizers))) {
    throw new Error(`${where}: the checkpoint holds ${parts(state.models, state.parameters, state.optimizers)}; ` +
      `this ${t.kind} has ${parts(Object.keys(t.models), parameterNames, Object.keys(t.optimizers))}`);
  }
  for (const [name, model] of Object.entries(t.models)) loadBlobIntoModel(model, checkpoint.models[name]);
  for (const [name, set] of Object.entries(t.parameters ?? {})) restoreParameters(set, checkpoint.parameters[name], name);
  for (const [name, optimizer] of Object.entries(t.optimizers)) {
    await restoreOptimizer(optimizer, checkpoint.optimizers[name], state.optimizerScalars[name] ?? {}, `optimizer "${name}"`);
  }
  // every rank restores the same checkpoint, so nothing needs broadcasting
  const s: RunState = {
    t, rng: restoreRng(state.rng), step: state.step, averaged: await averagedModels(t, checkpoint), store, resumedFrom: state.step,
    replicas: o.replicas ?? SINGLE_PROCESS,
  };
  return runLoop(s, o, totalSteps);
}
