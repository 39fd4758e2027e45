// npm run bench -- [--workloads mlp2d,dcgan28,wgangp28,gain16] [--backends torch,pytorch,wasm,cpu]
//                  [--steps 20] [--warmup 3] [--warmup-seconds 5] [--min-seconds 4] [--threads N] [--budget 120]
//                  [--repeats 3] [--json file] [--include-slow] [--peer-threads 1,2]
//                  [--doc docs/benchmarks.md]   (writes the table, machine and command as markdown)
//
// Each (workload, backend) runs in its own process: tfjs backends through bench/worker.ts, PyTorch
// (eager, CPU) through bench/torch_peer.py with /usr/bin/python3, once per --peer-threads count
// (default every count from 1 to --threads). Prints ms/step (median of the timed steps after warm-up)
// and the speed relative to PyTorch (> 1: faster) twice: against PyTorch on the same thread count, and
// against PyTorch at its own best thread count (on 2 cores eager PyTorch is often fastest on 1). Warm-up
// lasts at least --warmup steps and --warmup-seconds (V8 needs a few hundred small steps to optimise
// tfjs's JavaScript; see bench/worker.ts), timing at least --steps steps and --min-seconds. --repeats R
// runs every (workload, backend) process R times, the backends taking turns, and reports the median of
// the runs' medians: on a shared VM one process's small-workload timing moves by up to 1.5x, hence 3 by default.
// The cpu backend runs few steps (its convolution gradients take minutes); --budget caps each run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { combineRuns, markdownTable, preservedSections, pytorchPeers, speedCells, type BenchResult } from './stats.js';
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
  warmupSeconds: number;
  minSeconds: number;
  repeats: number;
  threads: number;
  budget: number;
  json: string;
  includeSlow: boolean;
  /** Thread counts the PyTorch peer runs at (its best and the one equal to --threads are reported). */
  peerThreads: number[];
  doc?: string;
}

/** Runs that take minutes per step: the cpu backend's Conv2DBackpropFilter runs at ~0.01 GFLOPS. */
const SLOW: Record<string, string[]> = { cpu: ['dcgan28', 'wgangp28'] };

function parseOptions(argv: string[]): Options {
  const opts: Options = {
    workloads: [...WORKLOADS], backends: [...BACKENDS], steps: 20, warmup: 3, warmupSeconds: 5, minSeconds: 4, repeats: 3,
    threads: availableParallelism(), budget: 120, json: join(repoRoot, 'runs', 'bench', 'latest.json'),
    includeSlow: false, peerThreads: [],
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
      case '--warmup-seconds': opts.warmupSeconds = num(flag, value); i++; break;
      case '--min-seconds': opts.minSeconds = num(flag, value); i++; break;
      case '--repeats': opts.repeats = num(flag, value); i++; break;
      case '--threads': opts.threads = num(flag, value); i++; break;
      case '--budget': opts.budget = num(flag, value); i++; break;
      case '--json': opts.json = value; i++; break;
      case '--include-slow': opts.includeSlow = true; break;
      case '--peer-threads': opts.peerThreads = list(value ?? '').map((v) => num(flag, v)); i++; break;
      case '--doc': opts.doc = value; i++; break;
      default: throw new Error(`bench: unknown flag ${flag} (see the comment at the top of bench/run.ts)`);
    }
  }
  if (opts.peerThreads.length === 0) opts.peerThreads = Array.from({ length: opts.threads }, (_, k) => k + 1);
  // the equal-threads peer is always measured: the table's first ratio needs it
  if (!opts.peerThreads.includes(opts.threads)) opts.peerThreads.push(opts.threads);
  for (const w of opts.workloads) {
    if (!WORKLOADS.includes(w)) throw new Error(`bench: unknown workload ${w}; choose from ${WORKLOADS.join(', ')}`);
  }
  for (const b of opts.backends) {
    if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`bench: unknown backend ${b}; choose from ${BACKENDS.join(', ')}`);
  }
  return opts;
}

/** The cpu backend is plain JavaScript: a couple of steps are enough to see its speed. */
function stepsFor(backend: string, opts: Options): Pick<Options, 'steps' | 'warmup' | 'minSeconds'> {
  return backend === 'cpu' ? { steps: Math.min(opts.steps, 3), warmup: Math.min(opts.warmup, 1), minSeconds: 0 } : opts;
}

