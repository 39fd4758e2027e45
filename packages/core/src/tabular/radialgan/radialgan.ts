// RadialGAN (Yoon, Jordon and van der Schaar, ICML 2018): K datasets ("domains") that measure different
// feature sets of the same kind of subject, all mapped into one shared latent space Z.
//
// Per domain k: an encoder E_k (domain-k row -> Z), a decoder G_k (Z -> domain-k row) and a critic D_k.
// D_k tells real domain-k rows from G_k(E_j(x_j)) for every other domain j; G_k and E_j are trained to fool
// it; latent cycle consistency asks E_k(G_k(E_j(x_j))) = E_j(x_j). Training is joint (one optimiser for all
// critics, one for all encoders and decoders) with the Wasserstein loss and a gradient penalty, as the paper
// trains its critics in the WGAN framework.
//
// Two decisions beyond the paper's text, both because it makes the translated rows usable as training rows
// for a target-domain classifier:
// - The label. The paper treats (x, y) as the domain's row and translates y too. Here every domain shares one
//   label space, so the label is a condition instead: E_k, G_k and D_k all see the one-hot label, and a row
//   keeps its label when translated. The decoder never has to invent a one-hot vector (which a critic
//   separates from a softmax output trivially), and a translated row cannot change class.
// - A reconstruction term G_j(E_j(x_j)) ~ x_j (weight `reconstructionWeight`, 0 turns it off). Without it
//   the latent cycle is satisfied by encoders that ignore their input, and the translation degenerates into
//   class-conditional sampling that carries nothing of the source row across.
//
// Columns are min-max scaled to [0, 1] per domain (decoders end in a sigmoid) and scaled back on output.
import * as tf from '@tensorflow/tfjs-core';
import { wassersteinLoss } from '../../losses.js';
import { gradientPenalty } from '../../penalties.js';
import { createRng, forkRng, type Rng } from '../../random.js';
import { checkMatrix, columnName, type NumericMatrix } from '../matrix.js';
import { fitMinMax, scaleMinMax, unscaleMinMax, type MinMaxScaler } from '../scaling.js';
import { createDenseNet, denseForward, denseNetVariables, disposeDenseNet, type DenseNet } from './networks.js';
import { latentCycleLoss, reconstructionLoss } from './losses.js';

export interface RadialDomain {
  /** For messages and reports. */
  name?: string;
  /** The domain's own columns; no missing values. */
  x: NumericMatrix;
  /** Integer class of each row, in [0, numClasses); the label space is shared by all domains. */
  labels: ArrayLike<number>;
}

export interface RadialGanOptions {
  seed: number;
  /** Default: 1 + the largest label in any domain. */
  numClasses?: number;
  /** Dimension of the shared latent space Z. Default 16. */
  latentDim?: number;
  /** Units of each of the two hidden layers of every network (encoders, decoders, critics). Default 64. */
  hidden?: number;
  /** Rows drawn from each domain per step. Default 64. */
  batchSize?: number;
  /** Training steps (one critic update + one encoder/decoder update each). Default 2000. */
  steps?: number;
  /** Adam step size for both players (betas 0.5, 0.9 as for WGAN-GP). Default 1e-3. */
  learningRate?: number;
  /** Critic updates per encoder/decoder update. Default 1. */
  criticSteps?: number;
  /** WGAN-GP weight. Default 10. */
  gradientPenaltyWeight?: number;
  /** Weight of the latent cycle-consistency term. Default 10. */
  cycleWeight?: number;
  /** Weight of the own-domain reconstruction term. Default 10. */
  reconstructionWeight?: number;
  /** Called every `progressEvery` steps (default 100) with the losses of that step. */
  onProgress?: (p: RadialGanProgress) => void;
  progressEvery?: number;
}

export interface RadialGanProgress {
  step: number;
  /** Sum over domains of the critics' Wasserstein estimates E[D(fake)] - E[D(real)] (no penalty). */
  criticLoss: number;
  /** Sum over domains of the decoders' adversarial loss -E[D_k(G_k(E_j(x_j)))]. */
  adversarialLoss: number;
  cycleLoss: number;
  reconstructionLoss: number;
}

interface DomainData {
  name: string;
  cols: number;
  scaler: MinMaxScaler;
  /** Scaled rows, row-major float32. */
  scaled: Float32Array;
  labels: Int32Array;
}

interface DomainNets { encoder: DenseNet; decoder: DenseNet; critic: DenseNet }

