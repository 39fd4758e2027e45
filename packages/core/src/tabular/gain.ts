// GAIN (Yoon, Jordon & van der Schaar, ICML 2018): a generator fills in missing entries given the observed
// ones and the mask; a discriminator guesses, entry by entry, which entries were observed, helped by a hint
// that reveals part of the mask. The generator also pays alpha x the squared error on observed entries.
//
// Follows the published recipe: [0, 1] min-max scaling on observed values, missing inputs replaced by
// U(0, 0.01) noise, both networks 3 dense layers of width = number of columns (ReLU, ReLU, sigmoid), Xavier
// normal initialisation, Adam (lr 1e-3), one D step then one G step per iteration, hint H = B * M with
// B ~ Bernoulli(hintRate) (as in the authors' code), discrete columns rounded after imputation.
// Runs on tfjs (tf ops, tf.variableGrads through optimizer.minimize, Adam), so on any tfjs backend.
import * as tf from '@tensorflow/tfjs-core';
import { adam, linearDecayRate, setLearningRate } from '../optimizers.js';
import { createRng, forkRng, type Rng } from '../random.js';
import { checkMatrix, requireEveryColumnObserved, type NumericMatrix } from './matrix.js';
import { averageMlpInto, cloneMlp, createMlp, disposeMlp, mlpForward, mlpVariables, type Mlp, type MlpHiddenActivation } from './mlp.js';
import { discreteColumns, fitMinMax, roundColumns, scaleMinMax, unscaleMinMax, type MinMaxScaler } from './scaling.js';

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
  hiddenActivation?: MlpHiddenActivation;
  /** Adam step size of both networks (default 1e-3, the reference's TF default). */
  learningRate?: number;
  /**
   * Fraction of the run (of `iterations`) over which both step sizes fall linearly to 0 at its end. Default 0
   * (constant, as published).
   */
  learningRateDecay?: number;
  /**
   * Decay of an exponential moving average of G's weights, updated after every G step; the imputer uses the
   * average. Default: none (the last weights, as published).
   */
  generatorAverage?: number;
  /** Columns rounded after imputation; default: discreteColumns() of the training data. */
  roundColumns?: readonly boolean[];
  /** Called every progressEvery iterations (default 1000) with the losses of that iteration. */
  onProgress?: (p: GainProgress) => void;
  progressEvery?: number;
}

export interface GainProgress {
  iteration: number;
  discriminatorLoss: number;
  generatorAdversarialLoss: number;
  reconstructionMse: number;
}

/** One training batch in GAIN's terms, all rows x cols, row-major, scaled to [0, 1]. */
export interface GainBatch {
  rows: number;
  cols: number;
  /** Observed values, U(0, 0.01) noise where missing. */
  x: ArrayLike<number>;
  /** 1 = observed. */
  mask: ArrayLike<number>;
  hint: ArrayLike<number>;
  /**
   * Optional per-entry weights of the adversarial losses (normalised by their sum). Absent: every entry
   * counts (the authors' code). The paper's form scores only the entries whose mask the hint hides.
   */
  lossWeight?: ArrayLike<number>;
}

/**
 * A batch as the tensors the losses use. The loss normalisations are folded into per-entry weights computed
 * once per batch, so each loss is a weighted sum: fewer kernels per step.
 */
export interface GainBatchTensors {
  /** [x | m], G's input. */
  generatorInput: tf.Tensor2D;
  /** m * x: the observed part of x-hat. */
  observed: tf.Tensor2D;
  notMask: tf.Tensor2D;
  mask: tf.Tensor2D;
  hint: tf.Tensor2D;
  /** w / sum(w): D's cross-entropy weights (1 / n each in the code form). */
  discriminatorWeight: tf.Tensor2D;
  /** (1 - m) w / sum(w): G's adversarial weights. */
  adversarialWeight: tf.Tensor2D;
  /** m / sum(m): mean((m x - m G)^2) / mean(m) as a weighted sum. */
  reconstructionWeight: tf.Tensor2D;
}

