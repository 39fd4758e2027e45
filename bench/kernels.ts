// Per-kernel CPU cost of the small ops behind mlp2d and gain16 on one tfjs backend, beside the
// closest PyTorch call on tensors of the same shapes (bench/kernels_peer.py), one thread each side.
// Process CPU time per call (process.cpuUsage / time.process_time) stays meaningful on a loaded
// machine, where wall time does not.
//   node --conditions=gantry-source --import tsx bench/kernels.ts [--backend torch] [--calls 2000] [--warmup 200] [--filter Step] [--json out.json]
//     [--baseline earlier.json]   (adds the us/call of an earlier --json run as a column)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { KERNEL_CASES, makeInputs, shapeLabel, TF_CALLS, type KernelCase } from './kernel_cases.js';
import { arg, setUpBackend } from './setup.js';
import { markdownTable, medianCpuMicrosPerCall } from './stats.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

/** Timed blocks per case; the median block is reported (a GC pause or a burst of load hits one block). */
const BLOCKS = 5;

/**
 * CPU microseconds per call of each case (inputs made once; every output disposed). Every case is
 * warmed up before any is timed, so that the engine code all cases share is optimized by then.
 */
export function timeCases(cases: KernelCase[], calls: number, warmup: number): number[] {
  const prepared = cases.map((c) => {
    const inputs = makeInputs(c);
    const run = TF_CALLS[c.op](inputs);
    const once = (): void => { const out = run(); if (out != null) tf.dispose(out); };
    for (let i = 0; i < warmup; i++) once();
    return { inputs, once };
  });
  const perBlock = Math.max(1, Math.round(calls / BLOCKS));
  return prepared.map(({ inputs, once }) => {
    const usPerCall = medianCpuMicrosPerCall(once, perBlock, BLOCKS);
    tf.dispose(inputs);
    return usPerCall;
  });
}

/** us/call of each case in PyTorch, or null where the peer is unavailable. */
function timePeer(cases: KernelCase[], calls: number, warmup: number): (number | null)[] {
  if (!existsSync(PYTHON)) return cases.map(() => null);
  const child = spawnSync(PYTHON, [join(repoRoot, 'bench', 'kernels_peer.py'), '--calls', String(calls), '--warmup', String(warmup)],
    { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (child.status !== 0) throw new Error(`kernels_peer.py failed (exit ${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as (number | null)[];
}

const caseKey = (c: KernelCase): string => `${c.kernel} ${c.op} ${shapeLabel(c)}`;

/** us/call by case from an earlier run's --json output (e.g. of the previous commit). */
function baselineLookup(file: string): Map<string, number> {
  const rows = JSON.parse(readFileSync(file, 'utf8')) as (KernelCase & { usPerCall: number })[];
  return new Map(rows.map((r) => [caseKey(r), r.usPerCall]));
}

async function main(): Promise<void> {
  const backend = arg('--backend', 'torch');
  const calls = Number(arg('--calls', '2000'));
  const warmup = Number(arg('--warmup', '200'));
  const filter = arg('--filter', '');
  const jsonOut = arg('--json', '');
  const baselineFile = arg('--baseline', '');
  await setUpBackend(backend, 1);
  const cases = KERNEL_CASES.filter((c) => filter === '' || c.kernel.includes(filter) || c.op.includes(filter));
  const ours = timeCases(cases, calls, warmup);
  const peer = timePeer(cases, calls, warmup);
  const baseline = baselineFile === '' ? null : baselineLookup(baselineFile);
  const rows = cases.map((c, i) => [
    c.kernel, c.op, shapeLabel(c), c.where,
    ...(baseline ? [baseline.get(caseKey(c))?.toFixed(1) ?? '-'] : []),
    ours[i].toFixed(1), peer[i] == null ? '-' : peer[i]!.toFixed(1),
    peer[i] == null ? '-' : `${(ours[i] / peer[i]!).toFixed(1)}x`,
  ]);
  const total = (xs: (number | null)[]): number => xs.reduce<number>((s, x) => s + (x ?? 0), 0);
  console.log(`${backend} (1 thread) vs PyTorch ${peer.some((p) => p != null) ? '(1 thread)' : 'unavailable'}: ` +
    `CPU us/call (median of ${BLOCKS} blocks of ${calls / BLOCKS} calls, after ${warmup} warm-up calls of every case); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ratio = ${backend} / PyTorch (lower is better)`);
  console.log(markdownTable(['kernel', 'op', 'inputs', 'workload', ...(baseline ? ['baseline us'] : []), `${backend} us`,
    'PyTorch us', 'ratio'], rows));
  console.log(`sum over cases: ${backend} ${total(ours).toFixed(0)} us, PyTorch ${total(peer).toFixed(0)} us`);
  if (jsonOut !== '') {
    writeFileSync(jsonOut, JSON.stringify(cases.map((c, i) => ({ ...c, usPerCall: ours[i], pytorchUsPerCall: peer[i] })), null, 1));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