function resolve(options: RadialGanOptions) {
  const o = {
    latentDim: options.latentDim ?? 16,
    hidden: options.hidden ?? 64,
    batchSize: options.batchSize ?? 64,
    steps: options.steps ?? 2000,
    learningRate: options.learningRate ?? 1e-3,
    criticSteps: options.criticSteps ?? 1,
    gpWeight: options.gradientPenaltyWeight ?? 10,
    cycleWeight: options.cycleWeight ?? 10,
    reconstructionWeight: options.reconstructionWeight ?? 10,
    progressEvery: options.progressEvery ?? 100,
  };
  for (const key of ['latentDim', 'hidden', 'batchSize', 'criticSteps', 'progressEvery'] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0) throw new Error(`trainRadialGan: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new Error(`trainRadialGan: steps must be a non-negative integer, got ${o.steps}`);
  if (!(o.learningRate > 0)) throw new Error(`trainRadialGan: learningRate must be > 0, got ${o.learningRate}`);
  for (const key of ['gpWeight', 'cycleWeight', 'reconstructionWeight'] as const) {
    if (!(o[key] >= 0)) throw new Error(`trainRadialGan: ${key} must be >= 0, got ${o[key]}`);
  }
  return o;
}

function prepareDomain(d: RadialDomain, k: number): DomainData {
  const name = d.name ?? `domain ${k}`;
  checkMatrix(d.x, `trainRadialGan (${name})`);
  for (let i = 0; i < d.x.values.length; i++) {
    if (!Number.isFinite(d.x.values[i])) {
      const c = i % d.x.cols;
      throw new Error(`trainRadialGan (${name}): row ${Math.floor(i / d.x.cols) + 1}, column ${JSON.stringify(columnName(d.x, c))} is ${d.x.values[i]}; RadialGAN needs complete rows (impute first)`);
    }
  }
  if (d.labels.length !== d.x.rows) throw new Error(`trainRadialGan (${name}): ${d.labels.length} labels for ${d.x.rows} rows`);
  const labels = Int32Array.from(d.labels);
  labels.forEach((v, i) => {
    if (!Number.isInteger(d.labels[i]) || v < 0) throw new Error(`trainRadialGan (${name}): label of row ${i + 1} must be a non-negative integer, got ${d.labels[i]}`);
  });
  const scaler = fitMinMax(d.x);
  return { name, cols: d.x.cols, scaler, scaled: Float32Array.from(scaleMinMax(scaler, d.x).values), labels };
}

/** A trained RadialGAN: translates rows between any two of its domains. */
export class RadialGan {
  private disposed = false;

  /** @internal use trainRadialGan. */
  constructor(
    private readonly domains: readonly DomainData[],
    private readonly nets: readonly DomainNets[],
    readonly numClasses: number,
  ) {}

  get domainCount(): number { return this.domains.length; }

  /** Domain k's column count. */
  columns(k: number): number { return this.domain(k).cols; }

  /**
   * Rows of domain `from` (its own columns, original units) and their labels, written in domain `to`'s
   * columns and units: G_to(E_from(x, y), y). Labels are kept.
   */
  translate(from: number, x: NumericMatrix, labels: ArrayLike<number>, to: number): NumericMatrix {
    if (this.disposed) throw new Error('RadialGan: translate() after dispose()');
    const src = this.domain(from);
    const dst = this.domain(to);
    checkMatrix(x, 'RadialGan.translate');
    if (x.cols !== src.cols) throw new Error(`RadialGan.translate: domain ${src.name} has ${src.cols} columns, got ${x.cols}`);
    if (labels.length !== x.rows) throw new Error(`RadialGan.translate: ${labels.length} labels for ${x.rows} rows`);
    for (let i = 0; i < labels.length; i++) {
      if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= this.numClasses) {
        throw new Error(`RadialGan.translate: label of row ${i + 1} is ${labels[i]}, outside [0, ${this.numClasses})`);
      }
    }
    const scaled = Float32Array.from(scaleMinMax(src.scaler, x).values);
    const out = tf.tidy(() => {
      const y = oneHot(labels, this.numClasses);
      const z = denseForward(this.nets[from].encoder, tf.concat([tf.tensor2d(scaled, [x.rows, src.cols]), y], 1));
      return denseForward(this.nets[to].decoder, tf.concat([z, y], 1));
    });
    const values = Float64Array.from(out.dataSync());
    out.dispose();
    return unscaleMinMax(dst.scaler, { rows: x.rows, cols: dst.cols, values });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const n of this.nets) for (const net of [n.encoder, n.decoder, n.critic]) disposeDenseNet(net);
  }

  private domain(k: number): DomainData {
    if (!Number.isInteger(k) || k < 0 || k >= this.domains.length) {
      throw new Error(`RadialGan: no domain ${k} (have 0..${this.domains.length - 1})`);
    }
    return this.domains[k];
  }
}

function oneHot(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  const v = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) v[i * numClasses + labels[i]] = 1;
  return tf.tensor2d(v, [labels.length, numClasses]);
}

interface Batch { x: tf.Tensor2D; y: tf.Tensor2D }

function sampleBatch(d: DomainData, rows: number, rng: Rng, numClasses: number): Batch {
  const x = new Float32Array(rows * d.cols);
  const y = new Int32Array(rows);
  const n = d.labels.length;
  for (let r = 0; r < rows; r++) {
    const i = rng.int(n);
    x.set(d.scaled.subarray(i * d.cols, (i + 1) * d.cols), r * d.cols);
    y[r] = d.labels[i];
  }
  return { x: tf.tensor2d(x, [rows, d.cols]), y: oneHot(y, numClasses) };
}

/** Trains encoders, decoders and critics of all domains jointly. Needs at least two domains. */
export function trainRadialGan(domainsIn: readonly RadialDomain[], options: RadialGanOptions): RadialGan {
  if (domainsIn.length < 2) throw new Error(`trainRadialGan: needs at least two domains, got ${domainsIn.length}`);
  const o = resolve(options);
  const domains = domainsIn.map(prepareDomain);
  let maxLabel = 0;
  for (const d of domains) for (const v of d.labels) maxLabel = Math.max(maxLabel, v);
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (!Number.isInteger(numClasses) || numClasses <= maxLabel) {
    throw new Error(`trainRadialGan: numClasses ${numClasses} does not cover label ${maxLabel}`);
  }
  const K = domains.length;
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const h = o.hidden;
  const nets: DomainNets[] = domains.map((d) => ({
    encoder: createDenseNet(initRng, [d.cols + numClasses, h, h, o.latentDim], 'linear'),
    decoder: createDenseNet(initRng, [o.latentDim + numClasses, h, h, d.cols], 'sigmoid'),
    critic: createDenseNet(initRng, [d.cols + numClasses, h, h, 1], 'linear'),
  }));
  const criticVars = nets.flatMap((n) => denseNetVariables(n.critic));
  const translatorVars = nets.flatMap((n) => [...denseNetVariables(n.encoder), ...denseNetVariables(n.decoder)]);
  const optCritic = tf.train.adam(o.learningRate, 0.5, 0.9);
  const optTranslator = tf.train.adam(o.learningRate, 0.5, 0.9);
  const B = o.batchSize;

  // Domain k's fakes: every other domain's batch, encoded and decoded into k, with those rows' labels.
  const fakesFor = (k: number, batches: readonly Batch[], latents: readonly tf.Tensor2D[]): { x: tf.Tensor2D; y: tf.Tensor2D; z: tf.Tensor2D } => {
    const others = batches.map((_, j) => j).filter((j) => j !== k);
    const y = tf.concat(others.map((j) => batches[j].y), 0);
    const z = tf.concat(others.map((j) => latents[j]), 0);
    return { x: denseForward(nets[k].decoder, tf.concat([z, y], 1)), y, z };
  };
  const critic = (k: number) => (xy: tf.Tensor) => denseForward(nets[k].critic, xy as tf.Tensor2D);

  const model = new RadialGan(domains, nets, numClasses);
  try {
    for (let step = 0; step < o.steps; step++) {
      const report = options.onProgress !== undefined && (step % o.progressEvery === 0 || step === o.steps - 1);
      let criticLoss = 0;
      for (let c = 0; c < o.criticSteps; c++) {
        const batches = domains.map((d) => sampleBatch(d, B, rng, numClasses));
        const reals = domains.map((d) => sampleBatch(d, (K - 1) * B, rng, numClasses));
        // The critic step leaves the translators alone: their output is computed once, outside the gradient.
        const fakes = tf.tidy(() => {
          const latents = batches.map((b, j) => denseForward(nets[j].encoder, tf.concat([b.x, b.y], 1)));
          return domains.map((_, k) => {
            const f = fakesFor(k, batches, latents);
            return tf.concat([f.x, f.y], 1) as tf.Tensor2D;
          });
        });
        const realXY = reals.map((r) => tf.concat([r.x, r.y], 1) as tf.Tensor2D);
        const wasserstein: tf.Scalar[] = [];
        const cost = optCritic.minimize(() => {
          const terms: tf.Scalar[] = [];
          for (let k = 0; k < K; k++) {
            const w = wassersteinLoss.discriminator(critic(k)(realXY[k]), critic(k)(fakes[k]));
            if (report && c === o.criticSteps - 1) wasserstein.push(tf.keep(w.clone()));
            terms.push(w);
            if (o.gpWeight > 0) terms.push(gradientPenalty(critic(k), realXY[k], fakes[k], rng, o.gpWeight));
          }
          return tf.addN(terms) as tf.Scalar;
        }, false, criticVars);
        cost?.dispose();
        if (wasserstein.length) criticLoss = wasserstein.reduce((s, t) => s + t.dataSync()[0], 0);
        tf.dispose([...wasserstein, ...fakes, ...realXY, ...batches.flatMap((b) => [b.x, b.y]), ...reals.flatMap((b) => [b.x, b.y])]);
      }

      const batches = domains.map((d) => sampleBatch(d, B, rng, numClasses));
      const parts: tf.Scalar[] = [];
      optTranslator.minimize(() => {
        const latents = batches.map((b, j) => denseForward(nets[j].encoder, tf.concat([b.x, b.y], 1)));
        const adversarial: tf.Scalar[] = [];
        const cycle: tf.Scalar[] = [];
        for (let k = 0; k < K; k++) {
          const f = fakesFor(k, batches, latents);
          adversarial.push(wassersteinLoss.generator(critic(k)(tf.concat([f.x, f.y], 1))));
          const zAgain = denseForward(nets[k].encoder, tf.concat([f.x, f.y], 1));
          cycle.push(latentCycleLoss(f.z, zAgain));
        }
        const recon = batches.map((b, j) => reconstructionLoss(b.x, denseForward(nets[j].decoder, tf.concat([latents[j], b.y], 1))));
        const adv = tf.addN(adversarial) as tf.Scalar;
        const cyc = tf.addN(cycle) as tf.Scalar;
        const rec = tf.addN(recon) as tf.Scalar;
        if (report) parts.push(tf.keep(adv.clone()), tf.keep(cyc.clone()), tf.keep(rec.clone()));
        return tf.addN([adv, tf.mul(o.cycleWeight, cyc), tf.mul(o.reconstructionWeight, rec)]) as tf.Scalar;
      }, false, translatorVars);
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
      if (report) {
        const [adv, cyc, rec] = parts.map((t) => t.dataSync()[0]);
        tf.dispose(parts);
        options.onProgress!({ step, criticLoss, adversarialLoss: adv, cycleLoss: cyc, reconstructionLoss: rec });
      }
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    optCritic.dispose();
    optTranslator.dispose();
  }
  return model;
}

/** Rows of several labelled matrices with the same columns, one after another. */
export function stackLabelledRows(parts: readonly { x: NumericMatrix; labels: ArrayLike<number> }[], cols = parts[0]?.x.cols ?? 0): { x: NumericMatrix; labels: Int32Array } {
  const rows = parts.reduce((s, p) => s + p.x.rows, 0);
  const values = new Float64Array(rows * cols);
  const labels = new Int32Array(rows);
  let at = 0;
  for (const p of parts) {
    if (p.x.cols !== cols) throw new Error(`stackLabelledRows: a part has ${p.x.cols} columns, expected ${cols}`);
    values.set(p.x.values, at * cols);
    labels.set(Array.from(p.labels), at);
    at += p.x.rows;
  }
  return { x: { rows, cols, values }, labels };
}

/**
 * Every other domain's rows translated into domain `target`'s columns, stacked, with their (kept) labels:
 * the rows that augment the target's training set.
 */
export function translateInto(gan: RadialGan, domains: readonly RadialDomain[], target: number): { x: NumericMatrix; labels: Int32Array } {
  if (domains.length !== gan.domainCount) throw new Error(`translateInto: the model has ${gan.domainCount} domains, got ${domains.length}`);
  const parts = domains.map((d, j) => (j === target ? null : { x: gan.translate(j, d.x, d.labels, target), labels: d.labels })).filter((p) => p !== null);
  const stacked = stackLabelledRows(parts, gan.columns(target));
  return { x: { ...stacked.x, names: domains[target].x.names }, labels: stacked.labels };
}
