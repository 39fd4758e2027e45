// Data for GAIN's tests (not a test file itself).
import { createRng, type NumericMatrix } from '../src/index.js';

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

/** The GAIN run both the killed child and the uninterrupted reference train. */
export const resumeRun = { rows: 120, steps: 10, options: { seed: 7, batchSize: 16, iterations: 10, learningRate: 0.01, generatorAverage: 0.8 } };
