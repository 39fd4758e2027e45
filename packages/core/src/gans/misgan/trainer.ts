// MisGAN as a variant of the one training loop: six dense networks (a data generator G_x, a mask generator G_m
// and an imputer I, each against its own WGAN-GP critic D_x, D_m, D_i), trained from incomplete data only.
// One loop step follows the authors' misgan_impute.py: `criticSteps` critic updates, each on a fresh batch,
// then one update of each player, each on fresh noise:
//   D_x, D_m:  min  W(masked real, masked fake) + gp          W(real masks, G_m)  + gp
//   D_i:       min  W(G_x, completed)  + gp
//   G_m:       min  -D_m(G_m)  + alpha * -D_x(mask(G_x, G_m))
//   G_x:       min  -D_x(mask(G_x, G_m))  + beta * D_i(G_x)
//   I:         min  -D_i(x m + I(x, m, w) (1 - m))  + gamma * mean over observed entries of (I(x, m, w) - x)^2
// G_x's beta term is the paper's (eq. 8: min over G_x of L_x + beta L_I, L_I = E D_i(G_x) - E D_i(completed)).
// The authors' code adds beta * -D_i(completed) instead, whose gradient with respect to G_x is zero; beta = 0
// here trains as their code does.
//
// Their tabular setup is not in their code (MNIST, CIFAR-10 and CelebA only): the networks here are their fully
// connected MNIST ones ('fc' generator and critic, the complement imputer) at a width chosen for tables; data
// scaled to [0, 1] per column on observed values (as GAIN), tau = 0, sigmoid masks at temperature 0.66, Adam
// (0.5, 0.9) at 1e-4 and 2e-4 for the imputer and its critic, 5 critic updates, gradient penalty 10,
// alpha = beta = 0.1 (misgan_impute.py's defaults), PyTorch's default initialisation.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { adam } from '../../optimizers.js';
import { createRng, forkRng, randomNormal, randomUniform, restoreRng, type Rng } from '../../random.js';
import { checkMatrix, requireEveryColumnObserved, type NumericMatrix } from '../../tabular/matrix.js';
import { discreteColumns, fitMinMax, scaleMinMax } from '../../tabular/scaling.js';
import {
  checkpointToResume, continueTraining, reportingSteps, requireSameShape, startTraining, type LoopOptions, type LoopResult, type StepEnv, type Trainable,
} from '../../train/loop.js';
import { checkShardable, takeShard } from '../../train/replicas.js';
import type { LossValues } from '../../train/types.js';
import { minimize, term } from '../../train/update.js';
import { MisganImputer, observedAndMask } from './imputer.js';
import { misganModels, runNetwork, type MisganArchitecture } from './models.js';
import { complete, criticLoss, criticOf, imputeBatch, imputerOutput, maskData, maskProbabilities, observedMismatch, playerLoss } from './losses.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const MISGAN_KIND = 'misgan';
const DEFAULT_STEPS = 2000;

export interface MisganOptions {
  seed: number;
  /** Loop steps: each is `criticSteps` critic updates and one update of each player. Default 2000. */
  steps?: number;
  /** Default 64 (the authors'). */
  batchSize?: number;
  /** Critic updates per step. Default 5. */
  criticSteps?: number;
  /** Noise size of both generators. Default 32 (the authors' 128 is for 784 pixels). */
  latentDim?: number;
  /**
   * 'dense' (default): fully connected networks of `width` units; 'conv28': the authors' convolutional MNIST
   * generators and critics with `width` filters (theirs: 64) on rows of 28 x 28 pixels (./models.ts).
   */
  architecture?: MisganArchitecture;
  /** Hidden width of every dense network (two hidden layers; the imputer three, as the authors'), or conv28's filters. Default 128. */
  width?: number;
  /** Weight of the data critic's term in the mask generator's loss. Default 0.1. */
  alpha?: number;
  /** Weight of the imputer game's term in the data generator's loss. Default 0.1. */
  beta?: number;
  /** Weight of the imputer's squared error on observed entries (the authors' --gamma). Default 0, as theirs. */
  gamma?: number;
  /** What the critics see in place of hidden entries. Default 0. */
  tau?: number;
  /** Gradient-penalty weight of the three critics. Default 10. */
  gpWeight?: number;
  /** The mask generator's sigmoid temperature. Default 0.66. */
  temperature?: number;
  /** Adam step size of the generators and their critics (default 1e-4) and of the imputer and its critic (default 2e-4). */
  learningRate?: number;
  imputerLearningRate?: number;
  /** Fraction of the run over which every step size falls linearly to 0 at its end. Default 0. */
  learningRateDecay?: number;
  /** Decay of an exponential moving average of the imputer's weights; the result imputes with it. Default: none. */
  imputerAverage?: number;
  /** Columns rounded after imputation; default: discreteColumns() of the training data. */
  roundColumns?: readonly boolean[];
  /** Checkpoint every N steps when training into a runDir or store (default: only at the end). */
  checkpointEvery?: number;
}

