// Turns the study's JSON lines into docs/mode-collapse.md: our table (mean ± std over seeds) beside the
// published VEEGAN and PacGAN figures, the set-up, every run, and the commands that reproduce them
// (rebuilt from the recipes stored in the runs, so they cannot drift from what ran).
//
//   node --conditions=gantry-source --import tsx examples/mixtures/report.ts runs/mixtures/best.jsonl runs/mixtures/baselines.jsonl ...
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { specFlags, type RunSpec } from './recipe.js';
import { fiveObjectivesSection, readRuns } from './five-objectives.js';
import { OBJECTIVES, type RunResult, type Scores } from './study.js';

// Published figures, transcribed from the papers' tables and checked against the images of those tables
// in the authors' repositories (see the notes under each table in the report).
const VEEGAN = [
  { method: 'GAN', ring: ['1', '99.3'], grid: ['3.3', '0.5'] },
  { method: 'ALI', ring: ['2.8', '0.13'], grid: ['15.8', '1.6'] },
  { method: 'Unrolled GAN', ring: ['7.6', '35.6'], grid: ['23.6', '16'] },
  { method: 'VEEGAN', ring: ['8', '52.9'], grid: ['24.6', '40'] },
];
const PACGAN = [
  { method: 'GAN', ring: ['6.3±0.5', '98.2±0.2', '0.45±0.09'], grid: ['17.3±0.8', '94.8±0.7', '0.70±0.07'] },
  { method: 'ALI', ring: ['6.6±0.3', '97.6±0.4', '0.36±0.04'], grid: ['24.1±0.4', '95.7±0.6', '0.14±0.03'] },
  { method: 'PacGAN2', ring: ['7.9±0.1', '95.6±2.0', '0.07±0.03'], grid: ['23.8±0.7', '91.3±0.8', '0.13±0.04'] },
  { method: 'PacGAN3', ring: ['7.8±0.1', '97.7±0.3', '0.10±0.02'], grid: ['24.6±0.4', '94.2±0.4', '0.06±0.02'] },
  { method: 'PacGAN4', ring: ['7.8±0.1', '95.9±1.4', '0.07±0.02'], grid: ['24.8±0.2', '93.6±0.6', '0.04±0.01'] },
];

function meanStd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) : 0;
  return [m, Math.sqrt(v)];
}
const fmt = (xs: number[], digits: number, scale = 1) => {
  const [m, s] = meanStd(xs.map((x) => x * scale));
  return `${m.toFixed(digits)} ± ${s.toFixed(digits)}`;
};
const mean = (xs: number[]) => meanStd(xs)[0];

function recipeText(r: RunResult): string {
  const s = r.spec;
  const d = s.maxout > 1 ? `${s.dHidden.join('-')} maxout(${s.maxout})` : `${s.dHidden.join('-')} leaky ReLU`;
  const scale = s.scale !== undefined && s.scale !== 1 ? `, nets at unit scale (G output x${s.scale}, D input /${s.scale})` : '';
  return `G ${s.gHidden.join('-')} ReLU${s.gBatchNorm ? ' BN' : ''}, D ${d}${s.pack > 1 ? `, pack ${s.pack}` : ''}${scale}, batch ${s.batch}, ` +
    `lr ${s.lr}${s.decay > 0 ? ` (linear decay over the last ${Math.round(100 * s.decay)}%)` : ''}, ` +
    `${s.ema > 0 ? `EMA ${s.ema}` : 'no EMA'}, latent ${s.latentDim}`;
}

type Group = { label: string; objective: string; dataset: string; runs: RunResult[] };

function cpuText(runs: RunResult[]): string {
  const cpu = runs.map((r) => r.cpuSeconds).filter((x): x is number => x !== undefined);
  return cpu.length === runs.length ? mean(cpu).toFixed(0) : 'not recorded';
}