export function gainBatchTensors(b: GainBatch): GainBatchTensors {
  const { rows, cols } = b;
  const n = rows * cols;
  for (const [name, a] of [['x', b.x], ['mask', b.mask], ['hint', b.hint], ['lossWeight', b.lossWeight ?? b.x]] as const) {
    if (a.length !== n) throw new Error(`GainBatch.${name} has ${a.length} entries, expected ${rows} x ${cols}`);
  }
  const input = new Float32Array(2 * n);
  const observed = new Float32Array(n);
  const notMask = new Float32Array(n);
  const dW = new Float32Array(n);
  const advW = new Float32Array(n);
  const recW = new Float32Array(n);
  let weightSum = 0;
  let observedCount = 0;
  for (let k = 0; k < n; k++) {
    weightSum += b.lossWeight ? b.lossWeight[k] : 1;
    observedCount += b.mask[k];
  }
  weightSum = Math.max(weightSum, 1e-12);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      const m = b.mask[k];
      const w = (b.lossWeight ? b.lossWeight[k] : 1) / weightSum;
      input[i * 2 * cols + j] = b.x[k];
      input[i * 2 * cols + cols + j] = m;
      observed[k] = m * b.x[k];
      notMask[k] = 1 - m;
      dW[k] = w;
      advW[k] = (1 - m) * w;
      recW[k] = observedCount > 0 ? m / observedCount : 0;
    }
  }
  const t = (v: ArrayLike<number>, c = cols) => tf.tensor2d(v instanceof Float32Array ? v : Float32Array.from(v), [rows, c]);
  return {
    generatorInput: t(input, 2 * cols), observed: t(observed), notMask: t(notMask), mask: t(b.mask), hint: t(b.hint),
    discriminatorWeight: t(dW), adversarialWeight: t(advW), reconstructionWeight: t(recW),
  };
}

export function disposeGainBatch(t: GainBatchTensors): void {
  tf.dispose(Object.values(t));
}

/** G(x, m) in [0, 1]. */
export function gainGenerate(generator: Mlp, t: Pick<GainBatchTensors, 'generatorInput'>): tf.Tensor2D {
  return tf.sigmoid(mlpForward(generator, t.generatorInput));
}

// D's logits for x-hat = m x + (1 - m) G, with the hint.
function discriminatorLogits(discriminator: Mlp, t: GainBatchTensors, generated: tf.Tensor2D): tf.Tensor2D {
  const xHat: tf.Tensor2D = tf.add(t.observed, tf.mul(t.notMask, generated));
  return mlpForward(discriminator, tf.concat([xHat, t.hint], 1));
}

/**
 * D's loss: the cross-entropy of its mask guess, -mean(m log D + (1 - m) log(1 - D)), computed from the logits
 * l as sum(w (softplus(l) - m l)) (softplus(-l) = softplus(l) - l), which is exact where log(sigmoid) underflows.
 */
export function gainDiscriminatorLoss(discriminator: Mlp, t: GainBatchTensors, generated: tf.Tensor2D): tf.Scalar {
  const l = discriminatorLogits(discriminator, t, generated);
  return tf.sum(tf.mul(t.discriminatorWeight, tf.sub(tf.softplus(l), tf.mul(t.mask, l))));
}

export interface GainGeneratorLoss {
  /** -mean((1 - m) log D): G wants its fills taken for observed values. */
  adversarial: tf.Scalar;
  /** mean((m x - m G)^2) / mean(m). */
  reconstruction: tf.Scalar;
  /** adversarial + alpha * reconstruction. */
  total: tf.Scalar;
}

export function gainGeneratorLoss(discriminator: Mlp, t: GainBatchTensors, generated: tf.Tensor2D, alpha: number): GainGeneratorLoss {
  const l = discriminatorLogits(discriminator, t, generated);
  const adversarial: tf.Scalar = tf.sum(tf.mul(t.adversarialWeight, tf.softplus(tf.neg(l))));
  const reconstruction: tf.Scalar = tf.sum(tf.mul(t.reconstructionWeight, tf.square(tf.sub(generated, t.observed))));
  return { adversarial, reconstruction, total: tf.add(adversarial, tf.mul(alpha, reconstruction)) as tf.Scalar };
}

/** A trained GAIN generator plus the scaling it was trained with. Holds tfjs variables: dispose() it. */
export class GainImputer {
  constructor(
    readonly generator: Mlp,
    readonly scaler: MinMaxScaler,
    readonly rounded: readonly boolean[],
    private readonly rng: Rng,
  ) {}

  get columns(): number { return this.scaler.min.length; }

  /** Fills the NaN entries; observed entries are returned unchanged (bit for bit). */
  impute(data: NumericMatrix, chunkRows = 4096): NumericMatrix {
    checkMatrix(data, 'GainImputer.impute');
    if (data.cols !== this.columns) throw new Error(`GainImputer.impute: model has ${this.columns} columns, data has ${data.cols}`);
    const scaled = scaleMinMax(this.scaler, data).values;
    const filled = new Float64Array(data.values.length);
    const cols = data.cols;
    for (let start = 0; start < data.rows; start += chunkRows) {
      const n = Math.min(chunkRows, data.rows - start);
      const { x, mask } = noisyInputs(scaled.subarray(start * cols, (start + n) * cols), this.rng);
      const input = new Float32Array(2 * n * cols);
      for (let i = 0; i < n; i++) {
        input.set(x.subarray(i * cols, (i + 1) * cols), 2 * i * cols);
        input.set(mask.subarray(i * cols, (i + 1) * cols), 2 * i * cols + cols);
      }
      const out = tf.tidy(() => gainGenerate(this.generator, { generatorInput: tf.tensor2d(input, [n, 2 * cols]) }));
      filled.set(out.dataSync(), start * cols);
      out.dispose();
    }
    const generated = roundColumns(unscaleMinMax(this.scaler, { ...data, values: filled }), this.rounded);
    const result = Float64Array.from(data.values);
    for (let k = 0; k < result.length; k++) if (Number.isNaN(result[k])) result[k] = generated.values[k];
    return { ...data, values: result };
  }

