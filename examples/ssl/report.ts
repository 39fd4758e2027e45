// Renders docs/ssl.md's results section from experiment.ts's JSON lines (default docs/results/ssl.jsonl, the
// measured lines copied out of runs/ssl/): per data set, label count and method, the test error's mean ±
// std over the labelled-set draws, the draws, and the CPU minutes per run.
//   node --conditions=gantry-source --import tsx examples/ssl/report.ts [--in file.jsonl]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { meanStd } from '../common/measure.js';
import { repoRoot, writeDocsSection } from '../tables/docs-section.js';

interface Line {
  data: string; labels: number; draw: number; method: string; steps: number; epochs: number; classifierHidden: number[] | string;
  generatorHidden: number[] | string; minibatch: number; testError: number; testImages: number; cpuMinutes: number; backend: string;
}

const { values } = parseArgs({ options: { in: { type: 'string', default: join(repoRoot, 'docs', 'results', 'ssl.jsonl') } } });
const lines = readFileSync(values.in!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
const METHODS = ['gan', 'supervised', 'pseudo-label'];
const groups = new Map<string, Line[]>();
for (const l of lines) {
  const key = JSON.stringify([l.data, l.labels, l.steps, String(l.classifierHidden), String(l.generatorHidden), l.minibatch, l.method]);
  groups.set(key, [...(groups.get(key) ?? []), l]);
}
const rows = [...groups.values()].sort((a, b) => {
  const [x, y] = [a[0], b[0]];
  return x.data.localeCompare(y.data) || x.labels - y.labels || METHODS.indexOf(x.method) - METHODS.indexOf(y.method);
});
const table = [
  '| data (test images) | labels | method | test error, % (mean ± std) | draws | steps (epochs) | CPU min per run |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((g) => {
    const l = g[0];
    const cpu = g.reduce((s, x) => s + x.cpuMinutes, 0) / g.length;
    return `| ${l.data} (${l.testImages}) | ${l.labels} | ${l.method}${l.minibatch ? ` + minibatch discrimination (${l.minibatch})` : ''} | ` +
      `${meanStd(g.map((x) => 100 * x.testError), 1)} | ${g.map((x) => x.draw).sort().join(', ')} | ${l.steps} (${l.epochs.toFixed(1)}) | ${cpu.toFixed(1)} |`;
  }),
];
const l0 = lines[0];
const body = [
  table.join('\n'),
  '',
  `Classifier hidden widths ${String(l0.classifierHidden)}, generator ${String(l0.generatorHidden)}, batches of 100, ${l0.backend} backend, ` +
  `one thread each; CPU minutes include loading the data and scoring the test images. Total: ${lines.reduce((s, x) => s + x.cpuMinutes, 0).toFixed(0)} CPU minutes.`,
].join('\n');
writeDocsSection('ssl-results', body, 'ssl.md');
console.log(body);
