// A CTGAN-style tabular synthesizer (Xu, Skoularidou, Cuesta-Infante & Veeramachaneni, NeurIPS 2019):
// mode-specific normalisation (transformer.ts), a conditional generator trained by sampling
// (conditional.ts), Gumbel-softmax one-hot outputs and a PacGAN critic with the WGAN-GP loss (networks.ts,
// gantry's gradientPenalty). Runs on tfjs ops, so on any tfjs backend; seeded and deterministic on a backend.
//
// Defaults follow CTGAN's: embedding 128, generator (256, 256), discriminator (256, 256), batch 500, pac 10,
// Adam(2e-4, 0.5, 0.9) for both networks, one critic step per generator step, Gumbel temperature 0.2,
// gradient-penalty weight 10, dropout 0.5. Differences: training length is counted in steps (CTGAN: epochs);
// no weight decay on the generator (tfjs Adam has none; CTGAN uses 1e-6).
import * as tf from '@tensorflow/tfjs-core';
import type { CsvTable } from '../../data/csv.js';
import { gradientPenalty } from '../../penalties.js';
import { createRng, forkRng, permutation, randomNormal, restoreRng, type Rng, type RngState } from '../../random.js';
import { buildCondSpace, fixedCondBatch, indexRowsBySlot, matchingRows, sampleCondBatch, type CondBatch, type CondSpace } from './conditional.js';
import {
  activateOutputs, createDiscriminator, createGenerator, discriminatorScores, discriminatorVariables, dropoutMasks, generatorLogits,
  generatorState, generatorVariables, gumbelNoise, outputPlan, pack, type Discriminator, type Generator, type OutputPlan,
} from './networks.js';
import { fitTableLayout, inverseTransform, transformTable, type TableLayout } from './transformer.js';

export interface SynthesizerOptions {
  seed: number;
  /** Generator updates (each after discriminatorSteps critic updates). Default 1000. */
  steps?: number;
  /** Rows per batch; a multiple of pac. Default 500. */
  batchSize?: number;
  /** PacGAN pack size. Default 10. */
  pac?: number;
  embeddingDim?: number;
  generatorDims?: readonly number[];
  discriminatorDims?: readonly number[];
  learningRate?: number;
  discriminatorSteps?: number;
  gradientPenaltyWeight?: number;
  temperature?: number;
  dropout?: number;
  /** Mode-specific normalisation: at most this many modes per numeric column (10). */
  maxModes?: number;
  /** Modes lighter than this are pruned (0.005). */
  modeWeightThreshold?: number;
  onProgress?: (p: SynthProgress) => void;
  /** Report every this many steps (default steps / 10). */
  progressEvery?: number;
}

export interface SynthProgress {
  step: number;
  steps: number;
  /** Critic loss without the penalty: mean D(fake) - mean D(real) (minus the Wasserstein estimate). */
  criticLoss: number;
  gradientPenalty: number;
  /** -mean D(fake) as the generator sees it. */
  generatorLoss: number;
  /** Cross-entropy between the asked-for categories and the generator's logits. */
  conditionLoss: number;
  seconds: number;
}

export interface SynthSampleOptions {
  /** Generate rows of one category of one categorical column. */
  condition?: { column: string; value: string };
  /**
   * With a condition: write the asked-for value into that column of every row (default true). The generator
   * is steered by the cond vector and learns to obey it, but not always; false leaves its own choice.
   */
  enforce?: boolean;
  /** Sampling seed; default: the synthesizer's own stream (continues between calls). */
  seed?: number;
}

/**
 * Finds a sampling condition's column and category code among a table's columns (a CsvTable's, or a trained
 * layout's), or throws an error that names the column and the value and lists what is accepted. Callers can check a
 * condition against the data before spending minutes on training.
 */
