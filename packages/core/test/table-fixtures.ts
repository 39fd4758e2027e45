// Data and runs for the tests of the table variants (not a test file itself).
import {
  createRng, removeCompletelyAtRandom, resumeAnomalyGan, resumeGain, trainAnomalyGan, trainGain, type LoopOptions, type NumericMatrix,
} from '../src/index.js';

/** Three strongly related columns (two noisy linear functions of a latent factor) plus a discrete column. */
export function correlatedTable(rows: number, seed: number): NumericMatrix {
  const rng = createRng(seed);
  const values = new Float64Array(rows * 4);
  for (let i = 0; i < rows; i++) {
    const t = rng.next();
    values.set([t, 2 * t + 0.05 * rng.normal(), 1 - t + 0.05 * rng.normal(), Math.round(4 * t)], i * 4);
  }
  return { rows, cols: 4, values, names: ['a', 'b', 'c', 'level'] };
}

export type TableVariant = 'gain' | 'anomaly';

/** What a variant's trained result offers the resume test: numbers to compare, and release. */
export interface Outcome { numbers(): number[]; dispose(): void }

interface ResumeRun {
  steps: number;
  data: NumericMatrix;
  train(extra: { checkpointEvery?: number }, run?: LoopOptions): Promise<Outcome>;
  resume(run: LoopOptions): Promise<Outcome>;
}

const amputed = removeCompletelyAtRandom(correlatedTable(120, 1), 0.2, createRng(2)).data;
const complete = correlatedTable(120, 3);
const gainOptions = { seed: 7, batchSize: 16, iterations: 10, learningRate: 0.01, generatorAverage: 0.8 };
const anomalyOptions = { seed: 7, batchSize: 16, iterations: 10, hidden: [8, 8], learningRate: 0.01 };

const imputed = (imputer: Awaited<ReturnType<typeof trainGain>>): Outcome =>
  ({ numbers: () => Array.from(imputer.impute(amputed).values), dispose: () => imputer.dispose() });
const scored = (scorer: Awaited<ReturnType<typeof trainAnomalyGan>>): Outcome =>
  ({ numbers: () => [...scorer.discriminatorScore(complete), ...scorer.featureResidual(complete)], dispose: () => scorer.dispose() });

/** The runs both the killed child and the uninterrupted reference train. */
export const resumeRuns: Record<TableVariant, ResumeRun> = {
  gain: {
    steps: gainOptions.iterations, data: amputed,
    train: async (extra, run) => imputed(await trainGain(amputed, { ...gainOptions, ...extra }, run)),
    resume: async (run) => imputed(await resumeGain(amputed, run)),
  },
  anomaly: {
    steps: anomalyOptions.iterations, data: complete,
    train: async (extra, run) => scored(await trainAnomalyGan(complete, { ...anomalyOptions, ...extra }, run)),
    resume: async (run) => scored(await resumeAnomalyGan(complete, run)),
  },
};
