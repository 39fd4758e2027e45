// gantry's imputers against scikit-learn's on the GAIN paper's protocol (Yoon et al. 2018): 20% of the cells
// removed completely at random (the same masks as gain-benchmark.ts: seed s draws them from createRng(1000 + s)),
// RMSE on the removed cells in units of each column's range. gantry: column means, chained regression (MICE-
// style), k-nearest neighbours and `impute`'s default, auto; the peer: impute_reference.py (KNNImputer and
// IterativeImputer, raw and min-max scaled) on the very same cells.
//
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/tables/impute-benchmark.ts --dataset letter --seeds 10
//   ... --candidates mean,knn,mice,gain (GAIN too; the default is mean,knn,mice)   --gain-iterations 10000
//   ... --rows 300                      (a small table: seed s keeps 300 rows drawn by createRng(3000 + s))
//   node --conditions=gantry-source --import tsx examples/tables/impute-benchmark.ts --report     # the table in docs/tables.md
//
// Each seed appends one JSON line to runs/tables/impute-runs.jsonl.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_AUTO_CANDIDATES, chainedRegressionImpute, createRng, impute, imputationRmse, knnImpute, meanImpute, permutation, removeCompletelyAtRandom, selectRows,
  type AutoReport, type BaseImputeMethod, type NumericMatrix,
} from '@gantry/core';
import { meanStd } from '../common/measure.js';
import { loadFeatures, repoRoot, runsDir, useFastestBackend, writeDocsSection } from './docs-section.js';

interface Peer { knn_raw: number; knn_scaled: number; iterative_raw: number; iterative_scaled: number }
interface SeedResult {
  dataset: string; seed: number; rows?: number; backend: string; candidates: BaseImputeMethod[]; gainIterations: number;
  mean: number; mice: number; knn: number; auto: number; autoSeconds: number; knnSeconds: number;
  /** what auto chose per column, e.g. "knn" or "0.7 knn + 0.3 mice", and rounded */
  choices: string[]; hiddenScores: AutoReport['scores']; peer: Peer;
}

function csv(m: NumericMatrix): string {
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++) lines.push(Array.from(m.values.subarray(i * m.cols, (i + 1) * m.cols), (v) => (Number.isNaN(v) ? '' : String(v))).join(','));
  return lines.join('\n') + '\n';
}

