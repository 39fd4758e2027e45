// Where does a workload's step time go on one backend? Runs a few steps under tf.profile and
// prints time per kernel name (sum of kernelMs, count), the kernels' share of the wall time (the
// rest is tfjs engine and JavaScript overhead) and the cpu fallbacks used.
//   node --import tsx bench/profile.ts --workload dcgan28 --backend torch --steps 3 [--threads 1]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { installGradientFixes } from '@gantry/core';

import { markdownTable } from './stats.js';
import { buildWorkload, WORKLOADS, type WorkloadName } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function arg(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] != null ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const workload = arg('--workload', 'dcgan28') as WorkloadName;
  if (!WORKLOADS.includes(workload)) throw new Error(`--workload must be one of ${WORKLOADS.join(', ')}`);
  const backend = arg('--backend', 'torch');
  const steps = Number(arg('--steps', '3'));
  const threads = Number(arg('--threads', '1'));
  installGradientFixes();
  let fallbackCounts: (() => Record<string, number>) | undefined;
  if (backend === 'torch') {
    const torch = await import('@gantry/tfjs-backend-torch') as {
      fallbackCounts(): Record<string, number>; resetFallbackCounts?(): void; setNumThreads?(n: number): void;
    };
    torch.setNumThreads?.(threads);
    fallbackCounts = torch.fallbackCounts;
    torch.resetFallbackCounts?.();
  } else if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  await tf.setBackend(backend);
  const { step } = buildWorkload(workload, repoRoot);
  await step(); // warm-up outside the profile

  const byKernel = new Map<string, { ms: number; count: number }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    // tf.profile needs a synchronous-looking function; the step's promise is awaited inside.
    const info = await tf.profile(async () => { await step(); });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const entry = byKernel.get(k.name) ?? { ms: 0, count: 0 };
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      entry.count += 1;
      byKernel.set(k.name, entry);
    }
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([name, e]) => [
    name, (e.ms / steps).toFixed(2), (e.count / steps).toFixed(0), ((e.ms / steps) / (e.count / steps) * 1000).toFixed(0),
    `${(100 * e.ms / total).toFixed(1)}%`,
  ]);
  console.log(`${workload} on ${backend}: ${(wall / steps).toFixed(1)} ms/step wall (profiled), ` +
    `${(total / steps).toFixed(1)} ms/step in kernels, ${(byKernel.size)} kernels, ` +
    `${([...byKernel.values()].reduce((s, e) => s + e.count, 0) / steps).toFixed(0)} kernel calls/step`);
  console.log(markdownTable(['kernel', 'ms/step', 'calls/step', 'us/call', 'share'], rows));
  if (fallbackCounts) console.log(`cpu fallbacks: ${JSON.stringify(fallbackCounts())}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
