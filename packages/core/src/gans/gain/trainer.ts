// GAIN as a variant of the one training loop: two dense networks of the reference's shape, Adam for
// each, and a step of one D update then one G update on a fresh batch:
//   lossD = mask cross-entropy        lossG = adversarial + alpha * reconstruction
// The loop brings checkpoints, resume, the divergence guard, the rate decay and G's weight average.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { denseNetwork, type DenseHiddenActivation } from '../../models/dense-network.js';
import { adam } from '../../optimizers.js';
import { createRng, forkRng, restoreRng, type Rng } from '../../random.js';
import { checkMatrix, requireEveryColumnObserved, type NumericMatrix } from '../../tabular/matrix.js';
import { discreteColumns, fitMinMax, scaleMinMax } from '../../tabular/scaling.js';
import {
  checkpointToResume, continueTraining, reportingSteps, requireSameShape, startTraining, type LoopOptions, type LoopResult, type Trainable,
} from '../../train/loop.js';
import { shardRows, type Replicas } from '../../train/replicas.js';
import { minimize, term } from '../../train/update.js';
import { GainImputer, noisyInputs } from './imputer.js';
import {
  disposeGainBatch, gainBatchTensors, gainDiscriminatorLoss, gainGenerate, gainGeneratorLoss, type GainBatch, type GainBatchTensors,
} from './losses.js';

export const GAIN_KIND = 'gain';
/** The paper's (and the reference code's) training length. */
const DEFAULT_ITERATIONS = 10000;

export interface GainOptions {
  seed: number;
  /** Training iterations (one D and one G update each). Paper: 10000. */
  iterations?: number;
  batchSize?: number;
  /** Probability that the hint reveals an entry's mask value. Paper: 0.9. */
  hintRate?: number;
  /** Weight of the reconstruction loss on observed entries. Paper: 100. */
  alpha?: number;
  /**
   * 'code' (default): h = b * m and both losses over all entries, as in the authors' published code.
   * 'paper': h = b * m + 0.5 (1 - b) and the adversarial losses only over entries with b = 0, as in the
   * paper's Section 4 / Algorithm 1.
   */
  hint?: 'code' | 'paper';
  /** Hidden width; default = number of columns. */
  hiddenDim?: number;
  /** Hidden layers' activation of both networks: 'relu' (default, the authors' code) or 'tanh' (the paper). */
  hiddenActivation?: DenseHiddenActivation;
  /** Adam step size of both networks (default 1e-3, the reference's TF default). */
  learningRate?: number;
  /** Fraction of the run over which both step sizes fall linearly to 0 at its end. Default 0 (as published). */
  learningRateDecay?: number;
  /**
   * Decay of an exponential moving average of G's weights, updated after every step; the imputer uses the
   * average. Default: none (the last weights, as published).
   */
  generatorAverage?: number;
  /** Columns rounded after imputation; default: discreteColumns() of the training data. */
  roundColumns?: readonly boolean[];
  /** Checkpoint every N iterations when training into a runDir or store (default: only at the end). */
  checkpointEvery?: number;
}

/** What the loop options add for GAIN: progress every progressEvery iterations (default 1000). */
export interface GainRunOptions extends Omit<LoopOptions, 'progress'> {
  onProgress?: (p: GainProgress) => void;
  progressEvery?: number;
  progress?: LoopOptions['progress'];
}

export interface GainProgress {
  iteration: number;
  discriminatorLoss: number;
  generatorAdversarialLoss: number;
  reconstructionMse: number;
}

/** GAIN's config as checkpoints keep it: the options and the shape of the data it was trained on. */
interface GainConfig extends Omit<GainOptions, 'roundColumns'> { roundColumns: boolean[]; rows: number; cols: number }