function runOne(workload: WorkloadName, backend: string, opts: Options, threads = opts.threads): BenchResult {
  const base = { workload, backend, threads: backend === 'cpu' ? 1 : threads, msPerStep: null, steps: 0 };
  if (backend === 'torch' && !existsSync(TORCH_ADDON)) {
    return { ...base, status: 'n/a', reason: 'torch addon not built (npm run build:native)' };
  }
  if (!opts.includeSlow && SLOW[backend]?.includes(workload)) {
    return { ...base, status: 'n/a', reason: 'minutes per step (cpu convolution gradients); --include-slow runs it' };
  }
  if (backend === 'pytorch' && !existsSync(PYTHON)) {
    return { ...base, status: 'n/a', reason: `${PYTHON} not found` };
  }
  const { steps, warmup, minSeconds } = stepsFor(backend, opts);
  const common = ['--workload', workload, '--steps', String(steps), '--warmup', String(warmup),
    '--warmup-seconds', String(opts.warmupSeconds), '--min-seconds', String(minSeconds), '--threads', String(threads), '--budget', String(opts.budget)];
  const [cmd, args] = backend === 'pytorch'
    ? [PYTHON, [join(repoRoot, 'bench', 'torch_peer.py'), ...common]]
    : [process.execPath, ['--conditions=gantry-source', '--import', 'tsx', join(repoRoot, 'bench', 'worker.ts'), '--backend', backend, ...common]];
  // OMP/MKL threads follow --threads in both worlds (ATen reads them at start-up).
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), GANTRY_TORCH_THREADS: String(threads) };
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

function benchmarkDoc(header: string, argv: string[], table: string, notes: string[], fallbacks: string[]): string {
  const command = ['npm run bench --', ...argv].join(' ');
  return `# Benchmarks: tfjs backends vs PyTorch (CPU)

Generated by \`bench/run.ts\` (do not edit by hand; rerun the command below).

${header}

Command: \`${command}\`

${table}

ms/step is the median over the timed steps after warm-up (with --repeats, the median of the processes'
medians; each run's value is in the last column). "vs PyTorch, same threads" is PyTorch's ms/step on
the table's thread count divided by the row's (above 1: faster than PyTorch eager); "vs PyTorch at its
best" divides PyTorch's fastest ms/step over the thread counts it ran at (its rows; in brackets the
count that won): eager PyTorch's small steps are often fastest on one thread, so the first ratio alone
would credit a backend for PyTorch's thread overhead. Warm-up lasts at
least a few seconds for every backend: V8 optimises tfjs's JavaScript over the first few hundred small
steps (gain16 on torch, 1 thread, measured while tuning this: 8.9 ms/step after 3 warm-up steps, 4.8
after 50, 3.4 after 200), and training runs live in that steady state.
${notes.length > 0 ? `\nNot run:\n\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}${fallbacks.length > 0 ? `\ncpu fallbacks used by the torch backend (kernel: calls):\n\n${fallbacks.map((n) => `- ${n}`).join('\n')}\n` : ''}
## Workloads (bench/workloads.ts; PyTorch peers in bench/torch_peer.py, same parameter counts)

- **mlp2d**: G 16-128-128-2 (ReLU), D 2-128-128-1 (LeakyReLU 0.2), batch 256, non-saturating loss,
  Adam(2e-4, 0.5); one D and one G update per step.
- **dcgan28**: G dense 100->7x7x128 (no bias) + BN + LeakyReLU, convT 128->64 k4 s2 + BN + LeakyReLU,
  convT 64->1 k4 s2 + tanh; D conv 1->64 k4 s2 + LeakyReLU, conv 64->128 k4 s2 + LeakyReLU,
  dense 6272->1; batch 64; one D and one G update per step, Adam(2e-4, 0.5).
