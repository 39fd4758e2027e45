// Fidelity of synthetic rows (e.g. from `gantry sample RUN --out s.csv` or `gantry synth`) against the real
// CSV, beside the same measures between two disjoint halves of the real rows (what a perfect generator
// would score with that many rows).
//   node --conditions=gantry-source --import tsx examples/tables/fidelity-of-csv.ts ../shared/datasets/letter.csv s.csv [--seed 0]
import { parseArgs } from 'node:util';
import { columnDistances, correlationDifference, createRng, type ColumnSpec, type CsvTable } from '@gantry/core';
import { readCsvFile } from '@gantry/core/node';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '0' } } });
const [realPath, synthPath] = positionals;
if (!realPath || !synthPath) {
  console.error('usage: fidelity-of-csv.ts <real.csv> <synthetic.csv> [--seed 0]');
  process.exit(2);
}
const real = readCsvFile(realPath);
// read the synthetic rows with the real table's types and category codes, so columns compare code for code
const schema: Record<string, ColumnSpec> = {};
for (const c of real.columns) schema[c.name] = c.type === 'categorical' ? { type: 'categorical', categories: c.categories } : 'numeric';
const synthetic = readCsvFile(synthPath, { schema });

function rowsOf(t: CsvTable, rows: ArrayLike<number>, label: string): CsvTable {
  const matrix = new Float64Array(rows.length * t.numColumns);
  for (let i = 0; i < rows.length; i++) matrix.set(t.matrix.subarray(rows[i] * t.numColumns, (rows[i] + 1) * t.numColumns), i * t.numColumns);
  return { ...t, source: label, numRows: rows.length, matrix };
}

function summary(a: CsvTable, b: CsvTable) {
  const d = columnDistances(a, b);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
  return {
    ks: mean(d.filter((x) => x.metric === 'ks').map((x) => x.value)),
    tvd: mean(d.filter((x) => x.metric === 'tvd').map((x) => x.value)),
    corr: correlationDifference(a, b),
  };
}

const rng = createRng(Number(values.seed));
const order = Int32Array.from({ length: real.numRows }, (_, i) => i);
for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
const half = Math.min(synthetic.numRows, Math.floor(real.numRows / 2));
const floor = summary(rowsOf(real, order.subarray(0, half), 'real half A'), rowsOf(real, order.subarray(half, 2 * half), 'real half B'));
const model = summary(real, synthetic);
const fmt = (s: typeof model) => `mean KS ${s.ks.toFixed(3)}, mean TVD ${Number.isNaN(s.tvd) ? '-' : s.tvd.toFixed(3)}, mean |corr diff| ${s.corr.toFixed(3)}`;
console.log(`${synthPath} (${synthetic.numRows} rows) vs ${realPath} (${real.numRows} rows): ${fmt(model)}`);
console.log(`real vs real, two halves of ${half} rows (seed ${values.seed}): ${fmt(floor)}`);
