// Anomaly detection with a GAN's discriminator on letter: train on one letter (the normal class) only, then
// score held-out rows of that letter (negatives) against all other letters (positives); ROC AUC per seed.
//
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/tables/anomaly-benchmark.ts --normal A --seeds 5 --iterations 1000
//   node --conditions=gantry-source --import tsx examples/tables/anomaly-benchmark.ts --report      # rewrites the table in docs/tables.md
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, permutation, rocAuc, selectRows, trainAnomalyGan, type NumericMatrix } from '@gantry/core';
import { readCsvFile } from '@gantry/core/node';
import { meanStd } from '../common/measure.js';
import { repoRoot, runsDir, useFastestBackend, writeDocsSection } from './docs-section.js';

interface SeedResult { normal: string; seed: number; iterations: number; backend: string; discriminator: number; featureResidual: number; distanceToMean: number; seconds: number }

function loadLetter(): { features: NumericMatrix; letters: string[] } {
  const table = readCsvFile(join(repoRoot, '..', 'shared', 'datasets', 'letter.csv'));
  const label = table.columns.find((c) => c.name === 'lettr')!;
  const keep = table.columns.filter((c) => c !== label);
  const values = new Float64Array(table.numRows * keep.length);
  const letters: string[] = [];
  for (let i = 0; i < table.numRows; i++) {
    keep.forEach((c, k) => { values[i * keep.length + k] = table.matrix[i * table.numColumns + c.index]; });
    letters.push(label.categories![table.matrix[i * table.numColumns + label.index]]);
  }
  return { features: { rows: table.numRows, cols: keep.length, values, names: keep.map((c) => c.name) }, letters };
}

// Baseline without any GAN: Euclidean distance to the normal training rows' mean, in the same [0, 1] scaling.
function distanceToMean(train: NumericMatrix, test: NumericMatrix): Float64Array {
  const lo = new Float64Array(train.cols).fill(Infinity);
  const hi = new Float64Array(train.cols).fill(-Infinity);
  const mean = new Float64Array(train.cols);
  for (let k = 0; k < train.values.length; k++) {
    const j = k % train.cols;
    lo[j] = Math.min(lo[j], train.values[k]); hi[j] = Math.max(hi[j], train.values[k]);
    mean[j] += train.values[k] / train.rows;
  }
  const out = new Float64Array(test.rows);
  for (let i = 0; i < test.rows; i++) {
    for (let j = 0; j < test.cols; j++) {
      const d = (test.values[i * test.cols + j] - mean[j]) / (hi[j] - lo[j] + 1e-6);
      out[i] += d * d;
    }
  }
  return out;
}

const { values: args } = parseArgs({
  options: {
    normal: { type: 'string', default: 'A' },
    seeds: { type: 'string', default: '5' },
    'first-seed': { type: 'string', default: '0' },
    iterations: { type: 'string', default: '3000' },
    report: { type: 'boolean', default: false },
  },
});
const out = join(runsDir, 'anomaly-runs.jsonl');
if (args.report) {
  const results: SeedResult[] = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const groups = new Map<string, SeedResult[]>();
  for (const r of results) {
    const key = `${r.normal}/${r.iterations}`;
    const g = (groups.get(key) ?? []).filter((x) => x.seed !== r.seed);
    g.push(r);
    groups.set(key, g);
  }
  const rows = [...groups.values()].map((rs) => `| ${rs[0].normal} | ${rs[0].iterations} | ${rs.length} (${[...new Set(rs.map((r) => r.backend))].join(',')}) | ${meanStd(rs.map((r) => r.discriminator), 3)} | ${meanStd(rs.map((r) => r.featureResidual), 3)} | ${meanStd(rs.map((r) => r.distanceToMean), 3)} |`);
  const table = ['| normal letter | GAN iterations | seeds (backend) | ROC AUC: D score | ROC AUC: D-feature residual | ROC AUC: distance to normal mean (no GAN) |', '|---|---|---|---|---|---|', ...rows].join('\n');
  writeDocsSection('anomaly-benchmark', table);
  console.log(table);
} else {
  const backend = await useFastestBackend();
  const { features, letters } = loadLetter();
  const normal = args.normal!;
  const iterations = Number(args.iterations);
  const normalRows = letters.flatMap((l, i) => (l === normal ? [i] : []));
  if (normalRows.length === 0) throw new Error(`no rows with lettr = ${JSON.stringify(normal)}`);
  const otherRows = letters.flatMap((l, i) => (l === normal ? [] : [i]));
  mkdirSync(runsDir, { recursive: true });
  const first = Number(args['first-seed']);
  for (let seed = first; seed < first + Number(args.seeds); seed++) {
    const perm = permutation(createRng(500 + seed), normalRows.length);
    const cut = Math.floor(0.8 * normalRows.length);
    const train = selectRows(features, Array.from(perm.subarray(0, cut), (p) => normalRows[p]));
    const testIdx = [...Array.from(perm.subarray(cut), (p) => normalRows[p]), ...otherRows];
    const test = selectRows(features, testIdx);
    const labels = testIdx.map((_, k) => (k < normalRows.length - cut ? 0 : 1));
    const t = performance.now();
    const scorer = await trainAnomalyGan(train, { seed, iterations });
    const r: SeedResult = {
      normal, seed, iterations, backend,
      discriminator: rocAuc(scorer.discriminatorScore(test), labels),
      featureResidual: rocAuc(scorer.featureResidual(test), labels),
      distanceToMean: rocAuc(distanceToMean(train, test), labels),
      seconds: (performance.now() - t) / 1000,
    };
    scorer.dispose();
    appendFileSync(out, JSON.stringify(r) + '\n');
    console.log(`normal ${normal} seed ${seed}: AUC D ${r.discriminator.toFixed(3)}, residual ${r.featureResidual.toFixed(3)}, distance-to-mean ${r.distanceToMean.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
  }
}
