// Fidelity, machine-learning efficacy and privacy of the CTGAN-style synthesizer on letter and spam.
//
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/tables/synth-benchmark.ts --datasets letter,spam --seeds 0,1,2
//   node --conditions=gantry-source --import tsx examples/tables/synth-benchmark.ts --report-only      # rewrites docs/synth.md from the saved runs
//
// Per dataset and seed: a seeded 80/20 train/test split (the label column stays in the table as a categorical
// column), fit on train, sample as many rows as train, then measure against train (and test). Each seed appends
// one JSON line to runs/tables/synth-<dataset>-<steps>.jsonl; the report rewrites the results in docs/synth.md.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  accuracy, closestDistances, columnDistances, correlationDifference, createRng, exactCopies, fitClassifier, fitSynthesizer, formatCsv, macroF1,
  permutation, quantile, type ColumnSpec, type CsvTable, type NumericMatrix,
} from '@gantry/core';
import { readCsvFile } from '@gantry/core/node';
import { repoRoot, runsDir, useFastestBackend } from './docs-section.js';

// CTGAN's default length: 300 epochs of floor(train rows / batch 500) steps (letter 16000 rows, spam 3681).
// The first runs used 1500 and 1000 steps, which left letter under-trained (docs/synth.md).
const datasets: Record<string, { file: string; label: string; steps: number }> = {
  letter: { file: 'letter.csv', label: 'lettr', steps: 9600 },
  spam: { file: 'spam.csv', label: 'type', steps: 2100 },
};

interface Stats { p5: number; median: number }

const SYNTHESIZERS = ['gantry', 'ctgan-pytorch'] as const;
type Synthesizer = (typeof SYNTHESIZERS)[number];

interface SeedResult {
  dataset: string;
  seed: number;
  steps: number;
  backend: string;
  /** absent: gantry's synthesizer */
  synthesizer?: Synthesizer;
  trainRows: number;
  testRows: number;
  fitSeconds: number;
  fitCpuSeconds: number;
  /** Mean KS over numeric columns and TVD of the label, synthetic vs train; the same for held-out test vs train. */
  meanKs: number;
  worstKs: { column: string; value: number };
  labelTvd: number;
  testMeanKs: number;
  testLabelTvd: number;
  correlationDiff: number;
  testCorrelationDiff: number;
  efficacy: { real: { accuracy: number; macroF1: number }; synthetic: { accuracy: number; macroF1: number } };
  dcr: { synthetic: Stats; holdout: Stats; queried: number };
  exactCopies: { synthetic: number; holdout: number };
  /** Rows of the rarest label asked for through the cond vector (not enforced): fraction that came out with it. */
  conditionHit: { value: string; rate: number };
}

function subset(t: CsvTable, rows: ArrayLike<number>, source: string): CsvTable {
  const matrix = new Float64Array(rows.length * t.numColumns);
  for (let k = 0; k < rows.length; k++) matrix.set(t.matrix.subarray(rows[k] * t.numColumns, (rows[k] + 1) * t.numColumns), k * t.numColumns);
  const columns = t.columns.map((c) => {
    let missing = 0;
    for (let k = 0; k < rows.length; k++) if (Number.isNaN(matrix[k * t.numColumns + c.index])) missing++;
    return { ...c, missing };
  });
  return { source, columns, numRows: rows.length, numColumns: t.numColumns, matrix };
}

/** Features = every numeric column; labels = the label column's codes. */
function xy(t: CsvTable, label: string): { x: NumericMatrix; y: Int32Array } {
  const feats = t.columns.filter((c) => c.type === 'numeric');
  const lab = t.columns.find((c) => c.name === label)!;
  const values = new Float64Array(t.numRows * feats.length);
  const y = new Int32Array(t.numRows);
  for (let i = 0; i < t.numRows; i++) {
    feats.forEach((c, k) => { values[i * feats.length + k] = t.matrix[i * t.numColumns + c.index]; });
    y[i] = t.matrix[i * t.numColumns + lab.index];
  }
  return { x: { rows: t.numRows, cols: feats.length, values, names: feats.map((c) => c.name) }, y };
}

