// Summarises next-frame.ts's results files of several seeds (docs/img/NAME-results.json) into one markdown table:
// per method, the mean over the 10 predicted frames of each score, then mean ± sample sd over the seeds given,
// and every seed's mean MSE and edge ratio (a collapsed run shows as edge ratio near 0).
//   node --conditions=gantry-source --import tsx examples/video/seed-summary.ts docs/img/video-results.json docs/img/video-s2-results.json ...
import { readFileSync } from 'node:fs';
import type { FrameScores } from '@gantry/core';
import { meanStd } from '../common/measure.js';

interface ResultsFile { options: { seed: number; steps: number; size: number }; results: { method: string; trainCpuSeconds?: number; frames: FrameScores[] }[] }

const files = process.argv.slice(2).map((path) => ({ path, data: JSON.parse(readFileSync(path, 'utf8')) as ResultsFile }));
if (files.length === 0) throw new Error('give one or more next-frame.ts results files (docs/img/NAME-results.json)');
const keys = ['mse', 'psnr', 'ssim', 'sharpness', 'edgeRatio', 'fd'] as const;
const digits: Record<(typeof keys)[number], number> = { mse: 4, psnr: 2, ssim: 3, sharpness: 2, edgeRatio: 2, fd: 1 };
const frameMean = (frames: FrameScores[], key: (typeof keys)[number]) => frames.reduce((a, f) => a + (f[key] ?? Number.NaN), 0) / frames.length;

const seeds = files.map((f) => f.data.options.seed);
console.log(`${files[0]!.data.options.size} px, ${files[0]!.data.options.steps} steps, seeds ${seeds.join(', ')}: mean of the 10 predicted frames, then mean ± sd over seeds\n`);
console.log(`| method | ${keys.join(' | ')} | per seed: MSE / edge ratio |\n|---|${keys.map(() => '---:|').join('')}---|`);
for (const method of [...new Set(files.flatMap((f) => f.data.results.map((r) => r.method)))]) {
  const runs = files.map((f) => f.data.results.find((r) => r.method === method));
  if (runs.some((r) => r === undefined)) throw new Error(`${method}: missing from ${files[runs.indexOf(undefined)]!.path}`);
  const cells = keys.map((k) => meanStd(runs.map((r) => frameMean(r!.frames, k)), digits[k]));
  const perSeed = runs.map((r, i) => `${seeds[i]}: ${frameMean(r!.frames, 'mse').toFixed(4)} / ${frameMean(r!.frames, 'edgeRatio').toFixed(2)}`).join('; ');
  console.log(`| ${method} | ${cells.join(' | ')} | ${perSeed} |`);
}