  dispose(): void {
    disposeMlp(this.generator);
  }
}

// GAIN's generator input: observed values where present, U(0, 0.01) noise where missing, plus the mask.
function noisyInputs(scaled: ArrayLike<number>, rng: Rng): { x: Float32Array; mask: Float32Array } {
  const x = new Float32Array(scaled.length);
  const mask = new Float32Array(scaled.length);
  for (let k = 0; k < scaled.length; k++) {
    const v = scaled[k];
    if (Number.isNaN(v)) { x[k] = 0.01 * rng.next(); } else { x[k] = v; mask[k] = 1; }
  }
  return { x, mask };
}

/** GAIN training in progress: one iteration per step(), then finish() for the imputer. */
export interface GainTrainer {
  /** Iterations done so far. */
  readonly iteration: number;
  readonly generator: Mlp;
  readonly discriminator: Mlp;
  /** One D update then one G update on a fresh batch. With read, also returns the losses (a device sync). */
  step(read?: boolean): GainProgress | undefined;
  /** Releases D and the optimizers; the returned imputer owns G (its weight average, with generatorAverage). */
  finish(): GainImputer;
  /** Releases everything (training abandoned). */
  dispose(): void;
}

interface ResolvedGainOptions {
  iterations: number; batchSize: number; hintRate: number; alpha: number; hidden: number; paperHint: boolean;
  learningRate: number; learningRateDecay: number; generatorAverage?: number;
}

function resolveOptions(data: NumericMatrix, options: GainOptions, what: string): ResolvedGainOptions {
  const batchSize = options.batchSize ?? 128;
  const hintRate = options.hintRate ?? 0.9;
  const alpha = options.alpha ?? 100;
  const hidden = options.hiddenDim ?? data.cols;
  const learningRate = options.learningRate ?? 1e-3;
  const hintForm = options.hint ?? 'code';
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const learningRateDecay = options.learningRateDecay ?? 0;
  const generatorAverage = options.generatorAverage;
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`${what}: iterations must be a non-negative integer, got ${iterations}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${what}: batchSize must be a positive integer, got ${batchSize}`);
  if (!(hintRate >= 0 && hintRate <= 1)) throw new Error(`${what}: hintRate must lie in [0, 1], got ${hintRate}`);
  if (!(alpha >= 0)) throw new Error(`${what}: alpha must be >= 0, got ${alpha}`);
  if (!Number.isInteger(hidden) || hidden <= 0) throw new Error(`${what}: hiddenDim must be a positive integer, got ${hidden}`);
  if (!(learningRate > 0)) throw new Error(`${what}: learningRate must be > 0, got ${learningRate}`);
  if (hintForm !== 'code' && hintForm !== 'paper') throw new Error(`${what}: hint must be 'code' or 'paper', got ${JSON.stringify(hintForm)}`);
  if (!(learningRateDecay >= 0 && learningRateDecay <= 1)) throw new Error(`${what}: learningRateDecay must lie in [0, 1], got ${learningRateDecay}`);
  if (generatorAverage !== undefined && !(generatorAverage >= 0 && generatorAverage < 1)) {
    throw new Error(`${what}: generatorAverage must lie in [0, 1), got ${generatorAverage}`);
  }
  return { iterations, batchSize, hintRate, alpha, hidden, paperHint: hintForm === 'paper', learningRate, learningRateDecay, generatorAverage };
}

