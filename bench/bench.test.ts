// The benchmark compares like with like: the tfjs workloads and their PyTorch peers have the same
// trainable parameter counts, and the runner produces a timed row end to end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { combineRuns, markdownTable, median, preservedSections, pytorchPeers, speedCells, speedVsPyTorch, type BenchResult } from './stats.js';
import { buildWorkload, trainableParameterCount, WORKLOADS } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

test('median and speed ratio', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /empty/);
  assert.equal(speedVsPyTorch(50, 100), 2);
  assert.equal(speedVsPyTorch(null, 100), null);
  assert.match(markdownTable(['a', 'bb'], [['xyz', '1']]), /^\| a {3}\| bb \|\n\|-----\|----\|\n\| xyz \| 1 {2}\|$/);
});

test('PyTorch peers: the equal-threads row and the fastest over thread counts', () => {
  const row = (backend: string, threads: number, ms: number | null, workload = 'w'): BenchResult =>
    ({ workload, backend, threads, status: ms == null ? 'error' : 'ok', msPerStep: ms, steps: 1 });
  const results = [row('torch', 2, 8), row('pytorch', 2, 14), row('pytorch', 1, 4.4), row('pytorch', 1, 1, 'other'), row('pytorch', 3, null)];
  const peers = pytorchPeers(results, 'w', 2);
  assert.equal(peers.equal?.msPerStep, 14);
  assert.equal(peers.best?.threads, 1);
  assert.deepEqual(speedCells(8, peers), ['1.75x', '0.55x (1 thread)']);
  assert.deepEqual(speedCells(null, peers), ['-', '-']);
  // no equal-threads row: only the best ratio
  assert.deepEqual(speedCells(8, pytorchPeers(results, 'w', 3)), ['-', '0.55x (1 thread)']);
});

test('repeated runs: medians of the runs, steps summed, a failed run wins', () => {
  const run = (ms: number, cpu: number, steps: number): BenchResult =>
    ({ workload: 'w', backend: 'b', threads: 1, status: 'ok', msPerStep: ms, cpuMsPerStep: cpu, steps, fallbackCounts: { Foo: 1 } });
  const combined = combineRuns([run(3, 4, 10), run(9, 8, 20), run(5, 6, 30)]);
  assert.equal(combined.msPerStep, 5);
  assert.equal(combined.cpuMsPerStep, 6);
  assert.equal(combined.steps, 60);
  assert.deepEqual(combined.runsMsPerStep, [3, 9, 5]);
  assert.deepEqual(combined.fallbackCounts, { Foo: 3 });
  const failed: BenchResult = { workload: 'w', backend: 'b', threads: 1, status: 'error', reason: 'exit 1', msPerStep: null, steps: 0 };
  assert.equal(combineRuns([run(3, 4, 10), failed]), failed);
  assert.equal(combineRuns([run(3, 4, 10)]).runsMsPerStep, undefined);
});

test('regenerating the benchmarks doc keeps its Memory section', () => {
  const doc = '# Benchmarks\n\n| a |\n\n## Workloads\n\ntext\n\n## Memory\n\nCommand: x\n\n| step | RSS |\n';
  assert.equal(preservedSections(doc), '\n## Memory\n\nCommand: x\n\n| step | RSS |\n');
  assert.equal(preservedSections('# Benchmarks\n\nno memory table; ## Memory mid-line\n'), '');
});

test('tfjs workloads and PyTorch peers have the same trainable parameter counts', { skip: !existsSync(PYTHON) }, async () => {
  await tf.setBackend('cpu');
  const peer = spawnSync(PYTHON, [join(repoRoot, 'bench', 'torch_peer.py'), '--workload', 'all', '--describe'], { encoding: 'utf8' });
  assert.equal(peer.status, 0, peer.stderr);
  const all = JSON.parse(peer.stdout) as Record<string, { generator: number; discriminator: number }>;
  assert.deepEqual(Object.keys(all).sort(), [...WORKLOADS].sort());
  for (const name of WORKLOADS) {
    const workload = buildWorkload(name, repoRoot);
    const counts = all[name];
    assert.equal(trainableParameterCount(workload.generator), counts.generator, `${name} generator`);
    assert.equal(trainableParameterCount(workload.discriminator), counts.discriminator, `${name} discriminator`);
    for (const model of [workload.generator, workload.discriminator].flat()) model.dispose();
  }
});

test('bench runner times gain16 on cpu and writes its JSON', { timeout: 120_000 }, () => {
  const json = join(mkdtempSync(join(tmpdir(), 'gantry-bench-')), 'bench.json');
  const child = spawnSync(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', join(repoRoot, 'bench', 'run.ts'),
    '--workloads', 'gain16', '--backends', 'cpu', '--steps', '2', '--warmup', '1', '--threads', '1', '--repeats', '1', '--json', json],
  { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /\| gain16 +\| cpu +\| 1 +\| \d+\.\d +\|/);
  const { results } = JSON.parse(readFileSync(json, 'utf8')) as { results: BenchResult[] };
  assert.equal(results.length, 1);
  assert.equal(results[0].status, 'ok');
  assert.equal(results[0].steps, 2);
  assert.ok(results[0].msPerStep != null && results[0].msPerStep > 0);
  assert.ok(Number.isFinite(results[0].lastLoss));
});