export interface MisganRunOptions extends LoopOptions {
  /** Called with the step's losses every progressEvery steps (default 100), at step 1 and at the last. */
  onProgress?: (p: { step: number; losses: LossValues }) => void;
  progressEvery?: number;
}

interface MisganConfig extends Omit<MisganOptions, 'roundColumns'> { roundColumns: boolean[]; rows: number; cols: number }

function resolveOptions(options: MisganOptions) {
  const what = 'trainMisgan';
  const o = {
    steps: options.steps ?? DEFAULT_STEPS, batchSize: options.batchSize ?? 64, criticSteps: options.criticSteps ?? 5,
    latentDim: options.latentDim ?? 32, width: options.width ?? 128, architecture: options.architecture ?? 'dense', alpha: options.alpha ?? 0.1, beta: options.beta ?? 0.1, gamma: options.gamma ?? 0,
    tau: options.tau ?? 0, gpWeight: options.gpWeight ?? 10, temperature: options.temperature ?? 0.66,
    learningRate: options.learningRate ?? 1e-4, imputerLearningRate: options.imputerLearningRate ?? 2e-4,
    learningRateDecay: options.learningRateDecay ?? 0, checkpointEvery: options.checkpointEvery ?? 0, imputerAverage: options.imputerAverage,
  };
  for (const [name, min] of [['steps', 0], ['batchSize', 1], ['criticSteps', 1], ['latentDim', 1], ['width', 1], ['checkpointEvery', 0]] as const) {
    const v = o[name];
    requireIntegerAtLeast(what, name, v, min);
  }
  for (const name of ['alpha', 'beta', 'gamma', 'gpWeight'] as const) if (!(o[name] >= 0)) throw new Error(`${what}: ${name} must be >= 0, got ${o[name]}`);
  for (const name of ['temperature', 'learningRate', 'imputerLearningRate'] as const) if (!(o[name] > 0)) throw new Error(`${what}: ${name} must be > 0, got ${o[name]}`);
  if (!Number.isFinite(o.tau)) throw new Error(`${what}: tau must be a finite number, got ${o.tau}`);
  if (!(o.learningRateDecay >= 0 && o.learningRateDecay <= 1)) throw new Error(`${what}: learningRateDecay must lie in [0, 1], got ${o.learningRateDecay}`);
  const average = o.imputerAverage;
  if (average !== undefined && !(average > 0 && average < 1)) throw new Error(`${what}: imputerAverage must lie in (0, 1), got ${average}`);
  return o;
}