/** Starts GAIN training on data with NaN for missing entries. Every column needs at least one observed value. */
export function createGainTrainer(data: NumericMatrix, options: GainOptions): GainTrainer {
  checkMatrix(data, 'trainGain');
  requireEveryColumnObserved(data, 'trainGain');
  const o = resolveOptions(data, options, 'trainGain');
  const dim = data.cols;
  const rounded = options.roundColumns ?? discreteColumns(data);
  if (rounded.length !== dim) throw new Error(`trainGain: roundColumns has ${rounded.length} entries for ${dim} columns`);

  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(data);
  const scaled = scaleMinMax(scaler, data).values;
  // createMlp defaults the activation (relu) and names a bad one
  const generator = createMlp(initRng, [2 * dim, o.hidden, o.hidden, dim], options.hiddenActivation);
  const discriminator = createMlp(initRng, [2 * dim, o.hidden, o.hidden, dim], options.hiddenActivation);
  // tfjs Adam (core's adam(): the same math, one fused kernel per update on backends that have it) differs
  // from TF1's, the reference's, only in where epsilon enters: eps * sqrt(1 - beta2^t) vs eps.
  const optG = adam(o.learningRate, 0.9, 0.999, 1e-8);
  const optD = adam(o.learningRate, 0.9, 0.999, 1e-8);
  const gVars = mlpVariables(generator);
  const dVars = mlpVariables(discriminator);
  const average = o.generatorAverage !== undefined ? { decay: o.generatorAverage, shadow: cloneMlp(generator) } : undefined;
  const rowsBuf = new Float64Array(o.batchSize * dim);
  let iteration = 0;
  let done = false;

  const sampleBatch = (): GainBatch & { mask: Float32Array } => {
    for (let r = 0; r < o.batchSize; r++) {
      const row = rng.int(data.rows);
      rowsBuf.set(scaled.subarray(row * dim, (row + 1) * dim), r * dim);
    }
    const { x, mask } = noisyInputs(rowsBuf, rng);
    const hint = new Float32Array(mask.length);
    const lossWeight = o.paperHint ? new Float32Array(mask.length) : undefined;
    for (let k = 0; k < hint.length; k++) {
      const revealed = rng.next() < o.hintRate;
      if (lossWeight) {
        hint[k] = revealed ? mask[k] : 0.5;
        lossWeight[k] = revealed ? 0 : 1;
      } else {
        hint[k] = revealed ? mask[k] : 0;
      }
    }
    return { rows: o.batchSize, cols: dim, x, mask, hint, lossWeight };
  };

  const step = (read = false): GainProgress | undefined => {
    if (done) throw new Error('GainTrainer: step() after finish() or dispose()');
    if (o.learningRateDecay > 0) {
      const lr = linearDecayRate(o.learningRate, o.learningRateDecay, iteration, o.iterations);
      setLearningRate(optD, lr);
      setLearningRate(optG, lr);
    }
    const batch = sampleBatch();
    const t = gainBatchTensors(batch);
    // The D step leaves G unchanged, so G's output is computed once outside D's gradient.
    const generated = tf.tidy(() => gainGenerate(generator, t));
    const dCost = optD.minimize(() => gainDiscriminatorLoss(discriminator, t, generated), read, dVars);
    generated.dispose();
    let parts: tf.Scalar[] = [];
    // A batch of only missing entries has no reconstruction target; skip the generator update for it.
    if (batch.mask.some((v) => v === 1)) {
      optG.minimize(() => {
        const loss = gainGeneratorLoss(discriminator, t, gainGenerate(generator, t), o.alpha);
        if (read) parts = [tf.keep(loss.adversarial), tf.keep(loss.reconstruction)];
        return loss.total;
      }, false, gVars);
      if (average) averageMlpInto(average.shadow, generator, average.decay);
    }
    disposeGainBatch(t);
    iteration++;
    if (!read) return undefined;
    const progress: GainProgress = {
      iteration: iteration - 1,
      discriminatorLoss: dCost!.dataSync()[0],
      generatorAdversarialLoss: parts.length ? parts[0].dataSync()[0] : NaN,
      reconstructionMse: parts.length ? parts[1].dataSync()[0] : NaN,
    };
    tf.dispose([dCost!, ...parts]);
    return progress;
  };

  const release = (): void => {
    done = true;
    disposeMlp(discriminator);
    optD.dispose();
    optG.dispose();
  };

  return {
    get iteration() { return iteration; },
    generator,
    discriminator,
    step,
    finish: () => {
      if (done) throw new Error('GainTrainer: finish() called twice or after dispose()');
      release();
      if (!average) return new GainImputer(generator, scaler, rounded, forkRng(rng));
      disposeMlp(generator);
      return new GainImputer(average.shadow, scaler, rounded, forkRng(rng));
    },
    dispose: () => {
      if (done) return;
      release();
      disposeMlp(generator);
      if (average) disposeMlp(average.shadow);
    },
  };
}

/** Trains GAIN on data with NaN for missing entries. Every column needs at least one observed value. */
export function trainGain(data: NumericMatrix, options: GainOptions): GainImputer {
  const trainer = createGainTrainer(data, options);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const every = options.progressEvery ?? 1000;
  try {
    for (let it = 0; it < iterations; it++) {
      const read = options.onProgress !== undefined && (it % every === 0 || it === iterations - 1);
      const p = trainer.step(read);
      if (p) options.onProgress!(p);
    }
  } catch (e) {
    trainer.dispose();
    throw e;
  }
  return trainer.finish();
}
