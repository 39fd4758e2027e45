// Summarises compare-generators.ts's JSON lines (one or more files) into markdown tables: per dataset, one row per
// model x DiffAugment x generator with mean ± sample sd over the seeds present (and how many), then every run.
//   node --conditions=gantry-source --import tsx examples/generation/compare-summary.ts runs/compare/emoji.jsonl
import { readFileSync } from 'node:fs';
import { meanStd } from '../common/measure.js';

interface Row {
  data: string; model: string; variant?: string; augment: boolean; generator: string; seed: number; steps: number; trainCpuSeconds: number;
  fd: number; kid: number; precision: number; recall: number; totalCpuSeconds: number;
}

const rows: Row[] = process.argv.slice(2).flatMap((file) => readFileSync(file, 'utf8').split('\n')
  .filter((line) => line.startsWith('{"data"')).map((line) => JSON.parse(line) as Row));
if (rows.length === 0) throw new Error(`no compare-generators rows in ${process.argv.slice(2).join(', ') || '(no files given)'}`);

const arm = (r: Row) => `${r.model}${r.variant ? ` (${r.variant})` : ''}${r.augment ? ' + DiffAugment' : ''}, ${r.generator}`;

for (const data of [...new Set(rows.map((r) => r.data))]) {
  const mine = rows.filter((r) => r.data === data);
  console.log(`\n${data}: mean ± sd over seeds\n`);
  console.log('| arm | seeds | steps | FD | KID | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|');
  for (const name of [...new Set(mine.map(arm))]) {
    const group = mine.filter((r) => arm(r) === name);
    const of = (k: 'fd' | 'kid' | 'precision' | 'recall' | 'steps', d: number) => meanStd(group.map((r) => r[k]), d);
    console.log(`| ${name} | ${group.map((r) => r.seed).join(', ')} | ${of('steps', 0)} | ${of('fd', 2)} | ${of('kid', 3)} | ${of('precision', 3)} | ${of('recall', 3)} |`);
  }
  console.log(`\n${data}: every run\n`);
  console.log('| arm | seed | steps | train CPU s | FD | KID | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of mine) {
    console.log(`| ${arm(r)} | ${r.seed} | ${r.steps} | ${r.trainCpuSeconds} | ${r.fd} | ${r.kid} | ${r.precision} | ${r.recall} |`);
  }
}