function peer(amputed: NumericMatrix, truth: NumericMatrix, seed: number): Peer {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-impute-'));
  try {
    writeFileSync(join(dir, 'amputed.csv'), csv(amputed));
    writeFileSync(join(dir, 'truth.csv'), csv(truth));
    const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'examples', 'tables', 'impute_reference.py'), join(dir, 'amputed.csv'), join(dir, 'truth.csv'), String(seed)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`impute_reference.py failed (apt install python3-sklearn?): ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout) as Peer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const describe = (c: AutoReport['columns'][number]) =>
  `${c.weight === 1 ? c.first : `${c.weight.toFixed(1)} ${c.first} + ${(1 - c.weight).toFixed(1)} ${c.second}`}${c.rounded ? ', rounded' : ''}`;

async function runSeed(name: string, full: NumericMatrix, seed: number, candidates: BaseImputeMethod[], gainIterations: number, backend: string,
  rows?: number): Promise<SeedResult> {
  const truth = rows === undefined ? full : selectRows(full, permutation(createRng(3000 + seed), full.rows).subarray(0, rows));
  const { data, removed } = removeCompletelyAtRandom(truth, 0.2, createRng(1000 + seed));
  const none = new Array<boolean>(truth.cols).fill(false);
  const score = (m: NumericMatrix) => imputationRmse(truth, m, removed);
  let t = performance.now();
  const knn = score(knnImpute(data));
  const knnSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const auto = await impute(data, { seed, candidates, gain: { iterations: gainIterations }, onMethod: (m, phase) => console.log(`  ${phase} ${m}`) });
  const autoSeconds = (performance.now() - t) / 1000;
  return {
    dataset: name, seed, rows, backend, candidates, gainIterations, mean: score(meanImpute(data)), mice: score(chainedRegressionImpute(data, { roundColumns: none })),
    knn, knnSeconds, auto: score(auto.data), autoSeconds, choices: auto.report!.columns.map(describe), hiddenScores: auto.report!.scores,
    peer: peer(data, truth, seed),
  };
}

function report(file: string): string {
  const all: SeedResult[] = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SeedResult) : [];
  const groups = new Map<string, Map<number, SeedResult>>();
  for (const r of all) {
    const key = JSON.stringify([r.dataset, r.rows ?? null, r.candidates, r.gainIterations]);
    groups.set(key, (groups.get(key) ?? new Map<number, SeedResult>()).set(r.seed, r));
  }
  const lines = [
    '| data | rows | seeds | auto\'s candidates | column mean | chained regression | kNN (k 5) | **auto** | scikit-learn KNNImputer raw / scaled | scikit-learn IterativeImputer raw / scaled | auto at or below the best peer | seeds with auto at or below column means | s per auto run (backend) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
  const notes: string[] = [];
  for (const g of groups.values()) {
    const rs = [...g.values()].sort((a, b) => a.seed - b.seed);
    const r = rs[0];
    const col = (f: (x: SeedResult) => number) => meanStd(rs.map(f));
    const mean = (f: (x: SeedResult) => number) => rs.reduce((a, x) => a + f(x), 0) / rs.length;
    const peers = [mean((x) => x.peer.knn_raw), mean((x) => x.peer.knn_scaled), mean((x) => x.peer.iterative_raw), mean((x) => x.peer.iterative_scaled)];
    const bestPeer = Math.min(...peers);
    const wins = rs.filter((x) => x.auto <= Math.min(x.peer.knn_raw, x.peer.knn_scaled, x.peer.iterative_raw, x.peer.iterative_scaled)).length;
    const candidates = r.candidates.map((c) => (c === 'gain' ? `gain (${r.gainIterations} it.)` : c)).join(', ');
    lines.push(`| ${r.dataset} | ${r.rows ?? 'all'} | ${rs.length} | ${candidates} | ${col((x) => x.mean)} | ${col((x) => x.mice)} | ${col((x) => x.knn)} | **${col((x) => x.auto)}** | ` +
      `${col((x) => x.peer.knn_raw)} / ${col((x) => x.peer.knn_scaled)} | ${col((x) => x.peer.iterative_raw)} / ${col((x) => x.peer.iterative_scaled)} | ` +
      `${mean((x) => x.auto) <= bestPeer ? 'yes' : 'no'} (mean ${mean((x) => x.auto).toFixed(4)} vs ${bestPeer.toFixed(4)}; ${wins} of ${rs.length} seeds) | ` +
      `${rs.filter((x) => x.auto <= x.mean).length} of ${rs.length} | ${mean((x) => x.autoSeconds).toFixed(0)} (${r.backend}) |`);
    const counts = new Map<string, number>();
    for (const x of rs) for (const c of x.choices) counts.set(c, (counts.get(c) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([c, n]) => `${c} (${n})`).join('; ');
    notes.push(`- ${r.dataset}${r.rows ? ` (${r.rows} rows)` : ''}, candidates ${candidates}: auto's per-column choices over all seeds and columns, most frequent first: ${top}.`);
  }
  return [...lines, '', ...notes].join('\n');
}

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'letter' },
    seeds: { type: 'string', default: '10' },
    'first-seed': { type: 'string', default: '0' },
    candidates: { type: 'string', default: DEFAULT_AUTO_CANDIDATES.join(',') },
    'gain-iterations': { type: 'string', default: '10000' },
    rows: { type: 'string' },
    out: { type: 'string', default: join(runsDir, 'impute-runs.jsonl') },
    report: { type: 'boolean', default: false },
  },
});
if (args.report) {
  const table = report(args.out!);
  writeDocsSection('impute-benchmark', table);
  console.log(table);
} else {
  const backend = await useFastestBackend();
  const truth = loadFeatures(args.dataset!);
  const candidates = args.candidates!.split(',') as BaseImputeMethod[];
  mkdirSync(runsDir, { recursive: true });
  for (let seed = Number(args['first-seed']); seed < Number(args['first-seed']) + Number(args.seeds); seed++) {
    const r = await runSeed(args.dataset!, truth, seed, candidates, Number(args['gain-iterations']), backend, args.rows === undefined ? undefined : Number(args.rows));
    appendFileSync(args.out!, JSON.stringify(r) + '\n');
    console.log(`${r.dataset} seed ${seed}: mean ${r.mean.toFixed(4)}  mice ${r.mice.toFixed(4)}  knn ${r.knn.toFixed(4)}  auto ${r.auto.toFixed(4)} (${r.autoSeconds.toFixed(0)} s)  ` +
      `sklearn knn ${r.peer.knn_raw.toFixed(4)}/${r.peer.knn_scaled.toFixed(4)} iterative ${r.peer.iterative_raw.toFixed(4)}/${r.peer.iterative_scaled.toFixed(4)}`);
  }
}