export function resolveCondition(
  columns: readonly { name: string; type: 'numeric' | 'categorical'; categories?: readonly string[] }[],
  condition: { column: string; value: string },
  what = 'condition',
): { column: number; code: number } {
  const names = columns.map((c) => c.name);
  const categorical = columns.filter((c) => c.type === 'categorical').map((c) => c.name);
  const column = names.indexOf(condition.column);
  if (column < 0) {
    throw new Error(`${what}: unknown column ${JSON.stringify(condition.column)} in the condition (columns: ${names.join(', ')}; categorical ones can be conditioned on: ${categorical.join(', ') || 'none'})`);
  }
  const c = columns[column];
  if (c.type !== 'categorical') {
    throw new Error(`${what}: column ${JSON.stringify(condition.column)} is numeric; a condition needs a categorical column (${categorical.join(', ') || 'this table has none'})`);
  }
  const categories = c.categories ?? [];
  const code = categories.indexOf(condition.value);
  if (code < 0) {
    const shown = categories.length > 40 ? `${categories.slice(0, 40).join(', ')}, ... (${categories.length} in all)` : categories.join(', ');
    throw new Error(`${what}: column ${JSON.stringify(condition.column)} has no category ${JSON.stringify(condition.value)} (accepted: ${shown})`);
  }
  return { column, code };
}

interface Architecture {
  embeddingDim: number;
  generatorDims: number[];
  batchSize: number;
  temperature: number;
}

/** What a saved synthesizer holds (JSON-safe). */
export interface SynthesizerJson {
  format: 'gantry-tabular-synthesizer';
  version: 1;
  layout: TableLayout;
  architecture: Architecture;
  /** Generator weights and running batch-norm statistics in generatorState() order. */
  weights: { shape: number[]; values: number[] }[];
  rng: RngState;
  training: { steps: number; seconds: number; seed: number };
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`fitSynthesizer: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** A trained generator and the transform around it. Holds tfjs variables: dispose() it. */
export class TabularSynthesizer {
  private readonly plan: OutputPlan;
  private readonly cond: CondSpace;

  constructor(
    readonly layout: TableLayout,
    private readonly generator: Generator,
    private readonly architecture: Architecture,
    private rng: Rng,
    readonly training: { steps: number; seconds: number; seed: number },
  ) {
    this.plan = outputPlan(layout.spans, layout.width);
    this.cond = buildCondSpace(layout);
  }

  get columnNames(): string[] { return this.layout.columns.map((c) => c.name); }

  /** n synthetic rows as a table with the training table's columns. */
  sample(n: number, options: SynthSampleOptions = {}): CsvTable {
    if (!Number.isInteger(n) || n < 0) throw new Error(`sample: the number of rows must be a non-negative integer, got ${n}`);
    const rng = options.seed === undefined ? this.rng : createRng(options.seed);
    const fixed = options.condition ? this.resolveCondition(options.condition) : undefined;
    const { batchSize, embeddingDim, temperature } = this.architecture;
    const rows = new Float32Array(n * this.layout.width);
    for (let start = 0; start < n; start += batchSize) {
      const batch: CondBatch = fixed
        ? fixedCondBatch(this.cond, batchSize, fixed.condColumn, fixed.slot)
        : sampleCondBatch(this.cond, batchSize, rng, 'frequency');
      const out = tf.tidy(() => {
        const z = randomNormal(rng, [batchSize, embeddingDim]) as tf.Tensor2D;
        const input = this.cond.width > 0 ? tf.concat([z, tf.tensor2d(batch.vectors, [batchSize, this.cond.width])], 1) : z;
        return activateOutputs(this.plan, generatorLogits(this.generator, input, 'running'), temperature, gumbelNoise(rng, batchSize, this.layout.width));
      });
      const values = out.dataSync() as Float32Array;
      out.dispose();
      const take = Math.min(batchSize, n - start);
      rows.set(values.subarray(0, take * this.layout.width), start * this.layout.width);
    }
    const table = inverseTransform(this.layout, rows, n);
    if (fixed && (options.enforce ?? true)) {
      const col = table.columns[fixed.tableColumn];
      for (let i = 0; i < n; i++) table.matrix[i * table.numColumns + fixed.tableColumn] = fixed.slot;
      col.missing = 0;
    }
    return table;
  }

  private resolveCondition(c: { column: string; value: string }): { condColumn: number; slot: number; tableColumn: number } {
    const { column: tableColumn, code: slot } = resolveCondition(
      this.layout.columns.map((l) => ({ name: l.name, type: l.kind, categories: l.kind === 'categorical' ? l.categories : undefined })), c, 'sample');
    return { condColumn: this.cond.columns.findIndex((cc) => cc.column === tableColumn), slot, tableColumn };
  }

  toJSON(): SynthesizerJson {
    return {
      format: 'gantry-tabular-synthesizer',
      version: 1,
      layout: this.layout,
      architecture: this.architecture,
      weights: generatorState(this.generator).map((v) => ({ shape: [...v.shape], values: Array.from(v.dataSync()) })),
      rng: this.rng.state(),
      training: this.training,
    };
  }

  static fromJSON(json: SynthesizerJson): TabularSynthesizer {
    if (json?.format !== 'gantry-tabular-synthesizer' || json.version !== 1) {
      throw new Error(`not a saved gantry tabular synthesizer (format ${JSON.stringify(json?.format)}, version ${JSON.stringify(json?.version)})`);
    }
    const { layout, architecture } = json;
    const condWidth = buildCondSpace(layout).width;
    const generator = createGenerator(createRng(0), architecture.embeddingDim + condWidth, architecture.generatorDims, layout.width);
    const vars = generatorState(generator);
    if (vars.length !== json.weights.length) throw new Error(`saved synthesizer has ${json.weights.length} weight tensors, the architecture needs ${vars.length}`);
    vars.forEach((v, k) => {
      const w = json.weights[k];
      if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
        throw new Error(`saved synthesizer weight ${k} has shape [${w.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
      }
      tf.tidy(() => v.assign(tf.tensor(Float32Array.from(w.values), v.shape)));
    });
    return new TabularSynthesizer(layout, generator, architecture, restoreRng(json.rng), json.training);
  }

  dispose(): void {
    for (const v of generatorState(this.generator)) v.dispose();
  }
}

