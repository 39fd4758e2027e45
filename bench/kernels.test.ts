// bench/kernels.ts covers what it claims: every case has a tf call and a PyTorch peer, and a short
// run prints a timed row per case with the ratio.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { KERNEL_CASES, TF_CALLS } from './kernel_cases.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

test('every kernel case has a tf call', () => {
  for (const c of KERNEL_CASES) assert.ok(TF_CALLS[c.op], `${c.kernel}: no tf call for op ${c.op}`);
});

test('every kernel case has a PyTorch peer', { skip: !existsSync(PYTHON) }, () => {
  const child = spawnSync(PYTHON, [join(repoRoot, 'bench', 'kernels_peer.py'), '--list'], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const peers = new Set(JSON.parse(child.stdout) as string[]);
  for (const c of KERNEL_CASES) assert.ok(peers.has(c.op), `${c.kernel}: kernels_peer.py has no peer for op ${c.op}`);
});

test('kernels.ts times the Step cases on cpu against PyTorch', { timeout: 60_000 }, () => {
  const child = spawnSync(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', join(repoRoot, 'bench', 'kernels.ts'),
    '--backend', 'cpu', '--filter', 'Step', '--calls', '10', '--warmup', '2'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const rows = child.stdout.split('\n').filter((line) => line.startsWith('| Step'));
  assert.equal(rows.length, KERNEL_CASES.filter((c) => c.kernel === 'Step').length);
  const ratio = existsSync(PYTHON) ? /\| \d+\.\d+x +\|$/ : /\| - +\|$/;
  for (const row of rows) assert.match(row, ratio);
});
