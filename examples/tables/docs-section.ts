// What the table experiments share: the GAIN paper's data sets, the docs section writer (the text between
// <!-- name:start --> and <!-- name:end --> in docs/tables.md), and the backend choice.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NumericMatrix } from '@gantry/core';
import { readCsvFile } from '@gantry/core/node';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const runsDir = join(repoRoot, 'runs', 'tables');

/** The GAIN paper's UCI data sets in ../shared/datasets, and their label columns (dropped for imputation). */
export const IMPUTATION_DATASETS: Record<string, { file: string; label: string }> = {
  letter: { file: 'letter.csv', label: 'lettr' },
  spam: { file: 'spam.csv', label: 'type' },
};

/** A data set's feature columns (every column but the label). */
export function loadFeatures(name: string): NumericMatrix {
  const spec = IMPUTATION_DATASETS[name];
  if (!spec) throw new Error(`unknown dataset ${JSON.stringify(name)} (have ${Object.keys(IMPUTATION_DATASETS).join(', ')})`);
  const table = readCsvFile(join(repoRoot, '..', 'shared', 'datasets', spec.file));
  const keep = table.columns.filter((c) => c.name !== spec.label);
  const values = new Float64Array(table.numRows * keep.length);
  for (let i = 0; i < table.numRows; i++) keep.forEach((c, k) => { values[i * keep.length + k] = table.matrix[i * table.numColumns + c.index]; });
  return { rows: table.numRows, cols: keep.length, values, names: keep.map((c) => c.name) };
}

/** Replaces the section `name` of a doc (docs/tables.md unless another file under docs/ is named). */
export function writeDocsSection(name: string, body: string, doc = 'tables.md'): void {
  const path = join(repoRoot, 'docs', doc);
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path}: missing the ${start} ... ${end} markers`);
  writeFileSync(path, text.slice(0, a + start.length) + '\n' + body + '\n' + text.slice(b));
}

/**
 * The fastest tfjs backend here: the LibTorch one when its addon is built (GANTRY_BACKEND=cpu forces cpu).
 * Same rule as the CLI's backend choice.
 */
export async function useFastestBackend(): Promise<string> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  if (process.env.GANTRY_BACKEND !== 'cpu') {
    try {
      await import('@gantry/tfjs-backend-torch');
      if (await tf.setBackend('torch')) return 'torch';
    } catch (e) {
      if (process.env.GANTRY_BACKEND === 'torch') throw e;
    }
  }
  tf.env().set('IS_TEST', true); // silences tfjs-backend-cpu's "install tfjs-node" banner
  await tf.setBackend('cpu');
  return 'cpu';
}
