// Training the CTGAN-style synthesizer as a variant of gantry's one training loop: the generator and the
// PacGAN critic are parameter sets (plain tf.Variables; the generator's include its batch-norm running
// statistics), and a step is `discriminatorSteps` critic updates then one generator update:
//   lossD = W + gp        lossG = adversarial + condition
import * as tf from '@tensorflow/tfjs-core';
import type { CsvTable } from '../../data/csv.js';
import { adam } from '../../optimizers.js';
import { gradientPenalty } from '../../penalties.js';
import { createRng, forkRng, permutation, randomNormal, type Rng } from '../../random.js';
import { checkpointToResume, continueTraining, reportingSteps, startTraining, type LoopOptions, type Trainable } from '../../train/loop.js';
import type { LossValues } from '../../train/types.js';
import { minimize, term, type UpdateEnv } from '../../train/update.js';
import { buildCondSpace, indexRowsBySlot, matchingRows, sampleCondBatch, type CondBatch, type CondSpace } from './conditional.js';
import {
  activateOutputs, createDiscriminator, createGenerator, discriminatorScores, discriminatorVariables, dropoutMasks, generatorLogits,
  generatorState, generatorVariables, gumbelNoise, outputPlan, pack, type Discriminator, type Generator, type OutputPlan,
} from './networks.js';
import { TabularSynthesizer, type SynthesizerOptions } from './synthesizer.js';
import { fitTableLayout, transformTable, type TableLayout } from './transformer.js';

export const SYNTH_KIND = 'tabular-synthesizer';

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`fitSynthesizer: ${name} must be a positive integer, got ${v}`);
  return v;
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

function criticStep(t: Training, env: UpdateEnv): LossValues {
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
    return minimize(env, { variables: discriminatorVariables(t.discriminator) }, t.dOpt, (parts) => {
      const w = term(parts, 'critic/wasserstein', tf.sub(tf.mean(critic(fakePacked)), tf.mean(critic(realPacked))) as tf.Scalar);
      const p = term(parts, 'critic/gp', gradientPenalty(critic, realPacked, fakePacked, t.rng, t.penaltyWeight));
      return tf.add(w, p) as tf.Scalar;
    });
  });
}

function generatorStep(t: Training, env: UpdateEnv): LossValues {
  return tf.tidy(() => {
    const batch = sampleCondBatch(t.cond, t.batchSize, t.rng, 'log-frequency');
    const masks = dropoutMasks(t.discriminator, t.batchSize / t.pac, t.dropout, t.rng);
    return minimize(env, { variables: generatorVariables(t.generator) }, t.gOpt, (parts) => {
      const fake = fakeRows(t, batch);
      const a = term(parts, 'generator/adversarial', tf.neg(tf.mean(discriminatorScores(t.discriminator, pack(withCond(fake.rows, fake.cond), t.pac), masks))) as tf.Scalar);
      const c = term(parts, 'generator/condition', fake.cond ? conditionLoss(t.cond, fake.logits, fake.cond) : tf.scalar(0));
      return tf.add(a, c) as tf.Scalar;
    });
  });
}