function resolveOptions(data: NumericMatrix, options: GainOptions) {
  const what = 'trainGain';
  const o = {
    iterations: options.iterations ?? DEFAULT_ITERATIONS, batchSize: options.batchSize ?? 128, hintRate: options.hintRate ?? 0.9,
    alpha: options.alpha ?? 100, hidden: options.hiddenDim ?? data.cols, learningRate: options.learningRate ?? 1e-3,
    hint: options.hint ?? 'code', learningRateDecay: options.learningRateDecay ?? 0, generatorAverage: options.generatorAverage,
    checkpointEvery: options.checkpointEvery ?? 0,
  };
  const integer = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`${what}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${v}`);
  };
  integer('iterations', o.iterations, 0);
  integer('batchSize', o.batchSize, 1);
  integer('hiddenDim', o.hidden, 1);
  integer('checkpointEvery', o.checkpointEvery, 0);
  if (!(o.hintRate >= 0 && o.hintRate <= 1)) throw new Error(`${what}: hintRate must lie in [0, 1], got ${o.hintRate}`);
  if (!(o.alpha >= 0)) throw new Error(`${what}: alpha must be >= 0, got ${o.alpha}`);
  if (!(o.learningRate > 0)) throw new Error(`${what}: learningRate must be > 0, got ${o.learningRate}`);
  if (o.hint !== 'code' && o.hint !== 'paper') throw new Error(`${what}: hint must be 'code' or 'paper', got ${JSON.stringify(o.hint)}`);
  if (!(o.learningRateDecay >= 0 && o.learningRateDecay <= 1)) throw new Error(`${what}: learningRateDecay must lie in [0, 1], got ${o.learningRateDecay}`);
  const average = o.generatorAverage;
  if (average !== undefined && !(average >= 0 && average < 1)) throw new Error(`${what}: generatorAverage must lie in [0, 1), got ${average}`);
  return o;
}

/**
 * This rank's rows of a full batch's tensors (consumed). The loss weights were normalised over the full
 * batch, so a rank's loss is its part of a sum: scaled by the world size, the ranks' mean is that sum.
 */
function shardGainBatch(full: GainBatchTensors, replicas: Replicas): GainBatchTensors {
  if (replicas.worldSize === 1) return full;
  const rows = (t: tf.Tensor2D) => shardRows(t, replicas);
  const weights = (t: tf.Tensor2D) => tf.tidy(() => tf.mul(rows(t), replicas.worldSize) as tf.Tensor2D);
  try {
    return {
      generatorInput: rows(full.generatorInput), observed: rows(full.observed), notMask: rows(full.notMask), mask: rows(full.mask),
      hint: rows(full.hint), discriminatorWeight: weights(full.discriminatorWeight), adversarialWeight: weights(full.adversarialWeight),
      reconstructionWeight: weights(full.reconstructionWeight),
    };
  } finally {
    disposeGainBatch(full);
  }
}

/** GAIN as the loop sees it, with the run's RNG after the weights were drawn from it and what the imputer needs. */
export function gainTrainable(data: NumericMatrix, options: GainOptions): { trainable: Trainable; rng: Rng; imputer(generator: tfl.LayersModel, rng: Rng): GainImputer } {
  checkMatrix(data, 'trainGain');
  requireEveryColumnObserved(data, 'trainGain');
  const o = resolveOptions(data, options);
  const dim = data.cols;
  const rounded = [...(options.roundColumns ?? discreteColumns(data))];
  if (rounded.length !== dim) throw new Error(`trainGain: roundColumns has ${rounded.length} entries for ${dim} columns`);
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(data);
  const scaled = scaleMinMax(scaler, data).values;
  const sizes = [2 * dim, o.hidden, o.hidden, dim];
  const generator = denseNetwork(initRng, sizes, { hiddenActivation: options.hiddenActivation });
  const discriminator = denseNetwork(initRng, sizes, { hiddenActivation: options.hiddenActivation });
  // tfjs Adam (core's adam(): the same math, one fused kernel per update on backends that have it) differs
  // from TF1's, the reference's, only in where epsilon enters: eps * sqrt(1 - beta2^t) vs eps.
  const optimizers = { generator: adam(o.learningRate, 0.9, 0.999, 1e-8), discriminator: adam(o.learningRate, 0.9, 0.999, 1e-8) };
  const rowsBuf = new Float64Array(o.batchSize * dim);

  const sampleBatch = (batchRng: Rng): GainBatch & { mask: Float32Array } => {
    for (let r = 0; r < o.batchSize; r++) {
      const row = batchRng.int(data.rows);
      rowsBuf.set(scaled.subarray(row * dim, (row + 1) * dim), r * dim);
    }
    const { x, mask } = noisyInputs(rowsBuf, batchRng);
    const hint = new Float32Array(mask.length);
    const lossWeight = o.hint === 'paper' ? new Float32Array(mask.length) : undefined;
    for (let k = 0; k < hint.length; k++) {
      const revealed = batchRng.next() < o.hintRate;
      if (lossWeight) {
        hint[k] = revealed ? mask[k] : 0.5;
        lossWeight[k] = revealed ? 0 : 1;
      } else {
        hint[k] = revealed ? mask[k] : 0;
      }
    }
    return { rows: o.batchSize, cols: dim, x, mask, hint, lossWeight };
  };

  const config: GainConfig = { ...options, roundColumns: rounded, rows: data.rows, cols: dim };
  const trainable: Trainable = {
    kind: GAIN_KIND,
    config,
    settings: {
      seed: options.seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 100,
      // every update's losses are checked; a weight scan costs kernels, so only now and then
      guardEvery: 100, learningRateDecay: o.learningRateDecay,
    },
    models: { generator, discriminator },
    optimizers,
    ema: o.generatorAverage ? { generator: o.generatorAverage } : undefined,
    step(env) {
      const batch = sampleBatch(env.rng);
      const t = shardGainBatch(gainBatchTensors(batch), env.replicas);
      try {
        // the D update leaves G unchanged, so G's output is computed once, outside D's gradient
        const generated = tf.tidy(() => gainGenerate(generator, t));
        let d;
        try {
          d = minimize(env, discriminator, optimizers.discriminator, (parts) => term(parts, 'd/mask', gainDiscriminatorLoss(discriminator, t, generated)));
        } finally {
          generated.dispose();
        }
        // a batch of only missing entries has no reconstruction target: no generator update for it
        if (!batch.mask.some((v) => v === 1)) return d;
        const g = minimize(env, generator, optimizers.generator, (parts) => {
          const loss = gainGeneratorLoss(discriminator, t, gainGenerate(generator, t), o.alpha);
          term(parts, 'g/adversarial', loss.adversarial);
          term(parts, 'g/reconstruction', loss.reconstruction);
          return loss.total;
        });
        return { ...d, ...g };
      } finally {
        disposeGainBatch(t);
      }
    },
  };
  return { trainable, rng, imputer: (g, endRng) => new GainImputer(g, scaler, rounded, forkRng(endRng)) };
}