/** MisGAN as the loop sees it, with the run's RNG after the weights were drawn from it and what the imputer needs. */
export function misganTrainable(data: NumericMatrix, options: MisganOptions): { trainable: Trainable; rng: Rng; imputer(model: tfl.LayersModel, rng: Rng): MisganImputer } {
  checkMatrix(data, 'trainMisgan');
  requireEveryColumnObserved(data, 'trainMisgan');
  const o = resolveOptions(options);
  const dim = data.cols;
  const rounded = [...(options.roundColumns ?? discreteColumns(data))];
  if (rounded.length !== dim) throw new Error(`trainMisgan: roundColumns has ${rounded.length} entries for ${dim} columns`);
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(data);
  const { x: observed, mask: observedMask } = observedAndMask(scaleMinMax(scaler, data).values);
  const models = { ...misganModels(o.architecture, initRng, { dim, latentDim: o.latentDim, width: o.width }) };
  const { dataGenerator, maskGenerator, imputer } = models;
  const [dataCritic, maskCritic, imputerCritic] = [criticOf(models.dataCritic), criticOf(models.maskCritic), criticOf(models.imputerCritic)];
  // one Adam per update: a tfjs Adam's bias correction advances once per applied update, so two updates may not share one
  const opt = (lr: number) => adam(lr, 0.5, 0.9);
  const optimizers = {
    critics: opt(o.learningRate), imputerCritic: opt(o.imputerLearningRate),
    maskGenerator: opt(o.learningRate), dataGenerator: opt(o.learningRate), imputer: opt(o.imputerLearningRate),
  };
  const xBuf = new Float32Array(o.batchSize * dim);
  const mBuf = new Float32Array(o.batchSize * dim);

  /** A full batch (rows drawn with replacement, both generators' noise, the imputer's noise), this rank's rows kept. */
  const draw = (env: StepEnv) => {
    for (let r = 0; r < o.batchSize; r++) {
      const row = env.rng.int(data.rows);
      xBuf.set(observed.subarray(row * dim, (row + 1) * dim), r * dim);
      mBuf.set(observedMask.subarray(row * dim, (row + 1) * dim), r * dim);
    }
    const mine = <T extends tf.Tensor>(t: T) => takeShard(t, env.replicas) as unknown as tf.Tensor2D;
    return {
      x: mine(tf.tensor2d(xBuf, [o.batchSize, dim])), mask: mine(tf.tensor2d(mBuf, [o.batchSize, dim])),
      zData: mine(randomNormal(env.rng, [o.batchSize, o.latentDim])), zMask: mine(randomNormal(env.rng, [o.batchSize, o.latentDim])),
      noise: mine(randomUniform(env.rng, [o.batchSize, dim])),
    };
  };
  const generateData = (z: tf.Tensor2D): tf.Tensor2D => tf.sigmoid(runNetwork(dataGenerator, z));
  const generateMask = (z: tf.Tensor2D): tf.Tensor2D => maskProbabilities(runNetwork(maskGenerator, z), o.temperature);

  const criticUpdate = (env: StepEnv): LossValues => {
    const b = draw(env);
    // the players are fixed during the critics' updates: their outputs are computed once, outside the gradients
    const fixed = tf.tidy(() => {
      const [fakeX, fakeM] = [generateData(b.zData), generateMask(b.zMask)];
      return { maskedReal: maskData(b.x, b.mask, o.tau), maskedFake: maskData(fakeX, fakeM, o.tau), fakeM, fakeX, completed: imputeBatch(imputer, b.x, b.mask, b.noise) };
    });
    try {
      const { rng: r, replicas } = env;
      const gp = o.gpWeight;
      const d = minimize(env, [models.dataCritic, models.maskCritic], optimizers.critics, (p) => tf.add(
        criticLoss(p, 'd/data', dataCritic, fixed.maskedReal, fixed.maskedFake, r, gp, replicas),
        criticLoss(p, 'd/mask', maskCritic, b.mask, fixed.fakeM, r, gp, replicas)));
      const di = minimize(env, models.imputerCritic, optimizers.imputerCritic, (p) => criticLoss(p, 'd/impute', imputerCritic, fixed.fakeX, fixed.completed, r, gp, replicas));
      return { ...d, ...di };
    } finally {
      tf.dispose([...Object.values(b), ...Object.values(fixed)]);
    }
  };

  const playerUpdates = (env: StepEnv): LossValues => {
    const b = draw(env);
    const z2 = { data: takeShard(randomNormal(env.rng, [o.batchSize, o.latentDim]), env.replicas) as tf.Tensor2D,
      mask: takeShard(randomNormal(env.rng, [o.batchSize, o.latentDim]), env.replicas) as tf.Tensor2D };
    try {
      const { alpha, beta, tau } = o;
      const gm = minimize(env, maskGenerator, optimizers.maskGenerator, (p) => { const m = generateMask(b.zMask);
        return tf.add(term(p, 'g/mask', playerLoss(maskCritic, m)), tf.mul(alpha, term(p, 'g/mask_data', playerLoss(dataCritic, maskData(generateData(b.zData), m, tau))))); });
      const gx = minimize(env, dataGenerator, optimizers.dataGenerator, (p) => { const x = generateData(z2.data);
        return tf.add(term(p, 'g/data', playerLoss(dataCritic, maskData(x, generateMask(z2.mask), tau))), tf.mul(beta, term(p, 'g/data_impute', tf.mean(imputerCritic(x))))); });
      const gi = minimize(env, imputer, optimizers.imputer, (p) => { const out = imputerOutput(imputer, b.x, b.mask, b.noise);
        const adversarial = term(p, 'g/impute', playerLoss(imputerCritic, complete(b.x, b.mask, out)));
        return o.gamma === 0 ? adversarial : tf.add(adversarial, tf.mul(o.gamma, term(p, 'g/impute_observed', observedMismatch(b.x, b.mask, out)))); });
      return { ...gm, ...gx, ...gi };
    } finally {
      tf.dispose([...Object.values(b), z2.data, z2.mask]);
    }
  };

  const config: MisganConfig = { ...options, roundColumns: rounded, rows: data.rows, cols: dim };
  const trainable: Trainable = {
    kind: MISGAN_KIND,
    config,
    settings: {
      seed: options.seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10,
      guardEvery: 10, learningRateDecay: o.learningRateDecay,
    },
    models,
    optimizers,
    ema: o.imputerAverage ? { imputer: o.imputerAverage } : undefined,
    step(env) {
      checkShardable(o.batchSize, env.replicas);
      let d: LossValues = {};
      for (let k = 0; k < o.criticSteps; k++) d = criticUpdate(env);
      return { ...d, ...playerUpdates(env) };
    },
  };
  return { trainable, rng, imputer: (model, endRng) => new MisganImputer(model, scaler, rounded, forkRng(endRng)) };
}