function groups(results: RunResult[]): Group[] {
  const out = new Map<string, Group>();
  for (const r of results) {
    const key = `${r.label}|${r.objective}|${r.dataset}|${r.spec.steps}`;
    if (!out.has(key)) out.set(key, { label: r.label, objective: r.objective, dataset: r.dataset, runs: [] });
    out.get(key)!.runs.push(r);
  }
  const order = (g: Group) => [g.dataset === 'ring8' ? 0 : 1, OBJECTIVES.indexOf(g.objective as typeof OBJECTIVES[number])];
  return [...out.values()].sort((a, b) => a.label.localeCompare(b.label) || order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
}

function meetsTarget(ring: Scores[], grid: Scores[]): boolean {
  return mean(ring.map((s) => s.modesCovered)) >= 8 && mean(grid.map((s) => s.modesCovered)) >= 24.5 &&
    mean(ring.map((s) => s.highQualityFraction)) >= 0.9 && mean(grid.map((s) => s.highQualityFraction)) >= 0.9;
}

/** One line of tune.ts --log: a one-seed exploration run with its printed evaluations. */
export interface TuneRun { spec: RunSpec; data: string; seed: number; rows: string[]; seconds: number; cpuSeconds?: number }

function explorationSection(tune: TuneRun[], tuneFile: string): string[] {
  if (tune.length === 0) return [];
  const lines = ['## Exploration (one seed each, `examples/mixtures/tune.ts`)', '',
    'Short single-seed runs that chose the recipe; each block is the command and its printed output, read back from',
    `\`${tuneFile}\`. "G" scores G's weights, "EMA" the EMA copy. Runs logged before tune.ts printed the distance`,
    'quantiles (how far samples lie from their nearest mode, in units of the mode\'s std) or CPU time lack them. The',
    'wall seconds come from a machine shared with other jobs.', ''];
  for (const t of tune) {
    const spec = { ...t.spec, dLrScale: t.spec.dLrScale ?? 1, r1: t.spec.r1 ?? 0 };
    lines.push('```', `$ GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/mixtures/tune.ts --data ${t.data} --seed ${t.seed} \\`,
      `    ${specFlags(spec)} --eval-every ${evalEveryOf(t)}`, ...t.rows, '```', '');
  }
  return lines;
}

function scaleNote(rs: RunResult[]): string {
  const scales = ['ring8', 'grid25'].flatMap((d) => rs.filter((r) => r.dataset === d).slice(0, 1).map((r) => `${d} ${r.spec.scale ?? 1}`));
  return new Set(rs.map((r) => r.spec.scale ?? 1)).size > 1 ? ` (scale per mixture, about the data's std per axis: ${scales.join(', ')})` : '';
}

/** The recipe proposed as the CLI's 2D default, with its measured results. */
function recommendationSection(results: RunResult[], label: string | undefined, tune: TuneRun[]): string[] {
  if (!label) return [];
  const rs = results.filter((r) => r.label === label && r.objective === 'nonsaturating');
  if (rs.length === 0) throw new Error(`--recommend ${label}: no non-saturating runs with that label`);
  const s = rs[0].spec;
  const lines = ['## A 2D default for `gantry train` (issue 5)', '',
    `Recipe "${label}", non-saturating loss: ${recipeText(rs[0])}${scaleNote(rs)}; Adam(β1 ${s.beta1}, β2 ${s.beta2})` +
    `${s.r1 ? `, R1 penalty γ ${s.r1} on real data` : ''}${s.dLrScale && s.dLrScale !== 1 ? `, D learning rate x${s.dLrScale}` : ''}; ${s.steps} generator steps.`, ''];
  for (const dataset of ['ring8', 'grid25']) {
    const d = rs.filter((r) => r.dataset === dataset);
    if (d.length === 0) continue;
    lines.push(`- ${dataset} (${d.length} seeds): ${fmt(d.map((r) => r.scores.modesCovered), 1)} / ${d[0].scores.modes} modes, ` +
      `${fmt(d.map((r) => r.scores.highQualityFraction), 1, 100)}% high quality, KL ${fmt(d.map((r) => r.scores.klToUniform), 3)}.`);
  }
  const timed = tune.filter((t) => t.cpuSeconds !== undefined && t.spec.steps === s.steps &&
    JSON.stringify(t.spec.gHidden) === JSON.stringify(s.gHidden) && JSON.stringify(t.spec.dHidden) === JSON.stringify(s.dHidden) &&
    t.spec.batch === s.batch && (t.spec.r1 ?? 0) === (s.r1 ?? 0));
  for (const t of timed) {
    const scaleNote = (t.spec.scale ?? 1) !== 1 ? `, --scale ${t.spec.scale}` : '';
    lines.push(`- Time: a tune.ts run of the same nets, batch, penalty and step count (${t.data}, seed ${t.seed}${scaleNote}) used ` +
      `${t.cpuSeconds!.toFixed(0)} CPU seconds for the whole process (one ATen thread, including start-up and evaluation), ` +
      'about its wall time on an idle core.');
  }
  const labels = [...new Set(results.map((r) => r.label))];
  const pngs = labels.flatMap((l) => ['ring8', 'grid25'].map((d) => `img/mixtures-${l}-nonsaturating-${d}.png`)).filter((f) => existsSync(`docs/${f}`));
  if (pngs.length > 0) {
    lines.push(`- Seed 0's 2500 evaluation samples (blue) and the modes (red rings), per recipe and mixture: ${pngs.map((f) => `![${f}](${f})`).join(' ')}`);
  }
  lines.push('- The learning-rate decay is not a trainGan option: recipe.ts sets the optimizers\' `learningRate` in an',
    '  `onStep` callback (`learningRateAt`), which the CLI can do the same way.', '');
  return lines;
}

/** Observations computed from the runs, so that no number in the prose is typed by hand. */
function readingSection(results: RunResult[]): string[] {
  const lines = ['## Reading the results', ''];
  for (const label of [...new Set(results.map((r) => r.label))]) {
    for (const dataset of ['ring8', 'grid25']) {
      const rs = results.filter((r) => r.label === label && r.dataset === dataset && r.objective === 'nonsaturating');
      if (rs.length === 0) continue;
      const hq = rs.map((r) => 100 * r.scores.highQualityFraction);
      const modes = rs.map((r) => r.scores.modesCovered);
      lines.push(`- ${label}, ${dataset}: ${rs.length} seeds, modes covered ${Math.min(...modes)} to ${Math.max(...modes)} of ${rs[0].scores.modes}, ` +
        `high quality ${Math.min(...hq).toFixed(1)}% to ${Math.max(...hq).toFixed(1)}%.`);
    }
  }
  for (const scaled of [...new Set(results.filter((r) => (r.spec.scale ?? 1) !== 1).map((r) => r.label))]) {
    const spec = results.find((r) => r.label === scaled)!.spec;
    const canonical = (x: RunSpec) => JSON.stringify(Object.entries({ ...x, scale: 1 }).sort(([p], [q]) => p.localeCompare(q)));
    const same = (a: RunSpec, b: RunSpec) => canonical(a) === canonical(b);
    const plain = [...new Set(results.filter((r) => r.label !== scaled && (r.spec.scale ?? 1) === 1 && same(r.spec, spec)).map((r) => r.label))][0];
    if (!plain) continue;
    for (const dataset of ['ring8', 'grid25']) {
      const a = results.filter((r) => r.label === plain && r.dataset === dataset && r.objective === 'nonsaturating');
      const b = results.filter((r) => r.label === scaled && r.dataset === dataset && r.objective === 'nonsaturating');
      if (a.length === 0 || b.length === 0) continue;
      const hq = (rs: RunResult[]) => (100 * mean(rs.map((r) => r.scores.highQualityFraction))).toFixed(1);
      const modes = (rs: RunResult[]) => mean(rs.map((r) => r.scores.modesCovered)).toFixed(1);
      const k = b[0].spec.scale;
      lines.push(`- Letting both nets work at unit scale (${scaled}: G's output x${k}, D's input /${k}; otherwise ` +
        `the ${plain} recipe) on ${dataset}: ${modes(a)} -> ${modes(b)} modes, ${hq(a)}% -> ${hq(b)}% high quality ` +
        `(${a.length} and ${b.length} seeds). Our reading: with zero initial biases every first-layer unit of D starts as a`,
        '  line through the origin, and placing lines between modes far from it takes many small Adam steps on the biases.');
    }
  }
  lines.push('- The learning-rate decay at the end is what contracts the generated clusters onto the modes: in the first',
    '  exploration run below (ring8), the high-quality share climbs step by step once the decay starts. Sampling the EMA',
    '  copy of G (decay 0.999) was far worse than G itself in that run; our reading (not tested further) is that at',
    '  lr 1e-3 G moves too far within the EMA\'s ~1000-step window, so the average mixes different generators.',
    '- What is left on ring8 after 2500 steps is the bridges between neighbouring modes (see',
    '  docs/img/mixtures-fast-*-ring8.png): a continuous G maps the connected latent Gaussian onto all 8 modes, and the',
    '  samples on the way count as low quality.',
    '- Budget was the missing piece on grid25, not the recipe: long-unit-scale is fast-unit-scale with 8x the steps',
    '  (20,000; the decay over the last 8,000). In its exploration run below (grid25, seed 0) the high-quality share',
    '  rises before the decay starts, falls back while lr 1e-3 keeps G moving, and climbs to its final value during the',
    '  decay, as the distance quantiles shrink to about one std. The papers train ~400,000 steps (PacGAN\'s code: 400',
    '  epochs of 1,000 batches) with larger nets.', '');
  return lines;
}

function evalEveryOf(t: TuneRun): number {
  const m = /step (\d+)/.exec(t.rows[0] ?? '');
  return m ? Number(m[1]) : 0;
}

export interface ReportInputs {
  results: RunResult[];
  /** the arguments report.ts was called with, for the reproduce section */
  args: string[];
  tune?: TuneRun[];
  tuneFile?: string;
  /** the five-objective study's runs (five-objectives.ts), and the file they came from */
  five?: RunResult[];
  fiveFile?: string;
  /** label of the recipe proposed as the CLI's 2D default */
  recommend?: string;
}

export function renderReport({ results, args, tune = [], tuneFile = '', five = [], fiveFile = '', recommend }: ReportInputs): string {
  const lines: string[] = [];
  const gs = groups(results);
  const labels = [...new Set(results.map((r) => r.label))];
  lines.push('# Mode collapse on 2D Gaussian mixtures', '');
  lines.push('Generated by `examples/mixtures/report.ts` from the runs of `examples/mixtures/study.ts` (every run trains',
    'through `trainGan` of @gantry/core); every number under "Our runs" comes from those files. Rerun with the',
    'commands under "Reproduce".', '');
  lines.push('## Data and metrics', '');
  lines.push('- **ring8**: 8 Gaussians evenly spaced on a circle of radius 2, std 0.02 per axis (the unrolled-GAN/VEEGAN ring;',
    '  PacGAN\'s code uses radius 1, std 0.01, the same std-to-radius ratio).',
    '- **grid25**: 25 Gaussians at {-4, -2, 0, 2, 4}², std 0.05 (as in VEEGAN and PacGAN\'s code).',
    '- Metrics follow VEEGAN (sec. 5.1) and the evaluation code of PacGAN: 2500 generated samples; each sample is',
    '  assigned to its nearest mode; it is **high quality** if it lies within 3 standard deviations of that mode; a mode',
    '  is **covered** if at least one high-quality sample is assigned to it (threshold 1, as in both papers\' code);',
    '  **KL** is KL(p ‖ uniform) of the histogram p of high-quality samples over the modes (PacGAN\'s "reverse KL").',
    '  (`modeMetrics` in `@gantry/core`; `minCount` raises the coverage threshold.)', '');
  lines.push('## Set-up', '');
  lines.push('- Every run: `trainGan` on the torch backend (`@gantry/tfjs-backend-torch`, one ATen thread), Adam for every',
    '  objective except WGAN (RMSProp), latent z ~ N(0, I), seeded initialisers and data. Metrics are taken on 2500 samples',
    '  of the EMA copy of G when the recipe has EMA, else of G; the "G only" column scores G\'s own weights.',
    '- Objectives change only what their papers prescribe: minimax and non-saturating (Goodfellow et al. 2014);',
    '  WGAN (Arjovsky et al. 2017): RMSProp, clip 0.01, 5 critic steps; WGAN-GP (Gulrajani et al. 2017): Adam(β 0, 0.9),',
    '  λ 10, 5 critic steps; non-saturating + minibatch discrimination (Salimans et al. 2016; 5 kernels of dimension 3).',
    '  Every objective gets the same number of discriminator updates, so WGAN and WGAN-GP make 1/5 as many generator',
    '  steps; their learning rate is the recipe\'s, not their papers\' (5e-5, 1e-4), which assume ~10^5 steps.',
    '- Recipes (one per label):', '');
  for (const label of labels) {
    const r = results.find((x) => x.label === label)!;
    const scales = ['ring8', 'grid25'].map((d) => [d, results.find((x) => x.label === label && x.dataset === d)?.spec.scale ?? 1] as const);
    const perMixture = scales[0][1] !== scales[1][1] && results.some((x) => x.label === label && x.dataset === 'ring8') &&
      results.some((x) => x.label === label && x.dataset === 'grid25');
    lines.push(`  - **${label}**: ${recipeText(r)}${perMixture ? ` (scale per mixture, about the data's std per axis: ${scales.map(([d, k]) => `${d} ${k}`).join(', ')})` : ''}.`);
  }
  lines.push('', '## Our runs', '');
  lines.push('mean ± sample std over seeds. "G steps" are generator steps; "D updates" discriminator updates.', '');
  lines.push('| recipe | objective | dataset | seeds | G steps | D updates | modes covered | high quality % | KL(p ‖ uniform) | G only: high quality % | wall s per run | CPU s per run |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const g of gs) {
    const s = g.runs.map((r) => r.scores);
    const spec = g.runs[0].spec;
    lines.push(`| ${g.label} | ${g.objective} | ${g.dataset} | ${g.runs.length} | ${spec.steps} | ${spec.steps * (spec.criticSteps ?? 1)} | ` +
      `${fmt(s.map((x) => x.modesCovered), 1)} / ${s[0].modes} | ${fmt(s.map((x) => x.highQualityFraction), 1, 100)} | ` +
      `${fmt(s.map((x) => x.klToUniform), 2)} | ${fmt(g.runs.map((r) => r.generatorScores.highQualityFraction), 1, 100)} | ` +
      `${mean(g.runs.map((r) => r.seconds)).toFixed(0)} | ${cpuText(g.runs)} |`);
  }
  lines.push('');
  lines.push('Target of issue 3 (all 8 ring modes and >= 24.5 of 25 grid modes on average, >= 90% high-quality samples, 5 seeds):', '');
  for (const label of labels) {
    for (const objective of OBJECTIVES) {
      const ring = results.filter((r) => r.label === label && r.objective === objective && r.dataset === 'ring8');
      const grid = results.filter((r) => r.label === label && r.objective === objective && r.dataset === 'grid25');
      if (ring.length === 0 || grid.length === 0) continue;
      const ok = meetsTarget(ring.map((r) => r.scores), grid.map((r) => r.scores)) && ring.length >= 5 && grid.length >= 5;
      lines.push(`- ${label}, ${objective}: **${ok ? 'met' : 'not met'}** — ring8 ${mean(ring.map((r) => r.scores.modesCovered)).toFixed(1)}/8 modes, ` +
        `${(100 * mean(ring.map((r) => r.scores.highQualityFraction))).toFixed(1)}% high quality (${ring.length} seeds); ` +
        `grid25 ${mean(grid.map((r) => r.scores.modesCovered)).toFixed(1)}/25 modes, ` +
        `${(100 * mean(grid.map((r) => r.scores.highQualityFraction))).toFixed(1)}% high quality (${grid.length} seeds).`);
    }
  }
  lines.push('');
  lines.push(...recommendationSection(results, recommend, tune));
  lines.push(...readingSection(results));
  lines.push(...fiveObjectivesSection(five, fiveFile));
  lines.push(...explorationSection(tune, tuneFile));
  lines.push('## Published figures (for comparison; from the papers, not rerun here)', '');
  lines.push('VEEGAN (Srivastava et al., "VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning",',
    'NeurIPS 2017), Table 1, 2D Ring and 2D Grid columns. Checked against the image of Table 1 (`tab.png`) in the',
    'authors\' repository github.com/akashgit/VEEGAN. The number of runs averaged is not verified here.', '');
  lines.push('| method | ring modes (max 8) | ring high quality % | grid modes (max 25) | grid high quality % |', '|---|---|---|---|---|');
  for (const r of VEEGAN) lines.push(`| ${r.method} | ${r.ring[0]} | ${r.ring[1]} | ${r.grid[0]} | ${r.grid[1]} |`);
  lines.push('', 'PacGAN (Lin, Khetan, Fanti, Oh, "PacGAN: The power of two samples in generative adversarial networks",',
    'NeurIPS 2018), Table 1 (2D-ring, 2D-grid); mean ± standard error over 10 trials. Checked against',
    '`synthetic_data_experiments/results/Table1.png` in the authors\' repository github.com/fjxmlzn/PacGAN. Their set-up',
    '(`synthetic_data_experiments/2DGrid_GAN&PacGAN/config.py` and `pacgan_task.py` there): G 4x400 ReLU with batch',
    'norm, D 3x200 maxout with 5 pieces, z ~ N(0, I_2), Adam(1e-4, β1 0.8), batch 100, 400 epochs of 100,000 samples',
    '(about 400,000 steps).', '');
  lines.push('| method | ring modes | ring high quality % | ring reverse KL | grid modes | grid high quality % | grid reverse KL |', '|---|---|---|---|---|---|---|');
  for (const r of PACGAN) lines.push(`| ${r.method} | ${r.ring.join(' | ')} | ${r.grid.join(' | ')} |`);
  lines.push('', '## Reproduce', '', '```sh');
  const seen = new Set<string>();
  for (const r of results) {
    const key = `${r.label}|${r.dataset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const same = results.filter((x) => x.label === r.label && x.dataset === r.dataset);
    const objectives = [...new Set(same.map((x) => x.objective))];
    const seeds = [...new Set(same.map((x) => x.seed))].sort((a, b) => a - b);
    const base = r.objective === 'wgan' || r.objective === 'wgan-gp' ? { ...r.spec, steps: r.spec.steps * (r.spec.criticSteps ?? 1) } : r.spec;
    lines.push(`GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/mixtures/study.ts --label ${r.label} --datasets ${r.dataset} \\`,
      `  --objectives ${objectives.join(',')} --first-seed ${seeds[0]} --seeds ${seeds.length} ${specFlags(base)} \\`,
      `  --out runs/mixtures/${r.label}.jsonl`);
  }
  lines.push(`node --conditions=gantry-source --import tsx examples/mixtures/report.ts ${args.join(' ')}`, '```', '');
  lines.push('## Every run', '', '| recipe | dataset | objective | seed | G steps | modes | high quality % | KL | G only: modes, high quality % | seconds |',
    '|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    lines.push(`| ${r.label} | ${r.dataset} | ${r.objective} | ${r.seed} | ${r.spec.steps} | ${r.scores.modesCovered}/${r.scores.modes} | ` +
      `${(100 * r.scores.highQualityFraction).toFixed(1)} | ${r.scores.klToUniform.toFixed(3)} | ` +
      `${r.generatorScores.modesCovered}/${r.generatorScores.modes}, ${(100 * r.generatorScores.highQualityFraction).toFixed(1)} | ${r.seconds.toFixed(0)} |`);
  }
  lines.push('', 'Seconds are wall-clock on a 2-core machine shared with other jobs; they say little about speed.', '');
  return lines.join('\n');
}

const readLines = <T>(f: string): T[] => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const { values, positionals: files } = parseArgs({ options: { tune: { type: 'string' }, five: { type: 'string' }, recommend: { type: 'string' } }, allowPositionals: true });
  if (files.length === 0) throw new Error('usage: report.ts [--tune runs/mixtures/tune.jsonl] [--five docs/results/mode-collapse-five-objectives.jsonl] <results.jsonl>...');
  const results = files.flatMap((f) => readRuns(f));
  writeFileSync('docs/mode-collapse.md', renderReport({
    results, args, tune: values.tune ? readLines<TuneRun>(values.tune) : [], tuneFile: values.tune,
    five: values.five ? readRuns(values.five) : [], fiveFile: values.five, recommend: values.recommend,
  }));
  console.log(`wrote docs/mode-collapse.md from ${results.length} runs`);
}
