// Summarises compare-generators.ts's JSON lines (one or more files) into markdown tables: per dataset, one row per
// model x DiffAugment x generator with mean ± sample sd over the seeds present (and how many), then every run, arm
// by arm, with the CPU minutes its whole run took (training, loading, scoring) and whether it was resumed.
//   node --conditions=gantry-source --import tsx examples/generation/compare-summary.ts runs/compare/emoji.jsonl
import { readFileSync } from 'node:fs';
import { meanStd } from '../common/measure.js';

interface Row {
  data: string; model: string; variant?: string; augment: boolean; generator: string; seed: number; steps: number; trainCpuSeconds: number;
  fd: number; kid: number; precision: number; recall: number; totalCpuSeconds: number; resumedWithCpuSeconds?: number;
}

const rows: Row[] = process.argv.slice(2).flatMap((file) => readFileSync(file, 'utf8').split('\n')
  .filter((line) => line.startsWith('{"data"')).map((line) => JSON.parse(line) as Row));
if (rows.length === 0) throw new Error(`no compare-generators rows in ${process.argv.slice(2).join(', ') || '(no files given)'}`);

const training = (r: Row) => `${r.data} ${r.model} ${r.variant ?? ''} ${r.augment} ${r.seed}`;
const arm = (r: Row) => `${r.model}${r.variant ? ` (${r.variant})` : ''}${r.augment ? ' + DiffAugment' : ''}, ${r.generator}`;

/** One training scores several generators, each line with the CPU spent so far: the run's cost is its largest. */
function runCost(r: Row): string {
  const lines = rows.filter((other) => training(other) === training(r));
  const minutes = Math.max(...lines.map((line) => line.totalCpuSeconds)) / 60;
  return `${minutes.toFixed(1)}${lines.some((line) => line.resumedWithCpuSeconds !== undefined) ? ' (resumed)' : ''}`;
}

for (const data of [...new Set(rows.map((r) => r.data))]) {
  const mine = rows.filter((r) => r.data === data);
  const arms = [...new Set(mine.map(arm))];
  console.log(`\n${data}: mean ± sd over seeds\n`);
  console.log('| arm | seeds | steps | FD | KID | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|');
  for (const name of arms) {
    const group = mine.filter((r) => arm(r) === name);
    const of = (k: 'fd' | 'kid' | 'precision' | 'recall' | 'steps', d: number) => meanStd(group.map((r) => r[k]), d);
    console.log(`| ${name} | ${group.map((r) => r.seed).join(', ')} | ${of('steps', 0)} | ${of('fd', 2)} | ${of('kid', 3)} | ${of('precision', 3)} | ${of('recall', 3)} |`);
  }
  console.log(`\n${data}: every run\n`);
  console.log('| arm | seed | steps | train CPU s | run CPU min | FD | KID | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of [...mine].sort((a, b) => arms.indexOf(arm(a)) - arms.indexOf(arm(b)) || a.seed - b.seed)) {
    console.log(`| ${arm(r)} | ${r.seed} | ${r.steps} | ${r.trainCpuSeconds} | ${runCost(r)} | ${r.fd.toFixed(2)} | ${r.kid.toFixed(3)} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} |`);
  }
}
