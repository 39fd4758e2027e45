// The truncation plot of issue 17: precision and recall of StyleGAN's averaged G on emoji against psi (1.0 down to
// 0.5), from compare-generators.ts's JSON lines (the plain StyleGAN runs, no DiffAugment): each seed a thin pale
// line, the mean over seeds a thick one; precision orange, recall blue, y from 0 (the x axis) to a dashed line at 1, psi from 1.0 at the left
// to 0.5 at the right.
//   node --conditions=gantry-source --import tsx examples/generation/truncation-plot.ts runs/compare/emoji.jsonl docs/img/stylegan-truncation.png
import { readFileSync, writeFileSync } from 'node:fs';
import { linePlotPng, type LineSeries } from '../eval/line-plot.js';

interface Row { data: string; model: string; augment: boolean; generator: string; seed: number; precision: number; recall: number }

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: truncation-plot.ts <compare jsonl> <out.png>');
const rows = readFileSync(input, 'utf8').split('\n').filter((l) => l.startsWith('{"data"')).map((l) => JSON.parse(l) as Row)
  .filter((r) => r.data === 'emoji' && r.model === 'stylegan' && !r.augment && r.generator.startsWith('EMA'));
const psiOf = (r: Row) => Number(/psi ([\d.]+)/.exec(r.generator)?.[1] ?? 1);
const seeds = [...new Set(rows.map((r) => r.seed))].sort();
const psis = [...new Set(rows.map(psiOf))].sort((a, b) => b - a);
if (psis.length < 2) throw new Error(`${input}: no truncation sweep of a plain StyleGAN run on emoji yet`);

// x is 1 - psi so that psi falls to the right; the plot's axes carry no text, the docs give the scale
const curve = (rs: Row[], key: 'precision' | 'recall') => psis.flatMap((psi) => {
  const at = rs.filter((r) => psiOf(r) === psi);
  return at.length ? [[1 - psi, at.reduce((a, r) => a + r[key], 0) / at.length] as [number, number]] : [];
});
const PRECISION: [number, number, number] = [230, 110, 20];
const RECALL: [number, number, number] = [40, 90, 200];
const pale = (c: [number, number, number]) => c.map((v) => Math.round(v + (255 - v) * 0.6)) as [number, number, number];
const series: LineSeries[] = [
  ...seeds.flatMap((s) => [
    { points: curve(rows.filter((r) => r.seed === s), 'precision'), rgb: pale(PRECISION) },
    { points: curve(rows.filter((r) => r.seed === s), 'recall'), rgb: pale(RECALL) },
  ]),
  { points: curve(rows, 'precision'), rgb: PRECISION },
  { points: curve(rows, 'recall'), rgb: RECALL },
];
writeFileSync(output, linePlotPng(series, { width: 360, height: 240, reference: { y: 1, rgb: [150, 150, 150] } }));
console.log(`${output}: psi ${psis.join(', ')}, seeds ${seeds.join(', ')}`);
for (const psi of psis) {
  const at = rows.filter((r) => psiOf(r) === psi);
  const mean = (k: 'precision' | 'recall') => (at.reduce((a, r) => a + r[k], 0) / at.length).toFixed(3);
  console.log(`psi ${psi}: precision ${mean('precision')}, recall ${mean('recall')} (${at.length} seeds)`);
}