function withProgress(run: MisganRunOptions, steps: number): LoopOptions {
  const every = run.progressEvery ?? 100;
  const report = run.onProgress;
  return reportingSteps(run, (step) => step === 1 || step % every === 0 || step === steps, report && (({ step, losses }) => report({ step, losses })));
}

/** The imputer from a finished run (its weight average when kept); the rest is released. */
function imputerOf(r: LoopResult, t: Trainable, make: (model: tfl.LayersModel, rng: Rng) => MisganImputer): MisganImputer {
  const averaged = r.emaModels.imputer;
  for (const [name, model] of Object.entries(r.models)) if (name !== 'imputer' || averaged) model.dispose();
  for (const optimizer of Object.values(t.optimizers)) optimizer.dispose();
  return make(averaged ?? r.models.imputer, restoreRng(r.rngState));
}

/** Trains MisGAN on data with NaN for missing entries (every column needs an observed value); returns its imputer. */
export async function trainMisgan(data: NumericMatrix, options: MisganOptions, run: MisganRunOptions = {}): Promise<MisganImputer> {
  const { trainable, rng, imputer } = misganTrainable(data, options);
  const steps = options.steps ?? DEFAULT_STEPS;
  try {
    const r = await startTraining(trainable, { ...withProgress(run, steps), progress: run.progress ?? 'off', steps, rng });
    return imputerOf(r, trainable, imputer);
  } catch (e) {
    for (const model of Object.values(trainable.models)) model.dispose();
    throw e;
  }
}

/** Continues a MisGAN run from its newest checkpoint on the same data; the result equals an uninterrupted run's. */
export async function resumeMisgan(data: NumericMatrix, run: MisganRunOptions & { steps?: number }): Promise<MisganImputer> {
  const { store, checkpoint } = await checkpointToResume(MISGAN_KIND, run, 'resumeMisgan');
  const config = checkpoint.state.config as MisganConfig;
  requireSameShape(config, data, store.location);
  const { trainable, imputer } = misganTrainable(data, config);
  const steps = run.steps ?? checkpoint.state.totalSteps;
  const r = await continueTraining(trainable, checkpoint, { ...withProgress(run, steps), store, runDir: undefined, progress: run.progress ?? 'off', steps });
  return imputerOf(r, trainable, imputer);
}
