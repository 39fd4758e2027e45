// The tables of docs/translation.md's "CycleGAN and DiscoGAN measured" from what cyclegan-runs.sh left in
// runs/cyclegan-compare: scores.jsonl (common/score-translations.ts, one line per run and direction), each run's
// timing.json (training alone) and *.time (/usr/bin/time -v of the whole process: data, training, test PNGs).
//   node --conditions=gantry-source --import tsx examples/translation/reference/cyclegan-table.ts [--root DIR]
// Runs named <arm>-s<seed> are grouped by arm: mean ± sample standard deviation over the seeds (n given).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { meanStd } from '../../common/measure.js';

const { values } = parseArgs({ options: { root: { type: 'string', default: 'runs/cyclegan-compare' } } });
const root = values.root!;
interface Score { label: string; l1: number; psnr: number; ssim: number; fd: number; kid: number }
const scores = readFileSync(join(root, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Score);

const arms = new Map<string, { seeds: string[]; ab: Score[]; ba: Score[] }>();
for (const s of scores) {
  const m = /^(.*?)(?:-s(\d+))? (ab|ba)$/.exec(s.label);
  if (!m) continue;
  const arm = arms.get(m[1]) ?? { seeds: [], ab: [], ba: [] };
  if (m[2] !== undefined && !arm.seeds.includes(m[2])) arm.seeds.push(m[2]);
  arm[m[3] as 'ab' | 'ba'].push(s);
  arms.set(m[1], arm);
}

console.log('| 16 px, test split (371 pairs) | seeds | google -> twitter: L1 / PSNR dB / SSIM / FD / KID | twitter -> google: L1 / PSNR dB / SSIM / FD / KID |');
console.log('| --- | --- | --- | --- |');
for (const [name, arm] of arms) {
  const cell = (rows: Score[]) => [meanStd(rows.map((r) => r.l1), 4), meanStd(rows.map((r) => r.psnr), 2), meanStd(rows.map((r) => r.ssim), 4),
    meanStd(rows.map((r) => r.fd), 2), meanStd(rows.map((r) => r.kid), 3)].join(' / ');
  console.log(`| ${name} | ${arm.seeds.join(', ') || '-'} | ${cell(arm.ab)} | ${cell(arm.ba)} |`);
}

console.log('\n| run | training: CPU s | steps per CPU s | whole process: user + sys CPU s | wall s |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, arm] of arms) {
  for (const seed of arm.seeds) {
    const run = `${name}-s${seed}`;
    const timingPath = join(root, run, 'timing.json');
    if (!existsSync(timingPath)) continue;
    const timing = JSON.parse(readFileSync(timingPath, 'utf8')) as { cpuSeconds: number; stepsPerCpuSecond: number };
    const time = readFileSync(join(root, `${run}.time`), 'utf8');
    const field = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(time)?.[1]);
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(time);
    const wallSeconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
    console.log(`| ${run} | ${timing.cpuSeconds.toFixed(1)} | ${timing.stepsPerCpuSecond.toFixed(2)} | ` +
      `${(field('User time \\(seconds\\)') + field('System time \\(seconds\\)')).toFixed(1)} | ${wallSeconds.toFixed(0)} |`);
  }
}
