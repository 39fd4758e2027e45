// A CTGAN-style tabular synthesizer (Xu, Skoularidou, Cuesta-Infante & Veeramachaneni, NeurIPS 2019):
// mode-specific normalisation (transformer.ts), a conditional generator trained by sampling
// (conditional.ts), Gumbel-softmax one-hot outputs and a PacGAN critic with the WGAN-GP loss (networks.ts,
// gantry's gradientPenalty). Runs on tfjs ops, so on any tfjs backend; seeded and deterministic on a backend.
// This file: the trained synthesizer and sampling. Training, on gantry's one loop: ./trainer.ts.
//
// Defaults follow CTGAN's: embedding 128, generator (256, 256), discriminator (256, 256), batch 500, pac 10,
// Adam(2e-4, 0.5, 0.9) for both networks, one critic step per generator step, Gumbel temperature 0.2,
// gradient-penalty weight 10, dropout 0.5. Differences: training length is counted in steps (CTGAN: epochs);
// no weight decay on the generator (tfjs Adam has none; CTGAN uses 1e-6).
import * as tf from '@tensorflow/tfjs-core';
import type { CsvTable } from '../../data/csv.js';
import { createRng, randomNormal, restoreRng, type Rng, type RngState } from '../../random.js';
import { buildCondSpace, fixedCondBatch, sampleCondBatch, type CondBatch, type CondSpace } from './conditional.js';
import {
  activateOutputs, createGenerator, generatorLogits, generatorState, gumbelNoise, outputPlan, type Generator, type OutputPlan,
} from './networks.js';
import { inverseTransform, type TableLayout } from './transformer.js';

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
  /** Checkpoint every N steps when fitting into a runDir or store (default: only at the end). */
  checkpointEvery?: number;
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

export interface Architecture {
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