- **wgangp28**: the same nets; 5 critic updates with gradient penalty (lambda 10, interpolates between
  real and fake) per generator update; Adam(1e-4, 0, 0.9). Second-order gradients use
  \`installGradientFixes()\` from @gantry/core.
- **gain16**: GAIN on letter.csv's 16 columns (scaled to [0,1], 20% missing completely at random),
  batch 128, hint rate 0.9, alpha 100; G and D are three-layer MLPs of width 16 on 32 inputs; Adam(1e-3).

Layers: the tfjs side builds its networks with tfjs-layers and @gantry/core's \`dense\` (tfjs-layers
Dense whose forward pass, product + bias + relu, is one \`GantryDense\` kernel where the backend has it,
with a four-kernel backward; relu and leakyRelu gradients are one \`GantryLeakyReluGrad\` kernel; on
wasm and cpu, plain Dense and tfjs's gradients). The critic's update sees the generator's samples
detached (computed outside the gradient tape), as PyTorch's \`.detach()\` / \`no_grad()\` do.

Optimizers: the tfjs side uses @gantry/core's \`adam()\` (tf.AdamOptimizer's state and math; on the
torch backend its update is one fused native kernel call for all variables, bit-identical to
tf.train.adam on cpu; on wasm and cpu it runs tfjs Adam's own ops). The PyTorch side uses
\`torch.optim.Adam\` (its default single-tensor implementation). Each is its framework's Adam.

Each (workload, backend) runs in its own process. tfjs steps end with a read-back of the loss
(\`await loss.data()\`), PyTorch steps with \`loss.item()\`. The cpu backend is single-threaded
JavaScript; wasm runs with the thread count it reports. Where a backend lacks a kernel a workload
needs (wasm: Conv2DBackpropFilter) the row says n/a.

Per-kernel time on one backend: \`node --conditions=gantry-source --import tsx bench/profile.ts --workload gain16 --backend torch\`;
per-call cost of small ops: \`node --conditions=gantry-source --import tsx bench/overhead.ts --backend torch\`.
`;
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const header = `bench ${new Date().toISOString()} | nproc ${availableParallelism()} | ${cpuModel()} | threads ${opts.threads} | ` +
    `PyTorch peer threads ${opts.peerThreads.join(',')} | steps >= ${opts.steps} and >= ${opts.minSeconds} s (cpu: 3 steps) after >= ${opts.warmup} warm-up steps and >= ${opts.warmupSeconds} s | ${opts.repeats} process(es) each | load average at start ${loadavg()[0].toFixed(1)}`;
  console.log(header);
  if (opts.backends.includes('torch') && !existsSync(TORCH_ADDON)) {
    console.log('note: the torch addon is not built (npm run build:native); torch rows are n/a');
  }
  const results: BenchResult[] = [];
  // One entry per process kind: each backend at --threads, and the PyTorch peer at each --peer-threads
  // count (equal threads first, so the table reads as before).
  const runners = opts.backends.flatMap((backend) => backend !== 'pytorch' ? [{ backend, threads: opts.threads }]
    : [opts.threads, ...opts.peerThreads.filter((t) => t !== opts.threads)].map((threads) => ({ backend, threads })));
  for (const workload of opts.workloads) {
    const runs = runners.map(() => [] as BenchResult[]);
    for (let repeat = 0; repeat < opts.repeats; repeat++) {
      runners.forEach(({ backend, threads }, k) => runs[k].push(runOne(workload, backend, opts, threads)));
    }
    runners.forEach(({ backend }, k) => {
      const r = combineRuns(runs[k]);
      results.push(r);
      const ms = r.msPerStep == null ? r.status
        : `${r.msPerStep.toFixed(1)} ms/step${r.cpuMsPerStep == null ? '' : ` (${r.cpuMsPerStep.toFixed(1)} ms CPU)`}` +
          `${r.runsMsPerStep ? ` [runs ${r.runsMsPerStep.map((m) => m.toFixed(1)).join(', ')}]` : ''}`;
      console.log(`  ${workload} ${backend} (${r.threads} threads): ${ms}${r.reason ? ` (${r.reason})` : ''}` +
        `${r.fallbackCounts && Object.keys(r.fallbackCounts).length > 0 ? ` fallbacks ${JSON.stringify(r.fallbackCounts)}` : ''}` +
        `${r.parameters ? ` parameters G ${r.parameters.generator}, D ${r.parameters.discriminator}` : ''}`);
    });
  }
  const rows = results.map((r) => {
    const [equal, best] = speedCells(r.msPerStep, pytorchPeers(results, r.workload, opts.threads));
    return [
      r.workload, r.backend, String(r.threads),
      r.msPerStep == null ? r.status : r.msPerStep.toFixed(1),
      equal, best,
      String(r.steps),
      ...(opts.repeats > 1 ? [r.runsMsPerStep?.map((m) => m.toFixed(1)).join(', ') ?? '-'] : []),
    ];
  });
  // Timings on a machine whose load exceeds its cores are not comparable; say so in the output.
  const loadNote = `load average at end ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores` +
    (loadavg()[0] > availableParallelism() ? ' (machine busy: timings disturbed, rerun on an idle machine)' : '');
  console.log(`\n${loadNote}`);
  const table = markdownTable(['workload', 'backend', 'threads', 'ms/step', 'vs PyTorch, same threads', 'vs PyTorch at its best', 'timed steps',
    ...(opts.repeats > 1 ? ['ms/step of each run'] : [])], rows);
  const notes = results.filter((r) => r.reason != null).map((r) => `${r.workload}/${r.backend}: ${r.reason}`);
  console.log(table);
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
  const fallbacks = results.filter((r) => r.fallbackCounts && Object.keys(r.fallbackCounts).length > 0)
    .map((r) => `${r.workload}/${r.backend}: ${JSON.stringify(r.fallbackCounts)}`);
  if (opts.doc != null) {
    const kept = existsSync(opts.doc) ? preservedSections(readFileSync(opts.doc, 'utf8')) : '';
    writeFileSync(opts.doc, benchmarkDoc(`${header}\n\n${loadNote}`, process.argv.slice(2), table, notes, fallbacks) + kept);
    console.log(`markdown -> ${opts.doc}`);
  }
  mkdirSync(dirname(opts.json), { recursive: true });
  writeFileSync(opts.json, JSON.stringify({ header, options: opts, results }, null, 2) + '\n');
  console.log(`\nresults -> ${opts.json}`);
}

main();
