// GAIN (Yoon, Jordon & van der Schaar, ICML 2018): a generator fills in missing entries given the observed
// ones and the mask; a discriminator guesses, entry by entry, which entries were observed, helped by a hint
// that reveals part of the mask. The generator also pays alpha x the squared error on observed entries.
//
// Follows the published recipe: [0, 1] min-max scaling on observed values, missing inputs replaced by
// U(0, 0.01) noise, both networks 3 dense layers of width = number of columns (ReLU, ReLU, sigmoid), Xavier
// normal initialisation, Adam (lr 1e-3), one D step then one G step per iteration, hint H = B * M with
// B ~ Bernoulli(hintRate) (as in the authors' code), discrete columns rounded after imputation.
// The networks run on dense-net.ts (plain TypeScript with analytic gradients; see there for why).
import { createRng, forkRng, type Rng } from '../random.js';
import { Adam, backward, createDenseNet, forward, type DenseGrads, type DenseNet, type ForwardTrace } from './dense-net.js';
import { checkMatrix, requireEveryColumnObserved, type NumericMatrix } from './matrix.js';
import { discreteColumns, fitMinMax, roundColumns, scaleMinMax, unscaleMinMax, type MinMaxScaler } from './scaling.js';

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
  learningRate?: number;
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
  x: Float64Array;
  /** 1 = observed. */
  mask: Float64Array;
  hint: Float64Array;
  /**
   * Optional per-entry weights of the adversarial losses (normalised by their sum). Absent: every entry
   * counts (the authors' code). The paper's form scores only the entries whose mask the hint hides.
   */
  lossWeight?: Float64Array;
}

function lossWeights(b: GainBatch, n: number): { w: (k: number) => number; total: number } {
  const lw = b.lossWeight;
  if (!lw) return { w: () => 1, total: n };
  let total = 0;
  for (let k = 0; k < n; k++) total += lw[k];
  return { w: (k) => lw[k], total: Math.max(total, 1e-12) };
}

const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

function concatColumns(a: Float64Array, b: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * 2 * cols);
  for (let i = 0; i < rows; i++) {
    out.set(a.subarray(i * cols, (i + 1) * cols), i * 2 * cols);
    out.set(b.subarray(i * cols, (i + 1) * cols), i * 2 * cols + cols);
  }
  return out;
}

/** G's output and the trace its gradients need. */
export interface Generated { trace: ForwardTrace; g: Float64Array }

/** G(x, m) in [0, 1]. */
export function gainGenerate(generator: DenseNet, x: Float64Array, mask: Float64Array, rows: number, cols: number): Generated {
  const trace = forward(generator, concatColumns(x, mask, rows, cols), rows);
  const g = trace.output.map(sigmoid);
  return { trace, g };
}

function combine(b: GainBatch, g: Float64Array): Float64Array {
  const hat = new Float64Array(g.length);
  for (let k = 0; k < g.length; k++) hat[k] = b.mask[k] ? b.x[k] : g[k];
  return hat;
}

/** Discriminator loss mean(M softplus(-l) + (1-M) softplus(l)) = cross-entropy of D's mask guess, and its gradients. */
export function gainDiscriminatorGradients(generator: DenseNet, discriminator: DenseNet, b: GainBatch, generated?: Generated): { loss: number; grads: DenseGrads[] } {
  const { g } = generated ?? gainGenerate(generator, b.x, b.mask, b.rows, b.cols);
  const trace = forward(discriminator, concatColumns(combine(b, g), b.hint, b.rows, b.cols), b.rows);
  const l = trace.output;
  const n = l.length;
  const { w, total } = lossWeights(b, n);
  const dl = new Float64Array(n);
  let loss = 0;
  for (let k = 0; k < n; k++) {
    const wk = w(k);
    if (wk === 0) continue;
    loss += wk * (b.mask[k] ? softplus(-l[k]) : softplus(l[k]));
    dl[k] = (wk * (sigmoid(l[k]) - b.mask[k])) / total;
  }
  return { loss: loss / total, grads: backward(discriminator, trace, dl).grads };
}

/** Generator loss mean((1-M) softplus(-l)) + alpha * mean((M x - M g)^2) / mean(M), and its gradients. */
export function gainGeneratorGradients(generator: DenseNet, discriminator: DenseNet, b: GainBatch, alpha: number, generated?: Generated): { adversarial: number; mse: number; grads: DenseGrads[] } {
  const { trace: gTrace, g } = generated ?? gainGenerate(generator, b.x, b.mask, b.rows, b.cols);
  const dTrace = forward(discriminator, concatColumns(combine(b, g), b.hint, b.rows, b.cols), b.rows);
  const l = dTrace.output;
  const n = l.length;
  let maskMean = 0;
  for (let k = 0; k < n; k++) maskMean += b.mask[k];
  maskMean /= n;
  if (maskMean === 0) throw new Error('gainGeneratorGradients: the batch has no observed entry');
  const { w, total } = lossWeights(b, n);
  const dl = new Float64Array(n);
  let adversarial = 0;
  let sse = 0;
  for (let k = 0; k < n; k++) {
    const wk = w(k);
    if (!b.mask[k] && wk !== 0) {
      adversarial += wk * softplus(-l[k]);
      dl[k] = (-wk * sigmoid(-l[k])) / total;
    }
  }
  const { dInput } = backward(discriminator, dTrace, dl, { weights: false, wantInput: true });
  const dPre = new Float64Array(n);
  const cols = b.cols;
  for (let k = 0; k < n; k++) {
    const i = Math.floor(k / cols);
    const j = k - i * cols;
    let dg: number;
    if (b.mask[k]) {
      const e = g[k] - b.x[k];
      sse += e * e;
      dg = (alpha * 2 * e) / (n * maskMean);
    } else {
      dg = dInput![i * 2 * cols + j];
    }
    dPre[k] = dg * g[k] * (1 - g[k]);
  }
  return { adversarial: adversarial / total, mse: sse / n / maskMean, grads: backward(generator, gTrace, dPre).grads };
}

