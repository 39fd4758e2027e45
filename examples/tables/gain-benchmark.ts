// Reproduces the GAIN paper's protocol (Yoon et al., ICML 2018, Table 2) on letter and spam: remove 20% of the
// entries completely at random, impute, report RMSE on the removed entries in min-max normalised units,
// mean +- std over seeds; beside it column-mean and MICE-style chained-regression imputation.
//
//   node --import tsx examples/tables/gain-benchmark.ts --dataset letter --seeds 10 --iterations 10000
//   node --import tsx examples/tables/gain-benchmark.ts --report      # rewrites the table in docs/tables.md
//
// Each run appends one JSON line per seed to runs/tables/gain-<dataset>-<iterations>.jsonl.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  chainedRegressionImpute, createRng, imputationRmse, meanImpute, removeCompletelyAtRandom, trainGain, type NumericMatrix,
} from '@gantry/core';
import { readCsvFile } from '@gantry/core/node';
import { meanStd, repoRoot, runsDir, writeDocsSection } from './docs-section.js';

const datasets: Record<string, { file: string; label: string }> = {
  letter: { file: 'letter.csv', label: 'lettr' },
  spam: { file: 'spam.csv', label: 'type' },
};
// Yoon et al. 2018, Table 2 (RMSE, mean +- std), GAIN row, as printed in the paper.
const paperGain: Record<string, string> = { letter: '.1198 ± .0005', spam: '.0513 ± .0016' };

interface SeedResult { dataset: string; seed: number; iterations: number; hint?: 'code' | 'paper'; mean: number; chained: number; gain: number; gainSeconds: number; chainedSeconds: number }

export function loadFeatures(name: string): NumericMatrix {
  const spec = datasets[name];
  if (!spec) throw new Error(`unknown dataset ${JSON.stringify(name)} (have ${Object.keys(datasets).join(', ')})`);
  const table = readCsvFile(join(repoRoot, '..', 'shared', 'datasets', spec.file));
  const keep = table.columns.filter((c) => c.name !== spec.label);
  const values = new Float64Array(table.numRows * keep.length);
  for (let i = 0; i < table.numRows; i++) keep.forEach((c, k) => { values[i * keep.length + k] = table.matrix[i * table.numColumns + c.index]; });
  return { rows: table.numRows, cols: keep.length, values, names: keep.map((c) => c.name) };
}

function runSeed(name: string, truth: NumericMatrix, seed: number, iterations: number, hint: 'code' | 'paper'): SeedResult {
  const amputation = removeCompletelyAtRandom(truth, 0.2, createRng(1000 + seed));
  const mean = imputationRmse(truth, meanImpute(amputation.data), amputation.removed);
  let t = performance.now();
  const chained = imputationRmse(truth, chainedRegressionImpute(amputation.data), amputation.removed);
  const chainedSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const imputer = trainGain(amputation.data, { seed, iterations, hint });
  const gain = imputationRmse(truth, imputer.impute(amputation.data), amputation.removed);
  return { dataset: name, seed, iterations, hint, mean, chained, gain, gainSeconds: (performance.now() - t) / 1000, chainedSeconds };
}

function report(): string {
  const rows: string[] = [];
  const files = existsSync(runsDir) ? readdirSync(runsDir).filter((f) => /^gain-.*\.jsonl$/.test(f)).sort() : [];
  for (const f of files) {
    const results: SeedResult[] = readFileSync(join(runsDir, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    // The latest result per seed counts (a rerun replaces an earlier one).
    const bySeed = new Map(results.map((r) => [r.seed, r]));
    const rs = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
    if (rs.length === 0) continue;
    const ds = rs[0].dataset;
    const secs = rs.reduce((a, r) => a + r.gainSeconds, 0) / rs.length;
    rows.push(`| ${ds} | ${rs[0].hint ?? 'code'} | ${rs[0].iterations} | ${rs.length} (${rs.map((r) => r.seed).join(',')}) | **${meanStd(rs.map((r) => r.gain))}** | ${paperGain[ds] ?? '-'} | ${meanStd(rs.map((r) => r.mean))} | ${meanStd(rs.map((r) => r.chained))} | ${secs.toFixed(0)} |`);
  }
  return [
    '| data | GAIN hint | GAIN iterations | seeds | GAIN (ours) | GAIN (paper, Table 2) | column mean | chained regression (MICE-style) | s per GAIN run |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'letter' },
    seeds: { type: 'string', default: '10' },
    'first-seed': { type: 'string', default: '0' },
    iterations: { type: 'string', default: '10000' },
    hint: { type: 'string', default: 'code' },
    report: { type: 'boolean', default: false },
  },
});
if (args.report) {
  const table = report();
  writeDocsSection('gain-benchmark', table);
  console.log(table);
} else {
  const name = args.dataset!;
  const iterations = Number(args.iterations);
  const hint = args.hint as 'code' | 'paper';
  if (hint !== 'code' && hint !== 'paper') throw new Error(`--hint must be code or paper, got ${args.hint}`);
  const truth = loadFeatures(name);
  mkdirSync(runsDir, { recursive: true });
  const out = join(runsDir, `gain-${name}-${iterations}${hint === 'paper' ? '-paper-hint' : ''}.jsonl`);
  const first = Number(args['first-seed']);
  for (let seed = first; seed < first + Number(args.seeds); seed++) {
    const r = runSeed(name, truth, seed, iterations, hint);
    appendFileSync(out, JSON.stringify(r) + '\n');
    console.log(`${name} seed ${seed}: GAIN ${r.gain.toFixed(4)} (${r.gainSeconds.toFixed(0)} s), mean ${r.mean.toFixed(4)}, chained ${r.chained.toFixed(4)}`);
  }
}
