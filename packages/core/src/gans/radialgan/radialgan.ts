// RadialGAN (Yoon, Jordon and van der Schaar, ICML 2018): K datasets ("domains") that measure different
// feature sets of the same kind of subject, all mapped into one shared latent space Z.
//
// Per domain k: an encoder E_k (domain-k row -> Z), a decoder G_k (Z -> domain-k row) and a critic D_k.
// D_k tells real domain-k rows from G_k(E_j(x_j)) for every other domain j; G_k and E_j are trained to fool
// it; latent cycle consistency asks E_k(G_k(E_j(x_j))) = E_j(x_j). Training is joint (one optimiser for all
// critics, one for all encoders and decoders) with the Wasserstein loss and a gradient penalty, as the paper
// trains its critics in the WGAN framework.
//
// Three decisions beyond the paper's text, all because they make the translated rows usable as training rows
// for a target-domain classifier:
// - The label. The paper treats (x, y) as the domain's row and translates y too. Here every domain shares one
//   label space, so the label is a condition instead: E_k, G_k and D_k all see the one-hot label, and a row
//   keeps its label when translated. The decoder never has to invent a one-hot vector (which a critic
//   separates from a softmax output trivially), and a translated row cannot change class.
// - A reconstruction term G_j(E_j(x_j)) ~ x_j (weight `reconstructionWeight`, 0 turns it off). Without it
//   the latent cycle is satisfied by encoders that ignore their input, and the translation degenerates into
//   class-conditional sampling that carries nothing of the source row across.
// - A shared-column consistency term (weight `sharedWeight`, 0 turns it off): where two domains name a column
//   the same, the translation G_k(E_j(x_j)) must reproduce x_j's value in it. Adversarial, cycle and
//   reconstruction terms are all satisfied by a translation that permutes or scrambles columns the critics
//   cannot tell apart (measured on letter: translations no closer to the truth than a constant, even on the
//   columns both domains measure); the paper assumes one latent per subject that nothing in its loss
//   enforces, and this term is what ties E_j's latent of a row to the latent E_k would give the same subject.
//
// Columns are scaled per domain (`scaling`, columns.ts) and scaled back on output.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random.js';
import { checkMatrix, columnName, type NumericMatrix } from '../../tabular/matrix.js';
import { fitColumnScaler, RADIAL_SCALINGS, scaleColumns, unscaleColumns, type ColumnScaler, type RadialScaling } from './columns.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { applyDenseNetwork } from '../../models/dense-network.js';

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
  /**
   * Weight of the shared-column consistency term (not in the paper): on every column two domains both name
   * (x.names), a row translated from one into the other keeps its value. Default 10; 0 (or unnamed columns)
   * gives the paper's objective.
   */
  sharedWeight?: number;
  /**
   * 'minmax' (to [0, 1], sigmoid decoders), 'standard' (zero mean, unit std, linear decoders) or 'log'
   * ('standard' after sign(x) log(1 + |x|), for heavy tails). Default 'standard'.
   */
  scaling?: RadialScaling;
  /** Checkpoint every N steps when training into a runDir or store (default: only at the end). */
  checkpointEvery?: number;
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
  /** Shared-column consistency error (0 when the term is off). */
  sharedLoss: number;
}

export interface DomainData {
  name: string;
  cols: number;
  names?: readonly string[];
  scaler: ColumnScaler;
  /** Scaled rows, row-major float32. */
  scaled: Float32Array;
  labels: Int32Array;
}

export interface DomainNets { encoder: tfl.LayersModel; decoder: tfl.LayersModel; critic: tfl.LayersModel }

export function resolve(options: RadialGanOptions) {
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
    sharedWeight: options.sharedWeight ?? 10,
    scaling: options.scaling ?? 'standard',
    progressEvery: options.progressEvery ?? 100,
  };
  for (const key of ['latentDim', 'hidden', 'batchSize', 'criticSteps', 'progressEvery'] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0) throw new Error(`trainRadialGan: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new Error(`trainRadialGan: steps must be a non-negative integer, got ${o.steps}`);
  if (!(o.learningRate > 0)) throw new Error(`trainRadialGan: learningRate must be > 0, got ${o.learningRate}`);
  if (!RADIAL_SCALINGS.includes(o.scaling)) throw new Error(`trainRadialGan: scaling must be one of ${RADIAL_SCALINGS.join(', ')}, got ${JSON.stringify(o.scaling)}`);
  for (const key of ['gpWeight', 'cycleWeight', 'reconstructionWeight', 'sharedWeight'] as const) {
    if (!(o[key] >= 0)) throw new Error(`trainRadialGan: ${key} must be >= 0, got ${o[key]}`);
  }
  return o;
}

export function prepareDomain(d: RadialDomain, k: number, scaling: RadialScaling): DomainData {
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
  const names = d.x.names;
  const twice = names?.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`trainRadialGan (${name}): column name ${JSON.stringify(twice)} appears twice; shared columns are matched by name`);
  const scaler = fitColumnScaler(d.x, scaling);
  return { name, cols: d.x.cols, names, scaler, scaled: scaleColumns(scaler, d.x), labels };
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
    const scaled = scaleColumns(src.scaler, x);
    const out = tf.tidy(() => {
      const y = oneHot(labels, this.numClasses);
      const z = applyDenseNetwork(this.nets[from].encoder, tf.concat([tf.tensor2d(scaled, [x.rows, src.cols]), y], 1));
      return applyDenseNetwork(this.nets[to].decoder, tf.concat([z, y], 1));
    });
    const values = Float64Array.from(out.dataSync());
    out.dispose();
    return unscaleColumns(dst.scaler, { rows: x.rows, cols: dst.cols, values });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const n of this.nets) for (const net of [n.encoder, n.decoder, n.critic]) net.dispose();
  }

  private domain(k: number): DomainData {
    if (!Number.isInteger(k) || k < 0 || k >= this.domains.length) {
      throw new Error(`RadialGan: no domain ${k} (have 0..${this.domains.length - 1})`);
    }
    return this.domains[k];
  }
}

export function oneHot(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  const v = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) v[i * numClasses + labels[i]] = 1;
  return tf.tensor2d(v, [labels.length, numClasses]);
}

export interface Batch { x: tf.Tensor2D; y: tf.Tensor2D }

export function sampleBatch(d: DomainData, rows: number, rng: Rng, numClasses: number): Batch {
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
