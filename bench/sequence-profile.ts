// bench/profile.ts's kernel table for the gantts step after a real warm-up (V8 keeps optimising tfjs's JavaScript
// over the first tens of steps; profile.ts warms up one step): unprofiled CPU ms/step, then CPU ms per kernel under
// tf.profile, with --by-shape the convolution kernels split by their input shapes.
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx bench/sequence-profile.ts \
//     [--warmup 30] [--steps 3] [--top 25] [--by-shape]
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { installGradientFixes } from '@gantry/core';

import { cpuMsOf, recordKernelCpuTime } from './kernel-cpu-time.js';
import { arg, setUpBackend } from './setup.js';
import { buildWorkload } from './workloads.js';

const cpuMs = (): number => cpuMsOf(process.cpuUsage());

async function main(): Promise<void> {
  const warmup = Number(arg('--warmup', '30'));
  const steps = Number(arg('--steps', '3'));
  const top = Number(arg('--top', '25'));
  const byShape = process.argv.includes('--by-shape');
  installGradientFixes();
  await setUpBackend('torch', 1);
  const { step } = buildWorkload('gantts', join(dirname(fileURLToPath(import.meta.url)), '..'));
  for (let i = 0; i < warmup; i++) await step();
  let t0 = cpuMs();
  for (let i = 0; i < steps; i++) await step();
  console.log(`gantts on torch, 1 thread, load average ${loadavg()[0].toFixed(1)}: ${((cpuMs() - t0) / steps).toFixed(1)} ms CPU/step unprofiled after ${warmup} warm-up steps`);

  recordKernelCpuTime();
  const byKernel = new Map<string, { cpu: number; calls: number }>();
  t0 = cpuMs();
  for (let i = 0; i < steps; i++) {
    const info = await tf.profile(async () => { await step(); });
    for (const k of info.kernels) {
      const key = byShape && k.name.includes('Conv') ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}` : k.name;
      const entry = byKernel.get(key) ?? { cpu: 0, calls: 0 };
      entry.cpu += Number(k.extraInfo) || 0;
      entry.calls += 1;
      byKernel.set(key, entry);
    }
  }
  const entries = [...byKernel.entries()];
  const total = entries.reduce((sum, [, e]) => sum + e.cpu, 0);
  const calls = entries.reduce((sum, [, e]) => sum + e.calls, 0);
  console.log(`profiled: ${((cpuMs() - t0) / steps).toFixed(1)} ms CPU/step, in kernels ${(total / steps).toFixed(1)}, ${(calls / steps).toFixed(0)} kernel calls/step`);
  for (const [name, e] of entries.sort((a, b) => b[1].cpu - a[1].cpu).slice(0, top)) {
    console.log(`${name.padEnd(64)} ${(e.cpu / steps).toFixed(2).padStart(7)} ms/step ${(e.calls / steps).toFixed(0).padStart(5)} calls ` +
      `${(1000 * e.cpu / e.calls).toFixed(0).padStart(6)} us/call`);
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
