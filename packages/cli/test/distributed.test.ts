// Data-parallel training (issue 20), 2 processes on loopback with 1 torch thread each:
// - equivalence: 2 ranks x 16 rows reach the weights of 1 process x 32 rows (distributed-worker.ts) for the
//   classic non-saturating GAN (also with batch norm in G: synchronised it matches, per rank it does not),
//   WGAN-GP (the penalty per rank, averaged) and GAIN;
// - faults, through `gantry train --nproc 2`: rank 1 killed with SIGKILL after the first checkpoint makes
//   the run stop within the stated bound with an error naming rank 1, the checkpoint stays valid, and
//   `--resume --nproc 2` continues from it to the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileRunStore } from '@gantry/core/node';
import { trainCommand } from '../src/commands/train.js';
import { freePort, STOP_GRACE_MS } from '../src/distributed.js';
import { runCommand } from './run-command.js';

const worker = fileURLToPath(new URL('./distributed-worker.ts', import.meta.url));
const gantry = fileURLToPath(new URL('../bin/gantry.mjs', import.meta.url));
const ONE_THREAD = { GANTRY_TORCH_THREADS: '1', GANTRY_BACKEND: 'torch' };

interface Finished { code: number | null; out: string; err: string }

function finished(child: ChildProcess): Promise<Finished> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

function runWorker(env: Record<string, string>): Promise<Finished> {
  const { WORLD_SIZE: _w, RANK: _r, MASTER_ADDR: _a, MASTER_PORT: _p, ...rest } = process.env;
  return finished(spawn(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', worker], {
    env: { ...rest, ...ONE_THREAD, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  }));
}

type Weights = Record<string, number[][]>;

function weightsByCase(r: Finished, who: string): Weights {
  assert.equal(r.code, 0, `${who} failed:\n${r.err}`);
  const lines = r.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { case: string; weights: number[][] });
  return Object.fromEntries(lines.map((l) => [l.case, l.weights]));
}

function largestDifference(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let largest = 0;
  a.forEach((w, i) => {
    assert.equal(w.length, b[i].length);
    w.forEach((v, j) => { largest = Math.max(largest, Math.abs(v - b[i][j])); });
  });
  return largest;
}

test('2 processes with half batches reach the weights of 1 process with the full batch', { timeout: 120_000 }, async () => {
  const port = String(await freePort());
  const pair = { MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: '2' };
  const [single, rank0, rank1] = await Promise.all([runWorker({}), runWorker({ ...pair, RANK: '0' }), runWorker({ ...pair, RANK: '1' })]);
  assert.equal(rank1.code, 0, `rank 1 failed:\n${rank1.err}`);
  const one = weightsByCase(single, 'the single process');
  const two = weightsByCase(rank0, 'rank 0');
  // the same sums in another order: float rounding only
  assert.ok(largestDifference(one.nonsaturating, two.nonsaturating) < 1e-6, 'non-saturating GAN');
  assert.ok(largestDifference(one.gain, two.gain) < 1e-6, 'GAIN');
  // WGAN-GP's Adam (beta1 = 0) divides every gradient by its own RMS, so a bias whose gradient is near 0
  // moves by up to lr = 1e-4 per update whatever its rounding (measured: 2.2e-5 on one such bias); the bound
  // is half of one step. Drawing each rank's own penalty eps instead of its rows of the full batch's
  // exceeds it on 435 weights (by up to 6.5e-4).
  assert.ok(largestDifference(one['wgan-gp'], two['wgan-gp']) < 5e-5, 'WGAN-GP');
  // batch norm in G: synchronised, the ranks normalise with the full batch's statistics as one process does;
  // per rank (the default), each normalises its own 16 rows, and the weights part visibly
  assert.ok(largestDifference(one['batchnorm-synced'], two['batchnorm-synced']) < 1e-6, 'synchronised batch norm');
  assert.ok(largestDifference(one['batchnorm-per-rank'], two['batchnorm-per-rank']) > 1e-4, 'per-rank batch norm differs from one process');
});

/** The pid of the launcher's child running as `rank` (Linux: /proc). */
function rankPid(launcher: number, rank: number): number | undefined {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === launcher && readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`RANK=${rank}`)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

async function until(what: string, ms: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const train = (...args: string[]) => spawn(process.execPath, [gantry, 'train', ...args, '--nproc', '2', '--progress', 'off'], {
  env: { ...process.env, ...ONE_THREAD }, stdio: ['ignore', 'pipe', 'pipe'],
});

test('gantry train --nproc 2: a rank killed with SIGKILL stops the run naming it; --resume --nproc 2 continues', { timeout: 150_000, skip: process.platform !== 'linux' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-nproc-'));
  const out = join(dir, 'run');
  try {
    const launcher = train('--data', 'ring8', '--steps', '3000', '--batch', '64', '--checkpoint-every', '10', '--sample-every', '0', '--out', out);
    const ended = finished(launcher);
    await until('the first checkpoint', 90_000, () => existsSync(join(out, 'latest.json')));
    const pid = rankPid(launcher.pid!, 1);
    assert.ok(pid, 'rank 1 is running');
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const stopped = await ended;
    const seconds = (Date.now() - killedAt) / 1000;
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.err, /rank 1 was killed by SIGKILL/);
    // the bound the launcher states: the others' grace, plus their exit
    assert.ok(seconds < STOP_GRACE_MS / 1000 + 10, `stopped ${seconds} s after the kill`);

    const checkpoint = await fileRunStore(out).loadLatestCheckpoint();
    assert.ok(checkpoint && checkpoint.state.step >= 10 && checkpoint.state.step < 3000, 'a complete checkpoint from before the kill');
    const target = checkpoint.state.step + 10;
    const resumed = await finished(train('--resume', out, '--steps', String(target)));
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.err, new RegExp(`resuming .* from step ${checkpoint.state.step} to ${target}`));
    assert.equal((await fileRunStore(out).loadLatestCheckpoint())?.state.step, target);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--nproc, --nnodes, --node-rank and --master: usage errors name the flag; models without data parallelism refuse to run as ranks', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--nnodes', '2'], /--nnodes, --node-rank and --master go with --nproc/],
    [['--nproc', '0'], /--nproc must be an integer >= 1/],
    [['--nproc', '2', '--nnodes', '2'], /--nnodes > 1 needs --master/],
    [['--nproc', '2', '--nnodes', '2', '--node-rank', '2', '--master', 'host:29500'], /--node-rank 2 is not below --nnodes 2/],
    [['--nproc', '2', '--master', 'host'], /--master must be address:port/],
  ];
  for (const [args, message] of cases) {
    const r = await runCommand(trainCommand, '--data', 'ring8', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
  }
  const saved = process.env.WORLD_SIZE;
  process.env.WORLD_SIZE = '2';
  try {
    const r = await runCommand(trainCommand, '--model', 'pix2pix', '--data', 'emoji:google', '--target', 'emoji:twitter');
    assert.equal(r.code, 2);
    assert.match(r.err, /--model pix2pix does not train data-parallel yet/);
  } finally {
    if (saved === undefined) delete process.env.WORLD_SIZE;
    else process.env.WORLD_SIZE = saved;
  }
});
