// Anomaly scores from a GAN trained on normal rows only. The discriminator learns what normal rows look like
// (against the generator's fakes); a row it finds unlike real data gets a high score. Two scores:
//  - discriminator score: -logit D(x) (low "realness" = anomalous);
//  - feature residual: squared distance of D's last hidden features of x from their mean over the normal
//    training rows (feature matching, Salimans et al. 2016, used as a residual as in AnoGAN's discrimination loss).
import { createRng, forkRng, type Rng } from '../random.js';
import { Adam, backward, createDenseNet, forward, type DenseNet } from './dense-net.js';
import { checkMatrix, columnName, type NumericMatrix } from './matrix.js';
import { fitMinMax, scaleMinMax, type MinMaxScaler } from './scaling.js';

export interface AnomalyGanOptions {
  seed: number;
  iterations?: number;
  batchSize?: number;
  latentDim?: number;
  /** Hidden widths of both networks (default [64, 64]). */
  hidden?: number[];
  learningRate?: number;
  beta1?: number;
}

const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

function requireComplete(m: NumericMatrix, what: string): void {
  for (let k = 0; k < m.values.length; k++) {
    if (!Number.isFinite(m.values[k])) {
      throw new Error(`${what}: row ${Math.floor(k / m.cols) + 1}, column ${JSON.stringify(columnName(m, k % m.cols))} is missing or not finite; impute it first (gantry impute)`);
    }
  }
}

export class AnomalyScorer {
  constructor(
    readonly discriminator: DenseNet,
    readonly scaler: MinMaxScaler,
    private readonly featureMean: Float64Array,
  ) {}

  private run(m: NumericMatrix) {
    checkMatrix(m, 'AnomalyScorer');
    if (m.cols !== this.scaler.min.length) throw new Error(`AnomalyScorer: trained on ${this.scaler.min.length} columns, got ${m.cols}`);
    requireComplete(m, 'AnomalyScorer');
    return forward(this.discriminator, scaleMinMax(this.scaler, m).values, m.rows);
  }

  /** Per row: -logit D(x). Higher = more anomalous. */
  discriminatorScore(m: NumericMatrix): Float64Array {
    return this.run(m).output.map((l) => -l);
  }

  /** Per row: ||phi(x) - mean phi(normal)||^2 over D's last hidden layer. Higher = more anomalous. */
  featureResidual(m: NumericMatrix): Float64Array {
    const trace = this.run(m);
    return residuals(trace.inputs[trace.inputs.length - 1], m.rows, this.featureMean);
  }
}

function residuals(features: Float64Array, rows: number, mean: Float64Array): Float64Array {
  const width = mean.length;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < width; j++) { const d = features[i * width + j] - mean[j]; s += d * d; }
    out[i] = s;
  }
  return out;
}

function latent(rng: Rng, rows: number, dim: number): Float64Array {
  const z = new Float64Array(rows * dim);
  for (let k = 0; k < z.length; k++) z[k] = rng.normal();
  return z;
}

/** Trains a non-saturating GAN (Goodfellow et al. 2014) on complete normal rows scaled to [0, 1]. */
export function trainAnomalyGan(normal: NumericMatrix, options: AnomalyGanOptions): AnomalyScorer {
  checkMatrix(normal, 'trainAnomalyGan');
  requireComplete(normal, 'trainAnomalyGan');
  const iterations = options.iterations ?? 3000;
  const batchSize = options.batchSize ?? 128;
  const latentDim = options.latentDim ?? 16;
  const hidden = options.hidden ?? [64, 64];
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(normal);
  const data = scaleMinMax(scaler, normal).values;
  const dim = normal.cols;
  const generator = createDenseNet(initRng, [latentDim, ...hidden, dim]);
  const discriminator = createDenseNet(initRng, [dim, ...hidden, 1]);
  const lr = options.learningRate ?? 2e-4;
  const beta1 = options.beta1 ?? 0.5;
  const optG = new Adam(generator, lr, beta1);
  const optD = new Adam(discriminator, lr, beta1);
  const real = new Float64Array(batchSize * dim);
  for (let it = 0; it < iterations; it++) {
    for (let r = 0; r < batchSize; r++) {
      const row = rng.int(normal.rows);
      real.set(data.subarray(row * dim, (row + 1) * dim), r * dim);
    }
    const gTrace = forward(generator, latent(rng, batchSize, latentDim), batchSize);
    const fake = gTrace.output.map(sigmoid);
    // D step: softplus(-l_real) + softplus(l_fake), batch means.
    const realTrace = forward(discriminator, real, batchSize);
    const realGrads = backward(discriminator, realTrace, realTrace.output.map((l) => -sigmoid(-l) / batchSize)).grads;
    const fakeTrace = forward(discriminator, fake, batchSize);
    const fakeGrads = backward(discriminator, fakeTrace, fakeTrace.output.map((l) => sigmoid(l) / batchSize)).grads;
    optD.step(realGrads.map((g, l) => ({ w: g.w.map((v, i) => v + fakeGrads[l].w[i]), b: g.b.map((v, i) => v + fakeGrads[l].b[i]) })));
    // G step (non-saturating): softplus(-D(G(z))).
    const dTrace = forward(discriminator, fake, batchSize);
    const { dInput } = backward(discriminator, dTrace, dTrace.output.map((l) => -sigmoid(-l) / batchSize), { weights: false, wantInput: true });
    const dPre = dInput!.map((d, k) => d * fake[k] * (1 - fake[k]));
    optG.step(backward(generator, gTrace, dPre).grads);
  }
  const trace = forward(discriminator, data, normal.rows);
  const features = trace.inputs[trace.inputs.length - 1];
  const width = features.length / normal.rows;
  const mean = new Float64Array(width);
  for (let i = 0; i < normal.rows; i++) for (let j = 0; j < width; j++) mean[j] += features[i * width + j] / normal.rows;
  return new AnomalyScorer(discriminator, scaler, mean);
}

/**
 * Area under the ROC curve of scores where label 1 = positive (anomaly): the probability that a random
 * positive scores above a random negative, ties counting one half (Mann-Whitney U / (n_pos n_neg)).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) throw new Error(`rocAuc: ${scores.length} scores for ${labels.length} labels`);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let pos = 0;
  for (let start = 0; start < idx.length;) {
    let end = start;
    while (end + 1 < idx.length && scores[idx[end + 1]] === scores[idx[start]]) end++;
    const avgRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (labels[idx[k]] === 1) { rankSumPos += avgRank; pos++; }
    start = end + 1;
  }
  const neg = scores.length - pos;
  if (pos === 0 || neg === 0) throw new Error(`rocAuc needs both classes, got ${pos} positives and ${neg} negatives`);
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
