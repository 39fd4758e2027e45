// Data and runs for the tests of the table variants (not a test file itself).
import {
  createRng, fitSynthesizer, parseCsv, removeCompletelyAtRandom, resumeAnomalyGan, resumeGain, resumeRadialGan, resumeSynthesizer, selectColumns,
  trainAnomalyGan, trainGain, trainRadialGan, type LoopOptions, type NumericMatrix, type RadialDomain,
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

export type TableVariant = 'gain' | 'anomaly' | 'radialgan' | 'synth';

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

// two domains that measure different columns of the same rows' kind, labels shared; both name column b, so
// the resume covers the shared-column term (and the default standard scaling)
const labels = Array.from({ length: 120 }, (_, i) => i % 3);
export const radialDomains: RadialDomain[] = [
  { name: 'A', x: selectColumns(complete, [0, 1]), labels },
  { name: 'B', x: selectColumns(complete, [1, 2, 3]), labels },
];
const radialOptions = { seed: 7, steps: 10, hidden: 8, latentDim: 4, batchSize: 16, numClasses: 3 };

// a mixed table for the synthesizer: two numeric columns and a category
const kinds = ['a', 'b', 'c'];
const mixed = parseCsv(`x,y,kind\n${Array.from({ length: 120 }, (_, i) => `${(complete.values[i * 4] * 10).toFixed(2)},${i % 7},${kinds[i % 3]}`).join('\n')}\n`);
const synthOptions = { seed: 7, steps: 10, batchSize: 20, pac: 2, embeddingDim: 8, generatorDims: [16], discriminatorDims: [16] };

const imputed = (imputer: Awaited<ReturnType<typeof trainGain>>): Outcome =>
  ({ numbers: () => Array.from(imputer.impute(amputed).values), dispose: () => imputer.dispose() });
const scored = (scorer: Awaited<ReturnType<typeof trainAnomalyGan>>): Outcome =>
  ({ numbers: () => [...scorer.discriminatorScore(complete), ...scorer.featureResidual(complete)], dispose: () => scorer.dispose() });

const translated = (gan: Awaited<ReturnType<typeof trainRadialGan>>): Outcome =>
  ({ numbers: () => Array.from(gan.translate(0, radialDomains[0].x, labels, 1).values), dispose: () => gan.dispose() });

const sampled = (synth: Awaited<ReturnType<typeof fitSynthesizer>>): Outcome =>
  ({ numbers: () => Array.from(synth.sample(30, { seed: 1 }).matrix), dispose: () => synth.dispose() });

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
  radialgan: {
    steps: radialOptions.steps, data: complete,
    train: async (extra, run) => translated(await trainRadialGan(radialDomains, { ...radialOptions, ...extra }, run)),
    resume: async (run) => translated(await resumeRadialGan(radialDomains, run)),
  },
  synth: {
    steps: synthOptions.steps, data: complete,
    train: async (extra, run) => sampled(await fitSynthesizer(mixed, { ...synthOptions, ...extra }, run)),
    resume: async (run) => sampled(await resumeSynthesizer(mixed, run)),
  },
};