interface Training {
  layout: TableLayout;
  plan: OutputPlan;
  cond: CondSpace;
  data: Float32Array;
  numRows: number;
  generator: Generator;
  discriminator: Discriminator;
  gOpt: tf.Optimizer;
  dOpt: tf.Optimizer;
  rng: Rng;
  batchSize: number;
  pac: number;
  embeddingDim: number;
  temperature: number;
  dropout: number;
  penaltyWeight: number;
}

function condTensor(t: Training, b: CondBatch): tf.Tensor2D {
  return tf.tensor2d(b.vectors, [b.columnChoice.length, t.cond.width]);
}

function withCond(x: tf.Tensor2D, cond: tf.Tensor2D | undefined): tf.Tensor2D {
  return cond ? tf.concat([x, cond], 1) : x;
}

function fakeRows(t: Training, batch: CondBatch, updateRunning = false): { logits: tf.Tensor2D; rows: tf.Tensor2D; cond?: tf.Tensor2D } {
  const cond = t.cond.width > 0 ? condTensor(t, batch) : undefined;
  const z = randomNormal(t.rng, [t.batchSize, t.embeddingDim]) as tf.Tensor2D;
  const logits = generatorLogits(t.generator, withCond(z, cond), 'batch', updateRunning);
  const rows = activateOutputs(t.plan, logits, t.temperature, gumbelNoise(t.rng, t.batchSize, t.layout.width));
  return { logits, rows, cond };
}

/** CTGAN's condition loss: cross-entropy of the asked-for category under the generator's logits, summed over the batch / batch size. */
export function conditionLoss(cond: CondSpace, logits: tf.Tensor2D, condVectors: tf.Tensor2D): tf.Scalar {
  const terms = cond.columns.map((c) => {
    const logProb = tf.logSoftmax(tf.slice(logits, [0, c.dataStart], [-1, c.size]));
    return tf.sum(tf.mul(tf.slice(condVectors, [0, c.condStart], [-1, c.size]), logProb));
  });
  return tf.div(tf.neg(tf.addN(terms)), logits.shape[0]) as tf.Scalar;
}