/** The synthesizer as the loop sees it, the RNG its steps start from, and the synthesizer it trains. */
function synthTrainable(table: CsvTable, options: SynthesizerOptions): { trainable: Trainable; rng: Rng; synthesizer(seconds: number): TabularSynthesizer } {
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

  const rng = createRng(options.seed);
  const layout = fitTableLayout(table, { maxModes: options.maxModes, weightThreshold: options.modeWeightThreshold });
  const data = transformTable(layout, table, forkRng(rng));
  const cond = buildCondSpace(layout);
  indexRowsBySlot(cond, layout.width, data, table.numRows);
  const generator = createGenerator(forkRng(rng), embeddingDim + cond.width, generatorDims, layout.width);
  const discriminator = createDiscriminator(forkRng(rng), pac * (layout.width + cond.width), discriminatorDims);
  const t: Training = {
    layout, plan: outputPlan(layout.spans, layout.width), cond, data, numRows: table.numRows, generator, discriminator,
    gOpt: adam(learningRate, 0.5, 0.9), dOpt: adam(learningRate, 0.5, 0.9),
    rng: forkRng(rng), batchSize, pac, embeddingDim, temperature, dropout, penaltyWeight,
  };
  const { onProgress: _onProgress, ...config } = options;
  const trainable: Trainable = {
    kind: SYNTH_KIND,
    config: { ...config, rows: table.numRows, columns: table.columns.map((c) => c.name) },
    settings: {
      seed: options.seed, sampleEvery: 0, checkpointEvery: options.checkpointEvery ?? 0, keepCheckpoints: 3,
      logEvery: Math.max(1, Math.floor(steps / 10)), guardEvery: 100, learningRateDecay: 0,
    },
    models: {},
    parameters: { generator: { variables: generatorState(generator) }, discriminator: { variables: discriminatorVariables(discriminator) } },
    optimizers: { generator: t.gOpt, discriminator: t.dOpt },
    // Not sharded: with replicas every rank trains on the same full batches (the same result, no speed-up).
    step(env) {
      // every draw of the step from the run's RNG (a resumed run restores it)
      t.rng = env.rng;
      let critic: LossValues = {};
      for (let k = 0; k < discriminatorSteps; k++) critic = criticStep(t, env);
      return { ...critic, ...generatorStep(t, env) };
    },
  };
  // the synthesizer's own sampling stream, after the forks above: the same whether the run was resumed or not
  const sampling = forkRng(rng);
  return {
    trainable, rng: t.rng,
    synthesizer: (seconds) => new TabularSynthesizer(layout, generator, { embeddingDim, generatorDims, batchSize, temperature }, sampling, {
      steps, seconds, seed: options.seed,
    }),
  };
}

/** The run options with the synthesizer's progress reports (every progressEvery steps, the last). */
function progressOf(options: SynthesizerOptions, run: LoopOptions, started: number): LoopOptions {
  const report = options.onProgress;
  const steps = options.steps ?? 1000;
  const every = Math.max(1, options.progressEvery ?? Math.floor(steps / 10));
  return reportingSteps(run, (step) => step % every === 0 || step === steps, report && (({ step, losses: l }) => report({
    step, steps, criticLoss: l['critic/wasserstein'], gradientPenalty: l['critic/gp'], generatorLoss: l['generator/adversarial'],
    conditionLoss: l['generator/condition'], seconds: (performance.now() - started) / 1000,
  })));
}

async function trained(parts: ReturnType<typeof synthTrainable>, started: number, train: () => Promise<unknown>): Promise<TabularSynthesizer> {
  const { generator, discriminator } = parts.trainable.parameters!;
  try {
    await train();
  } catch (e) {
    tf.dispose([...generator.variables]);
    throw e;
  } finally {
    tf.dispose([...discriminator.variables]);
    for (const optimizer of Object.values(parts.trainable.optimizers)) optimizer.dispose();
  }
  return parts.synthesizer((performance.now() - started) / 1000);
}

/** Fits the synthesizer to a table (numeric and categorical columns; NaN = missing, see transformer.ts). */
export async function fitSynthesizer(table: CsvTable, options: SynthesizerOptions, run: LoopOptions = {}): Promise<TabularSynthesizer> {
  const started = performance.now();
  const parts = synthTrainable(table, options);
  const steps = options.steps ?? 1000;
  return trained(parts, started, () => startTraining(parts.trainable, { ...progressOf(options, run, started), progress: run.progress ?? 'off', steps, rng: parts.rng }));
}

/** Continues fitting from a run's newest checkpoint, on the same table. */
export async function resumeSynthesizer(table: CsvTable, run: LoopOptions & { steps?: number }): Promise<TabularSynthesizer> {
  const started = performance.now();
  const { store, checkpoint } = await checkpointToResume(SYNTH_KIND, run, 'resumeSynthesizer');
  const config = checkpoint.state.config as SynthesizerOptions & { rows: number; columns: string[] };
  const columns = table.columns.map((c) => c.name);
  if (config.rows !== table.numRows || JSON.stringify(config.columns) !== JSON.stringify(columns)) {
    throw new Error(`${store.location} was fitted to ${config.rows} rows of [${config.columns.join(', ')}], not ${table.numRows} rows of [${columns.join(', ')}]`);
  }
  const parts = synthTrainable(table, config);
  return trained(parts, started, () => continueTraining(parts.trainable, checkpoint, { ...run, store, runDir: undefined, progress: run.progress ?? 'off', steps: run.steps }));
}