function efficacy(train: CsvTable, test: CsvTable, label: string, seed: number, numClasses: number): { accuracy: number; macroF1: number } {
  const tr = xy(train, label);
  const te = xy(test, label);
  const clf = fitClassifier(tr.x, tr.y, { seed, hidden: 64, epochs: 30, batchSize: 256, numClasses });
  const pred = clf.predict(te.x);
  clf.dispose();
  return { accuracy: accuracy(te.y, pred), macroF1: macroF1(te.y, pred, numClasses) };
}

function stats(d: Float64Array): Stats {
  return { p5: quantile(d, 0.05), median: quantile(d, 0.5) };
}

function summarise(real: CsvTable, other: CsvTable, label: string) {
  const d = columnDistances(real, other);
  const ks = d.filter((c) => c.metric === 'ks');
  const worst = ks.reduce((a, b) => (b.value > a.value ? b : a));
  return {
    meanKs: ks.reduce((a, c) => a + c.value, 0) / ks.length,
    worstKs: { column: worst.column, value: worst.value },
    labelTvd: d.find((c) => c.column === label)!.value,
    correlationDiff: correlationDifference(real, other),
  };
}

interface Synthesized { synthetic: CsvTable; conditioned: CsvTable; fitSeconds: number; fitCpuSeconds: number }
interface SynthesisJob { name: string; seed: number; steps: number; label: string; rarest: string }

