// Runs one workload on one tfjs backend in this process and prints one JSON line (BenchResult).
//   node --conditions=gantry-source --import tsx bench/worker.ts --workload dcgan28 --backend torch --steps 20 --warmup 3 --threads 2
//     [--warmup-seconds 5] [--min-seconds 2] [--budget 120]
// Warm-up runs at least --warmup steps and --warmup-seconds seconds: V8 optimises the engine's and the
// backend's JavaScript over the first few hundred small steps (gain16 on torch, 1 thread: 8.9 ms/step
// after 3 warm-up steps, 4.8 after 50, 3.4 after 200), and a training run lives in the steady state.
// Then at least --steps steps and --min-seconds seconds are timed, within --budget seconds in all.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { installGradientFixes } from '@gantry/core';

import { arg, setUpBackend } from './setup.js';
import { median, type BenchResult } from './stats.js';
import { buildWorkload, REQUIRED_KERNELS, trainableParameterCount, WORKLOADS, type WorkloadName } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

interface WorkerArgs {
  workload: WorkloadName;
  backend: string;
  steps: number;
  warmup: number;
  warmupSeconds: number;
  minSeconds: number;
  threads: number;
  budgetSeconds: number;
}

function parseArgs(): WorkerArgs {
  const workload = arg('--workload', '') as WorkloadName;
  if (!WORKLOADS.includes(workload)) throw new Error(`--workload must be one of ${WORKLOADS.join(', ')}`);
  const backend = arg('--backend', 'torch');
  const int = (flag: string, fallback: number): number => {
    const v = Number(arg(flag, String(fallback)));
    if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} must be a non-negative number`);
    return v;
  };
  return {
    workload, backend, steps: int('--steps', 20), warmup: int('--warmup', 3),
    warmupSeconds: int('--warmup-seconds', 5), minSeconds: int('--min-seconds', 2), threads: int('--threads', 1), budgetSeconds: int('--budget', 120),
  };
}

async function main(): Promise<void> {
  const args = parseArgs();
  // Zero gradients for comparisons and recomputing gradients: needed by the gradient penalty.
  installGradientFixes();
  const threads = await setUpBackend(args.backend, args.threads);
  const missing = REQUIRED_KERNELS[args.workload].filter((k) => tf.getKernel(k, args.backend) == null);
  const base = { workload: args.workload, backend: args.backend, threads };
  if (missing.length > 0) {
    print({ ...base, status: 'n/a', reason: `backend lacks ${missing.join(', ')}`, msPerStep: null, steps: 0 });
    return;
  }
  tf.randomNormal([1]).dispose(); // seed-independent warm of the random path
  const { step, generator, discriminator } = buildWorkload(args.workload, repoRoot);
  const parameters = { generator: trainableParameterCount(generator), discriminator: trainableParameterCount(discriminator) };
  const started = performance.now();
  const seconds = (since: number): number => (performance.now() - since) / 1000;
  const overBudget = (): boolean => seconds(started) > args.budgetSeconds;
  let loss = NaN;
  for (let i = 0; (i < args.warmup || seconds(started) < args.warmupSeconds) && !overBudget(); i++) loss = await step();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const timingStarted = performance.now();
  while (times.length < args.steps || seconds(timingStarted) < args.minSeconds) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    loss = await step();
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    if (overBudget()) break;
  }
  const torch = args.backend === 'torch'
    ? (await import('@gantry/tfjs-backend-torch')) as { fallbackCounts?(): Record<string, number> }
    : undefined;
  print({
    ...base, status: 'ok', msPerStep: median(times), cpuMsPerStep: median(cpuTimes), steps: times.length, lastLoss: loss,
    numTensors: tf.memory().numTensors, fallbackCounts: torch?.fallbackCounts?.(), parameters,
  });
}

function print(result: BenchResult): void {
  console.log(JSON.stringify(result));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