/** A trained GAIN generator plus the scaling it was trained with. */
export class GainImputer {
  constructor(
    readonly generator: DenseNet,
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
    for (let start = 0; start < data.rows; start += chunkRows) {
      const n = Math.min(chunkRows, data.rows - start);
      const { x, mask } = noisyInputs(scaled.subarray(start * data.cols, (start + n) * data.cols), this.rng);
      filled.set(gainGenerate(this.generator, x, mask, n, data.cols).g, start * data.cols);
    }
    const generated = roundColumns(unscaleMinMax(this.scaler, { ...data, values: filled }), this.rounded);
    const result = Float64Array.from(data.values);
    for (let k = 0; k < result.length; k++) if (Number.isNaN(result[k])) result[k] = generated.values[k];
    return { ...data, values: result };
  }
}

// GAIN's generator input: observed values where present, U(0, 0.01) noise where missing, plus the mask.
function noisyInputs(scaled: ArrayLike<number>, rng: Rng): { x: Float64Array; mask: Float64Array } {
  const x = new Float64Array(scaled.length);
  const mask = new Float64Array(scaled.length);
  for (let k = 0; k < scaled.length; k++) {
    const v = scaled[k];
    if (Number.isNaN(v)) { x[k] = 0.01 * rng.next(); } else { x[k] = v; mask[k] = 1; }
  }
  return { x, mask };
}

/** Trains GAIN on data with NaN for missing entries. Every column needs at least one observed value. */
export function trainGain(data: NumericMatrix, options: GainOptions): GainImputer {
  checkMatrix(data, 'trainGain');
  requireEveryColumnObserved(data, 'trainGain');
  const iterations = options.iterations ?? 10000;
  const batchSize = options.batchSize ?? 128;
  const hintRate = options.hintRate ?? 0.9;
  const alpha = options.alpha ?? 100;
  const dim = data.cols;
  const hidden = options.hiddenDim ?? dim;
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`trainGain: iterations must be a non-negative integer, got ${iterations}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`trainGain: batchSize must be a positive integer, got ${batchSize}`);
  if (!(hintRate >= 0 && hintRate <= 1)) throw new Error(`trainGain: hintRate must lie in [0, 1], got ${hintRate}`);
  if (!(alpha >= 0)) throw new Error(`trainGain: alpha must be >= 0, got ${alpha}`);
  const rounded = options.roundColumns ?? discreteColumns(data);
  if (rounded.length !== dim) throw new Error(`trainGain: roundColumns has ${rounded.length} entries for ${dim} columns`);

  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(data);
  const scaled = scaleMinMax(scaler, data).values;
  const generator = createDenseNet(initRng, [2 * dim, hidden, hidden, dim]);
  const discriminator = createDenseNet(initRng, [2 * dim, hidden, hidden, dim]);
  const lr = options.learningRate ?? 1e-3;
  const optG = new Adam(generator, lr);
  const optD = new Adam(discriminator, lr);
  const every = options.progressEvery ?? 1000;
  const hintForm = options.hint ?? 'code';
  if (hintForm !== 'code' && hintForm !== 'paper') throw new Error(`trainGain: hint must be 'code' or 'paper', got ${JSON.stringify(hintForm)}`);
  const paperHint = hintForm === 'paper';

  const rowsBuf = new Float64Array(batchSize * dim);
  for (let it = 0; it < iterations; it++) {
    for (let r = 0; r < batchSize; r++) {
      const row = rng.int(data.rows);
      rowsBuf.set(scaled.subarray(row * dim, (row + 1) * dim), r * dim);
    }
    const { x, mask } = noisyInputs(rowsBuf, rng);
    const hint = new Float64Array(mask.length);
    const lossWeight = paperHint ? new Float64Array(mask.length) : undefined;
    for (let k = 0; k < hint.length; k++) {
      const revealed = rng.next() < hintRate;
      if (paperHint) {
        hint[k] = revealed ? mask[k] : 0.5;
        lossWeight![k] = revealed ? 0 : 1;
      } else {
        hint[k] = revealed ? mask[k] : 0;
      }
    }
    const batch: GainBatch = { rows: batchSize, cols: dim, x, mask, hint, lossWeight };
    // The D step leaves G unchanged, so both steps share one generator pass.
    const generated = gainGenerate(generator, x, mask, batchSize, dim);
    const d = gainDiscriminatorGradients(generator, discriminator, batch, generated);
    optD.step(d.grads);
    // A batch of only missing entries has no reconstruction target; skip the generator update for it.
    if (!mask.some((v) => v === 1)) continue;
    const g = gainGeneratorGradients(generator, discriminator, batch, alpha, generated);
    optG.step(g.grads);
    if (options.onProgress && (it % every === 0 || it === iterations - 1)) {
      options.onProgress({ iteration: it, discriminatorLoss: d.loss, generatorAdversarialLoss: g.adversarial, reconstructionMse: g.mse });
    }
  }
  return new GainImputer(generator, scaler, rounded, forkRng(rng));
}
