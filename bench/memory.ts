// Does memory stay flat over a long run? Trains each workload for --steps steps (default 2,000) on
// one tfjs backend and prints process RSS, the JS heap, tf.memory().numTensors and the native tensor
// count every --every steps (default 250). Each workload runs in its own child process so that one
// workload's allocations do not blur the next one's RSS. --gc runs a full garbage collection before each
// sample (node --expose-gc), so that the JS heap column counts live objects rather than garbage V8 has not
// collected yet.
//   node --conditions=gantry-source --import tsx bench/memory.ts [--workloads mlp2d,gain16] [--steps 2000] [--every 250] [--backend torch] [--threads 1] [--gc]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { installGradientFixes } from '@gantry/core';

import { setUpBackend } from './setup.js';
import { markdownTable } from './stats.js';
import { buildWorkload, WORKLOADS, type WorkloadName } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const thisFile = fileURLToPath(import.meta.url);

interface Options { workloads: WorkloadName[]; steps: number; every: number; backend: string; threads: number; gc: boolean; child: boolean }

/** One sample of a run: after `step` steps. */
export interface MemorySample { workload: string; step: number; rssMiB: number; heapMiB: number; numTensors: number; nativeTensors: number | null }

function parseOptions(argv: string[]): Options {
  const opts: Options = { workloads: [...WORKLOADS], steps: 2000, every: 250, backend: 'torch', threads: 1, gc: false, child: false };
  const positive = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v == null || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got ${String(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--workloads': opts.workloads = (value ?? '').split(',').filter((s) => s !== '') as WorkloadName[]; i++; break;
      case '--steps': opts.steps = positive('--steps', value); i++; break;
      case '--every': opts.every = positive('--every', value); i++; break;
      case '--backend': opts.backend = value ?? ''; i++; break;
      case '--threads': opts.threads = positive('--threads', value); i++; break;
      case '--gc': opts.gc = true; break;
      case '--child': opts.child = true; break;
      default: throw new Error(`bench/memory: unknown flag ${argv[i]} (see the comment at the top of bench/memory.ts)`);
    }
  }
  for (const w of opts.workloads) {
    if (!WORKLOADS.includes(w)) throw new Error(`bench/memory: unknown workload ${w}; choose from ${WORKLOADS.join(', ')}`);
  }
  return opts;
}

const MiB = 1024 * 1024;

/** Runs one workload in this process, printing one JSON sample per line. */
async function runChild(workload: WorkloadName, opts: Options): Promise<void> {
  installGradientFixes();
  let nativeCount: (() => number) | null = null;
  await setUpBackend(opts.backend, opts.threads);
  if (opts.backend === 'torch') nativeCount = (await import('@gantry/tfjs-backend-torch')).nativeTensorCount;
  const { step } = buildWorkload(workload, repoRoot);
  const collect = opts.gc ? (globalThis as { gc?: () => void }).gc : undefined;
  if (opts.gc && collect == null) throw new Error('bench/memory: --gc needs node --expose-gc (the parent passes it)');
  const sample = (n: number): void => {
    collect?.();
    const usage = process.memoryUsage();
    const s: MemorySample = {
      workload, step: n, rssMiB: usage.rss / MiB, heapMiB: usage.heapUsed / MiB,
      numTensors: tf.memory().numTensors, nativeTensors: nativeCount?.() ?? null,
    };
    console.log(JSON.stringify(s));
  };
  for (let i = 1; i <= opts.steps; i++) {
    await step();
    if (i === 1 || i % opts.every === 0 || i === opts.steps) sample(i);
  }
}

/** Runs one workload's child process, printing each sample as it arrives (long runs show progress). */
async function sampleWorkload(workload: WorkloadName, opts: Options, rows: string[][]): Promise<void> {
  const child = spawn(process.execPath, [...(opts.gc ? ['--expose-gc'] : []), '--conditions=gantry-source', '--import', 'tsx', thisFile, '--child',
    '--workloads', workload, '--steps', String(opts.steps), '--every', String(opts.every), '--backend', opts.backend,
    '--threads', String(opts.threads), ...(opts.gc ? ['--gc'] : [])],
  { cwd: repoRoot, env: { ...process.env, OMP_NUM_THREADS: String(opts.threads) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-800); });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('{')) continue;
    const s = JSON.parse(line) as MemorySample;
    const row = [s.workload, String(s.step), s.rssMiB.toFixed(1), s.heapMiB.toFixed(1), String(s.numTensors), s.nativeTensors == null ? '-' : String(s.nativeTensors)];
    rows.push(row);
    console.log(row.join('\t'));
  }
  const status = await exited;
  if (status !== 0) throw new Error(`bench/memory: ${workload} failed (exit ${String(status)}): ${stderr}`);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  console.log(`memory: backend ${opts.backend}, threads ${opts.threads}, ${opts.steps} steps, sample every ${opts.every}` +
    `${opts.gc ? ' after a full GC' : ''} ` +
    `(RSS and JS heap in MiB; numTensors = tf.memory().numTensors; native = live ATen tensors)`);
  const rows: string[][] = [];
  for (const workload of opts.workloads) await sampleWorkload(workload, opts, rows);
  console.log(`\n${markdownTable(['workload', 'step', 'RSS MiB', 'JS heap MiB', 'numTensors', 'native tensors'], rows)}`);
}

if (process.argv.includes('--child')) {
  const opts = parseOptions(process.argv.slice(2));
  runChild(opts.workloads[0], opts).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