/** gantry's synthesizer: fit, as many rows as train (seed 5000 + s), and 500 rows asked for the rarest label. */
async function synthesizeWithGantry(train: CsvTable, job: SynthesisJob): Promise<Synthesized> {
  const { name, seed, steps } = job;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const synth = await fitSynthesizer(train, {
    seed, steps, progressEvery: Math.max(1, Math.floor(steps / 5)),
    onProgress: (p) => console.error(`  ${name} seed ${seed}: step ${p.step}/${p.steps} critic ${p.criticLoss.toFixed(3)} gp ${p.gradientPenalty.toFixed(3)} G ${p.generatorLoss.toFixed(3)} cond ${p.conditionLoss.toFixed(3)} (${p.seconds.toFixed(0)} s)`),
  });
  const fitSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const synthetic = synth.sample(train.numRows, { seed: 5000 + seed });
  const conditioned = synth.sample(500, { seed: 7000 + seed, condition: { column: job.label, value: job.rarest }, enforce: false });
  synth.dispose();
  return { synthetic, conditioned, fitSeconds, fitCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * The peer: ctgan_reference.py (CTGAN in PyTorch after the authors' code) on the same train rows, for
 * steps / floor(rows / 500) epochs; its rows are read back with the real table's types and category codes.
 */
async function synthesizeWithPeer(train: CsvTable, job: SynthesisJob): Promise<Synthesized> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-ctgan-'));
  try {
    const [input, output, conditionedOut] = ['train.csv', 'synthetic.csv', 'conditioned.csv'].map((f) => join(dir, f));
    writeFileSync(input, formatCsv(train));
    const epochs = Math.round(job.steps / Math.max(1, Math.floor(train.numRows / 500)));
    const cpu0 = cpuTimesOfChildren();
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'examples', 'tables', 'ctgan_reference.py'), input, output, '--discrete', job.label,
      '--seed', String(job.seed), '--epochs', String(epochs), '--condition-column', job.label, '--condition-value', job.rarest, '--condition-out', conditionedOut],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`ctgan_reference.py failed (exit ${r.status})`);
    const fitSeconds = (performance.now() - t0) / 1000;
    const schema: Record<string, ColumnSpec> = {};
    for (const c of train.columns) schema[c.name] = c.type === 'categorical' ? { type: 'categorical', categories: c.categories } : 'numeric';
    // fit time includes the peer's sampling and its start-up (a few seconds of the total)
    return { synthetic: readCsvFile(output, { schema }), conditioned: readCsvFile(conditionedOut, { schema }), fitSeconds, fitCpuSeconds: cpuTimesOfChildren() - cpu0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds of this process's finished children (Linux: /proc/self/stat cutime + cstime). */
function cpuTimesOfChildren(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function runSeed(name: string, seed: number, steps: number, backend: string, synthesizer: Synthesizer): Promise<SeedResult> {
  const spec = datasets[name];
  const table = readCsvFile(join(repoRoot, '..', 'shared', 'datasets', spec.file));
  const order = permutation(createRng(1000 + seed), table.numRows);
  const nTrain = Math.round(0.8 * table.numRows);
  const train = subset(table, order.subarray(0, nTrain), `${spec.file} train`);
  const test = subset(table, order.subarray(nTrain), `${spec.file} test`);
  const labelColumn = table.columns.find((c) => c.name === spec.label)!;
  const numClasses = labelColumn.categories!.length;
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < train.numRows; i++) counts[train.matrix[i * train.numColumns + labelColumn.index]]++;
  const rarest = counts.indexOf(Math.min(...counts));
  const { synthetic, conditioned, fitSeconds, fitCpuSeconds } = await (synthesizer === 'gantry' ? synthesizeWithGantry : synthesizeWithPeer)(
    train, { name, seed, steps, label: spec.label, rarest: labelColumn.categories![rarest] });
  synthetic.source = `${spec.file} synthetic`;
  let hits = 0;
  for (let i = 0; i < conditioned.numRows; i++) if (conditioned.matrix[i * conditioned.numColumns + labelColumn.index] === rarest) hits++;

  const s = summarise(train, synthetic, spec.label);
  const h = summarise(train, test, spec.label);
  const queried = Math.min(2000, test.numRows);
  const qSynthetic = permutation(createRng(9000 + seed), synthetic.numRows).subarray(0, queried);
  const qHoldout = permutation(createRng(9100 + seed), test.numRows).subarray(0, queried);
  return {
    dataset: name, seed, steps, backend: synthesizer === 'gantry' ? backend : 'pytorch', ...(synthesizer === 'gantry' ? {} : { synthesizer }), trainRows: train.numRows, testRows: test.numRows, fitSeconds, fitCpuSeconds,
    meanKs: s.meanKs, worstKs: s.worstKs, labelTvd: s.labelTvd, testMeanKs: h.meanKs, testLabelTvd: h.labelTvd,
    correlationDiff: s.correlationDiff, testCorrelationDiff: h.correlationDiff,
    efficacy: { real: efficacy(train, test, spec.label, seed, numClasses), synthetic: efficacy(synthetic, test, spec.label, seed, numClasses) },
    dcr: { synthetic: stats(closestDistances(train, synthetic, qSynthetic)), holdout: stats(closestDistances(train, test, qHoldout)), queried },
    exactCopies: { synthetic: exactCopies(train, synthetic), holdout: exactCopies(train, test) },
    conditionHit: { value: labelColumn.categories![rarest], rate: hits / conditioned.numRows },
  };
}

function mean(xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length; }
function ms(xs: number[], digits = 3): string {
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return xs.length > 1 ? `${m.toFixed(digits)} ± ${sd.toFixed(digits)}` : m.toFixed(digits);
}

function loadResults(): SeedResult[][] {
  const files = existsSync(runsDir) ? readdirSync(runsDir).filter((f) => /^synth-.*\.jsonl$/.test(f)).sort() : [];
  return files.map((f) => {
    const all: SeedResult[] = readFileSync(join(runsDir, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    return [...new Map(all.map((r) => [r.seed, r])).values()].sort((a, b) => a.seed - b.seed); // a rerun replaces a seed
  }).filter((rs) => rs.length > 0);
}

function report(groups: SeedResult[][]): string {
  const head = (r: SeedResult[]) => `${r[0].dataset}${r[0].synthesizer ? ` (${r[0].synthesizer})` : ''} | ${r[0].steps} | ${r.length} (${r.map((x) => x.seed).join(',')})`;
  const fidelity = [
    '| data | steps | seeds | mean KS, numeric (synthetic) | mean KS (held-out real) | worst KS column (synthetic) | label TVD (synthetic) | label TVD (held-out real) | corr. diff (synthetic) | corr. diff (held-out real) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map((r) => `| ${head(r)} | ${ms(r.map((x) => x.meanKs))} | ${ms(r.map((x) => x.testMeanKs))} | ${r.map((x) => `${x.worstKs.column} ${x.worstKs.value.toFixed(3)}`).join('; ')} | ${ms(r.map((x) => x.labelTvd))} | ${ms(r.map((x) => x.testLabelTvd))} | ${ms(r.map((x) => x.correlationDiff))} | ${ms(r.map((x) => x.testCorrelationDiff))} |`),
  ];
  const ml = [
    '| data | steps | seeds | accuracy, trained on real | accuracy, trained on synthetic | macro F1, real | macro F1, synthetic | cond. hit rate, rarest label |',
    '|---|---|---|---|---|---|---|---|',
    ...groups.map((r) => `| ${head(r)} | ${ms(r.map((x) => x.efficacy.real.accuracy))} | ${ms(r.map((x) => x.efficacy.synthetic.accuracy))} | ${ms(r.map((x) => x.efficacy.real.macroF1))} | ${ms(r.map((x) => x.efficacy.synthetic.macroF1))} | ${r.map((x) => `${x.conditionHit.value}: ${x.conditionHit.rate.toFixed(2)}`).join('; ')} |`),
  ];
  const privacy = [
    '| data | steps | seeds | rows queried | DCR p5, synthetic | DCR p5, held-out real | DCR median, synthetic | DCR median, held-out real | exact copies of train rows: synthetic | held-out real |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map((r) => `| ${head(r)} | ${r[0].dcr.queried} | ${ms(r.map((x) => x.dcr.synthetic.p5))} | ${ms(r.map((x) => x.dcr.holdout.p5))} | ${ms(r.map((x) => x.dcr.synthetic.median))} | ${ms(r.map((x) => x.dcr.holdout.median))} | ${r.map((x) => `${x.exactCopies.synthetic}/${x.trainRows}`).join(', ')} | ${r.map((x) => `${x.exactCopies.holdout}/${x.testRows}`).join(', ')} |`),
  ];
  const cost = [
    '| data | steps | seeds | train rows | backend | fit wall s (per seed) | fit CPU s (per seed) |',
    '|---|---|---|---|---|---|---|',
    ...groups.map((r) => `| ${head(r)} | ${r[0].trainRows} | ${r[0].backend} | ${r.map((x) => x.fitSeconds.toFixed(0)).join(', ')} | ${r.map((x) => x.fitCpuSeconds.toFixed(0)).join(', ')} |`),
  ];
  return ['### Fidelity (synthetic vs real train; held-out real vs train as the floor)', '', ...fidelity, '', '### Machine-learning efficacy (tested on held-out real rows)', '', ...ml, '',
    '### Privacy: distance to the closest training row', '', ...privacy, '', '### Training cost', '', ...cost].join('\n');
}

/**
 * Rewrites the results between `<!-- synth-<section>:start -->` and its end marker in docs/synth.md from the
 * saved runs of gantry's synthesizer ('results') or of the PyTorch peer ('peer'); a section with no saved runs
 * here (runs/ is not in git) is left as it is.
 */
function writeReport(): void {
  const path = join(repoRoot, 'docs', 'synth.md');
  let text = readFileSync(path, 'utf8');
  const all = loadResults();
  for (const [section, groups] of [['results', all.filter((g) => !g[0].synthesizer)], ['peer', all.filter((g) => g[0].synthesizer)]] as const) {
    const start = `<!-- synth-${section}:start -->`;
    const end = `<!-- synth-${section}:end -->`;
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${path}: missing the ${start} ... ${end} markers`);
    if (groups.length === 0) {
      console.log(`no saved ${section} runs in ${runsDir}: ${section} section of ${path} left as it is`);
      continue;
    }
    text = text.slice(0, a + start.length) + '\n' + report(groups) + '\n' + text.slice(b);
  }
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'letter,spam' },
    seeds: { type: 'string', default: '0,1,2' },
    steps: { type: 'string' },
    synthesizer: { type: 'string', default: 'gantry' },
    'report-only': { type: 'boolean', default: false },
  },
});
const synthesizer = args.synthesizer as Synthesizer;
if (!SYNTHESIZERS.includes(synthesizer)) throw new Error(`--synthesizer must be one of ${SYNTHESIZERS.join(', ')}, got ${JSON.stringify(args.synthesizer)}`);
if (!args['report-only']) {
  const backend = await useFastestBackend();
  mkdirSync(runsDir, { recursive: true });
  for (const name of args.datasets!.split(',')) {
    if (!datasets[name]) throw new Error(`unknown dataset ${JSON.stringify(name)} (have ${Object.keys(datasets).join(', ')})`);
    const steps = Number(args.steps ?? datasets[name].steps);
    for (const seed of args.seeds!.split(',').map(Number)) {
      const r = await runSeed(name, seed, steps, backend, synthesizer);
      appendFileSync(join(runsDir, `synth-${name}-${steps}${synthesizer === 'gantry' ? '' : `-${synthesizer}`}.jsonl`), JSON.stringify(r) + '\n');
      console.log(JSON.stringify(r));
    }
  }
}
writeReport();
