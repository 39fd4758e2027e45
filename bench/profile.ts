// Where does a workload's step time go on one backend? Times a few plain steps (CPU and wall time
// per step), then runs as many under tf.profile and prints wall and CPU time per kernel name, calls
// per step, the kernels' share (the rest of a step is tfjs engine and JavaScript overhead) and the
// cpu fallbacks used.
//   node --conditions=gantry-source --import tsx bench/profile.ts --workload dcgan28 --backend torch --steps 3 [--threads 1]
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { installGradientFixes } from '@gantry/core';

import { cpuMsOf as cpuMs, recordKernelCpuTime } from './kernel-cpu-time.js';
import { arg, setUpBackend } from './setup.js';
import { markdownTable } from './stats.js';
import { buildWorkload, WORKLOADS, type WorkloadName } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** CPU ms used so far by each thread of this process (Linux /proc, tick resolution), or null elsewhere. */
function threadCpuMs(): Map<number, number> | null {
  try {
    const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
    return new Map(readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [Number(tid), (Number(fields[11]) + Number(fields[12])) / ticksPerMs];
    }));
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const workload = arg('--workload', 'dcgan28') as WorkloadName;
  if (!WORKLOADS.includes(workload)) throw new Error(`--workload must be one of ${WORKLOADS.join(', ')}`);
  const backend = arg('--backend', 'torch');
  const steps = Number(arg('--steps', '3'));
  const threads = Number(arg('--threads', '1'));
  installGradientFixes();
  let fallbackCounts: (() => Record<string, number>) | undefined;
  await setUpBackend(backend, threads);
  if (backend === 'torch') {
    const torch = await import('@gantry/tfjs-backend-torch');
    fallbackCounts = torch.fallbackCounts;
    torch.resetFallbackCounts();
  }
  const { step } = buildWorkload(workload, repoRoot);
  await step(); // warm-up outside the profile

  // Unprofiled steps first: process CPU time per step (all threads) stays meaningful on a loaded
  // machine, where wall time does not.
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpuMs();
  const wall0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const plainWall = (performance.now() - wall0) / steps;
  const plainCpu = cpuMs(process.cpuUsage(cpu0)) / steps;
  const threads1 = threadCpuMs();

  recordKernelCpuTime();

  const byKernel = new Map<string, { ms: number; cpuMs: number; count: number }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    // tf.profile needs a synchronous-looking function; the step's promise is awaited inside.
    const info = await tf.profile(async () => { await step(); });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const entry = byKernel.get(k.name) ?? { ms: 0, cpuMs: 0, count: 0 };
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      entry.cpuMs += Number(k.extraInfo) || 0;
      entry.count += 1;
      byKernel.set(k.name, entry);
    }
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  const totalCpu = [...byKernel.values()].reduce((s, e) => s + e.cpuMs, 0);
  const rows = [...byKernel.entries()].sort((a, b) => b[1].cpuMs - a[1].cpuMs).map(([name, e]) => [
    name, (e.ms / steps).toFixed(2), (e.cpuMs / steps).toFixed(2), (e.count / steps).toFixed(0),
    (e.ms / e.count * 1000).toFixed(0), (e.cpuMs / e.count * 1000).toFixed(0), `${(100 * e.cpuMs / totalCpu).toFixed(1)}%`,
  ]);
  console.log(`${workload} on ${backend}, ${threads} thread(s), ${steps} steps, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`unprofiled: ${plainCpu.toFixed(1)} ms/step CPU, ${plainWall.toFixed(1)} ms/step wall`);
  if (threads0 && threads1) {
    const mainMs = ((threads1.get(process.pid) ?? 0) - (threads0.get(process.pid) ?? 0)) / steps;
    const allMs = ([...threads1.values()].reduce((a, b) => a + b, 0) - [...threads0.values()].reduce((a, b) => a + b, 0)) / steps;
    console.log(`  of which main (JS + native calls) thread ${mainMs.toFixed(1)} ms/step, other threads (V8 GC and compiler, ` +
      `ATen/BLAS pools) ${(allMs - mainMs).toFixed(1)} ms/step (scheduler ticks, 10 ms resolution)`);
  }
  console.log(`profiled: ${(wall / steps).toFixed(1)} ms/step wall, in kernels ${(total / steps).toFixed(1)} ms/step wall ` +
    `and ${(totalCpu / steps).toFixed(1)} ms/step CPU, ${(byKernel.size)} kernels, ` +
    `${([...byKernel.values()].reduce((s, e) => s + e.count, 0) / steps).toFixed(0)} kernel calls/step`);
  console.log('(a kernel whose gradient or forward runs other kernels, such as fusedMatMul__op, counts their time too)');
  console.log(markdownTable(['kernel', 'wall ms/step', 'CPU ms/step', 'calls/step', 'wall us/call', 'CPU us/call', 'CPU share'], rows));
  if (fallbackCounts) console.log(`cpu fallbacks: ${JSON.stringify(fallbackCounts())}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