function criticStep(t: Training, read: boolean): { critic: number; penalty: number } | undefined {
  return tf.tidy(() => {
    const batch = sampleCondBatch(t.cond, t.batchSize, t.rng, 'log-frequency');
    // The critic's fake batch (off the generator's tape) also moves batch norm's running statistics.
    const fake = fakeRows(t, batch, true);
    // Real rows answer a shuffled copy of the same conditions (CTGAN), so the critic cannot pair rows by position.
    const perm = permutation(t.rng, t.batchSize);
    const shuffled: CondBatch = {
      vectors: new Float32Array(batch.vectors.length),
      columnChoice: Int32Array.from(perm, (p) => batch.columnChoice[p]),
      slotChoice: Int32Array.from(perm, (p) => batch.slotChoice[p]),
    };
    perm.forEach((p, i) => shuffled.vectors.set(batch.vectors.subarray(p * t.cond.width, (p + 1) * t.cond.width), i * t.cond.width));
    const idx = matchingRows(t.cond, shuffled, t.numRows, t.rng);
    const real = new Float32Array(t.batchSize * t.layout.width);
    idx.forEach((r, i) => real.set(t.data.subarray(r * t.layout.width, (r + 1) * t.layout.width), i * t.layout.width));
    const realRows = tf.tensor2d(real, [t.batchSize, t.layout.width]);
    const realPacked = pack(withCond(realRows, t.cond.width > 0 ? condTensor(t, shuffled) : undefined), t.pac);
    const fakePacked = pack(withCond(fake.rows, fake.cond), t.pac);
    const masks = dropoutMasks(t.discriminator, t.batchSize / t.pac, t.dropout, t.rng);
    const critic = (x: tf.Tensor) => discriminatorScores(t.discriminator, x as tf.Tensor2D, masks);
    let wasserstein: tf.Scalar | undefined;
    let penalty: tf.Scalar | undefined;
    const { grads } = tf.variableGrads(() => {
      // Kept past variableGrads' own tidy so they can be read for progress (disposed below).
      const w = tf.keep(tf.sub(tf.mean(critic(fakePacked)), tf.mean(critic(realPacked))) as tf.Scalar);
      const p = tf.keep(gradientPenalty(critic, realPacked, fakePacked, t.rng, t.penaltyWeight));
      [wasserstein, penalty] = [w, p];
      return tf.add(w, p) as tf.Scalar;
    }, discriminatorVariables(t.discriminator));
    t.dOpt.applyGradients(grads);
    const kept = [wasserstein, penalty] as tf.Scalar[];
    try {
      return read ? { critic: kept[0].dataSync()[0], penalty: kept[1].dataSync()[0] } : undefined;
    } finally {
      tf.dispose(kept);
    }
  });
}

function generatorStep(t: Training, read: boolean): { adversarial: number; condition: number } | undefined {
  return tf.tidy(() => {
    const batch = sampleCondBatch(t.cond, t.batchSize, t.rng, 'log-frequency');
    const masks = dropoutMasks(t.discriminator, t.batchSize / t.pac, t.dropout, t.rng);
    let adversarial: tf.Scalar | undefined;
    let condition: tf.Scalar | undefined;
    const { grads } = tf.variableGrads(() => {
      const fake = fakeRows(t, batch);
      const a = tf.keep(tf.neg(tf.mean(discriminatorScores(t.discriminator, pack(withCond(fake.rows, fake.cond), t.pac), masks))) as tf.Scalar);
      const c = tf.keep(fake.cond ? conditionLoss(t.cond, fake.logits, fake.cond) : tf.scalar(0));
      [adversarial, condition] = [a, c];
      return tf.add(a, c) as tf.Scalar;
    }, generatorVariables(t.generator));
    t.gOpt.applyGradients(grads);
    const kept = [adversarial, condition] as tf.Scalar[];
    try {
      return read ? { adversarial: kept[0].dataSync()[0], condition: kept[1].dataSync()[0] } : undefined;
    } finally {
      tf.dispose(kept);
    }
  });
}