/** The run options with GAIN's progress reports (iteration 0, every progressEvery, the last). */
function withProgress(run: GainRunOptions, iterations: number): LoopOptions {
  const every = run.progressEvery ?? 1000;
  const report = run.onProgress;
  return reportingSteps(run, (step) => (step - 1) % every === 0 || step === iterations, report && (({ step, losses: l }) => report({
    iteration: step - 1, discriminatorLoss: l['d/mask'], generatorAdversarialLoss: l['g/adversarial'] ?? NaN, reconstructionMse: l['g/reconstruction'] ?? NaN,
  })));
}

/** The imputer from a finished run: G's weight average when kept, else G; the rest is released. */
function imputerOf(r: LoopResult, t: Trainable, make: (g: tfl.LayersModel, rng: Rng) => GainImputer): GainImputer {
  const averaged = r.emaModels.generator;
  for (const model of [r.models.discriminator, ...(averaged ? [r.models.generator] : [])]) model.dispose();
  for (const optimizer of Object.values(t.optimizers)) optimizer.dispose();
  return make(averaged ?? r.models.generator, restoreRng(r.rngState));
}

/** Trains GAIN on data with NaN for missing entries. Every column needs at least one observed value. */
export async function trainGain(data: NumericMatrix, options: GainOptions, run: GainRunOptions = {}): Promise<GainImputer> {
  const { trainable, rng, imputer } = gainTrainable(data, options);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  try {
    const r = await startTraining(trainable, { ...withProgress(run, iterations), progress: run.progress ?? 'off', steps: iterations, rng });
    return imputerOf(r, trainable, imputer);
  } catch (e) {
    for (const model of Object.values(trainable.models)) model.dispose();
    throw e;
  }
}

/** Continues a GAIN run from its newest checkpoint on the same data; the result equals an uninterrupted run's. */
export async function resumeGain(data: NumericMatrix, run: GainRunOptions & { iterations?: number }): Promise<GainImputer> {
  const { store, checkpoint } = await checkpointToResume(GAIN_KIND, run, 'resumeGain');
  const config = checkpoint.state.config as GainConfig;
  requireSameShape(config, data, store.location);
  const { trainable, imputer } = gainTrainable(data, config);
  const iterations = run.iterations ?? checkpoint.state.totalSteps;
  const r = await continueTraining(trainable, checkpoint, { ...withProgress(run, iterations), store, runDir: undefined, progress: run.progress ?? 'off', steps: iterations });
  return imputerOf(r, trainable, imputer);
}
