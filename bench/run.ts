// npm run bench -- [--workloads mlp2d,dcgan28,wgangp28,gain16] [--backends torch,pytorch,wasm,cpu]
//                  [--steps 20] [--warmup 3] [--threads N] [--budget 120] [--json file]
//
// Each (workload, backend) runs in its own process: tfjs backends through bench/worker.ts, PyTorch
// (eager, CPU, same thread count) through bench/torch_peer.py with /usr/bin/python3. Prints ms/step
// (median of the timed steps after warm-up) and the speed relative to PyTorch (> 1: faster).
// The cpu backend runs few steps (its convolution gradients take minutes); --budget caps each run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { markdownTable, speedVsPyTorch, type BenchResult } from './stats.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const BACKENDS = ['torch', 'pytorch', 'wasm', 'cpu'] as const;
const PYTHON = '/usr/bin/python3';
const TORCH_ADDON = join(repoRoot, 'packages/tfjs-backend-torch/native/build/Release/gantry_torch.node');

interface Options {
  workloads: WorkloadName[];
  backends: string[];
  steps: number;
  warmup: number;
  threads: number;
  budget: number;
  json: string;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = {
    workloads: [...WORKLOADS], backends: [...BACKENDS], steps: 20, warmup: 3,
    threads: availableParallelism(), budget: 120, json: join(repoRoot, 'runs', 'bench', 'latest.json'),
  };
  const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v == null || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got ${String(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--workloads': opts.workloads = list(value ?? '') as WorkloadName[]; i++; break;
      case '--backends': opts.backends = list(value ?? ''); i++; break;
      case '--steps': opts.steps = num(flag, value); i++; break;
      case '--warmup': opts.warmup = num(flag, value); i++; break;
      case '--threads': opts.threads = num(flag, value); i++; break;
      case '--budget': opts.budget = num(flag, value); i++; break;
      case '--json': opts.json = value; i++; break;
      default: throw new Error(`bench: unknown flag ${flag} (see the comment at the top of bench/run.ts)`);
    }
  }
  for (const w of opts.workloads) {
    if (!WORKLOADS.includes(w)) throw new Error(`bench: unknown workload ${w}; choose from ${WORKLOADS.join(', ')}`);
  }
  for (const b of opts.backends) {
    if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`bench: unknown backend ${b}; choose from ${BACKENDS.join(', ')}`);
  }
  return opts;
}

/** The cpu backend is plain JavaScript: a couple of steps are enough to see its speed. */
function stepsFor(backend: string, opts: Options): { steps: number; warmup: number } {
  return backend === 'cpu' ? { steps: Math.min(opts.steps, 3), warmup: Math.min(opts.warmup, 1) } : opts;
}

function runOne(workload: WorkloadName, backend: string, opts: Options): BenchResult {
  const base = { workload, backend, threads: opts.threads, msPerStep: null, steps: 0 };
  if (backend === 'torch' && !existsSync(TORCH_ADDON)) {
    return { ...base, status: 'n/a', reason: 'torch addon not built (npm run build:native)' };
  }
  if (backend === 'pytorch' && !existsSync(PYTHON)) {
    return { ...base, status: 'n/a', reason: `${PYTHON} not found` };
  }
  const { steps, warmup } = stepsFor(backend, opts);
  const common = ['--workload', workload, '--steps', String(steps), '--warmup', String(warmup),
    '--threads', String(opts.threads), '--budget', String(opts.budget)];
  const [cmd, args] = backend === 'pytorch'
    ? [PYTHON, [join(repoRoot, 'bench', 'torch_peer.py'), ...common]]
    : [process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'worker.ts'), '--backend', backend, ...common]];
  // OMP/MKL threads follow --threads in both worlds (ATen reads them at start-up).
  const env = { ...process.env, OMP_NUM_THREADS: String(opts.threads), GANTRY_TORCH_THREADS: String(opts.threads) };
  const child = spawnSync(cmd, args, { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const lastJson = child.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (child.status !== 0 || lastJson == null) {
    const why = (child.stderr || child.stdout).trim().split('\n').filter((l) => !l.trim().startsWith('at ')).slice(-3).join(' ');
    return { ...base, status: 'error', reason: `exit ${String(child.status ?? child.signal)}: ${why.slice(0, 300)}` };
  }
  return JSON.parse(lastJson) as BenchResult;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const header = `bench ${new Date().toISOString()} | nproc ${availableParallelism()} | ${cpuModel()} | threads ${opts.threads} | ` +
    `steps ${opts.steps} (cpu <= 3) after ${opts.warmup} warm-up`;
  console.log(header);
  if (opts.backends.includes('torch') && !existsSync(TORCH_ADDON)) {
    console.log('note: the torch addon is not built (npm run build:native); torch rows are n/a');
  }
  const results: BenchResult[] = [];
  for (const workload of opts.workloads) {
    for (const backend of opts.backends) {
      const r = runOne(workload, backend, opts);
      results.push(r);
      const ms = r.msPerStep == null ? r.status : `${r.msPerStep.toFixed(1)} ms/step`;
      console.log(`  ${workload} ${backend}: ${ms}${r.reason ? ` (${r.reason})` : ''}` +
        `${r.fallbackCounts && Object.keys(r.fallbackCounts).length > 0 ? ` fallbacks ${JSON.stringify(r.fallbackCounts)}` : ''}`);
    }
  }
  const rows = results.map((r) => {
    const peer = results.find((p) => p.workload === r.workload && p.backend === 'pytorch');
    const speed = speedVsPyTorch(r.msPerStep, peer?.msPerStep ?? null);
    return [
      r.workload, r.backend, String(r.threads),
      r.msPerStep == null ? r.status : r.msPerStep.toFixed(1),
      speed == null ? '-' : `${speed.toFixed(2)}x`,
      String(r.steps),
    ];
  });
  console.log('');
  console.log(markdownTable(['workload', 'backend', 'threads', 'ms/step', 'speed vs PyTorch', 'timed steps'], rows));
  const notes = results.filter((r) => r.reason != null).map((r) => `${r.workload}/${r.backend}: ${r.reason}`);
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
  mkdirSync(dirname(opts.json), { recursive: true });
  writeFileSync(opts.json, JSON.stringify({ header, options: opts, results }, null, 2) + '\n');
  console.log(`\nresults -> ${opts.json}`);
}

main();