/** Fits the synthesizer to a table (numeric and categorical columns; NaN = missing, see transformer.ts). */
export function fitSynthesizer(table: CsvTable, options: SynthesizerOptions): TabularSynthesizer {
  const steps = options.steps ?? 1000;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`fitSynthesizer: steps must be a non-negative integer, got ${steps}`);
  const pac = positiveInt(options.pac ?? 10, 'pac');
  const batchSize = positiveInt(options.batchSize ?? 500, 'batchSize');
  if (batchSize % pac !== 0) throw new Error(`fitSynthesizer: batchSize ${batchSize} must be a multiple of pac ${pac}`);
  const embeddingDim = positiveInt(options.embeddingDim ?? 128, 'embeddingDim');
  const generatorDims = [...(options.generatorDims ?? [256, 256])].map((d) => positiveInt(d, 'generatorDims'));
  const discriminatorDims = [...(options.discriminatorDims ?? [256, 256])].map((d) => positiveInt(d, 'discriminatorDims'));
  const discriminatorSteps = positiveInt(options.discriminatorSteps ?? 1, 'discriminatorSteps');
  const learningRate = options.learningRate ?? 2e-4;
  const temperature = options.temperature ?? 0.2;
  const dropout = options.dropout ?? 0.5;
  const penaltyWeight = options.gradientPenaltyWeight ?? 10;
  if (!(learningRate > 0)) throw new Error(`fitSynthesizer: learningRate must be > 0, got ${learningRate}`);
  if (!(temperature > 0)) throw new Error(`fitSynthesizer: temperature must be > 0, got ${temperature}`);
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`fitSynthesizer: dropout must lie in [0, 1), got ${dropout}`);
  if (!(penaltyWeight >= 0)) throw new Error(`fitSynthesizer: gradientPenaltyWeight must be >= 0, got ${penaltyWeight}`);
  if (!Number.isFinite(options.seed)) throw new Error(`fitSynthesizer: seed must be a finite number, got ${options.seed}`);

  const started = performance.now();
  const rng = createRng(options.seed);
  const layout = fitTableLayout(table, { maxModes: options.maxModes, weightThreshold: options.modeWeightThreshold });
  const data = transformTable(layout, table, forkRng(rng));
  const cond = buildCondSpace(layout);
  indexRowsBySlot(cond, layout.width, data, table.numRows);
  const generator = createGenerator(forkRng(rng), embeddingDim + cond.width, generatorDims, layout.width);
  const discriminator = createDiscriminator(forkRng(rng), pac * (layout.width + cond.width), discriminatorDims);
  const t: Training = {
    layout, plan: outputPlan(layout.spans, layout.width), cond, data, numRows: table.numRows, generator, discriminator,
    gOpt: tf.train.adam(learningRate, 0.5, 0.9), dOpt: tf.train.adam(learningRate, 0.5, 0.9),
    rng: forkRng(rng), batchSize, pac, embeddingDim, temperature, dropout, penaltyWeight,
  };
  const every = Math.max(1, options.progressEvery ?? Math.floor(steps / 10));
  try {
    for (let step = 0; step < steps; step++) {
      const read = options.onProgress !== undefined && ((step + 1) % every === 0 || step + 1 === steps);
      let d: { critic: number; penalty: number } | undefined;
      for (let k = 0; k < discriminatorSteps; k++) d = criticStep(t, read && k + 1 === discriminatorSteps);
      const g = generatorStep(t, read);
      if (read && d && g) {
        options.onProgress?.({
          step: step + 1, steps, criticLoss: d.critic, gradientPenalty: d.penalty, generatorLoss: g.adversarial, conditionLoss: g.condition,
          seconds: (performance.now() - started) / 1000,
        });
      }
    }
  } catch (e) {
    tf.dispose(generatorState(generator));
    throw e;
  } finally {
    tf.dispose(discriminatorVariables(discriminator));
    t.gOpt.dispose();
    t.dOpt.dispose();
  }
  return new TabularSynthesizer(layout, generator, { embeddingDim, generatorDims, batchSize, temperature }, forkRng(rng), {
    steps, seconds: (performance.now() - started) / 1000, seed: options.seed,
  });
}
