import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linearDecayRate as learningRateAt } from '@gantry/core';

const bin = fileURLToPath(new URL('../bin/gantry.mjs', import.meta.url));

test('learning rate: constant, then linear to 0 over the last fraction of the run', () => {
  assert.equal(learningRateAt(1e-3, 0, 900, 1000), 1e-3);
  assert.equal(learningRateAt(1e-3, 0.4, 600, 1000), 1e-3);
  assert.ok(Math.abs(learningRateAt(1e-3, 0.4, 800, 1000) - 5e-4) < 1e-15);
  assert.equal(learningRateAt(1e-3, 0.4, 1000, 1000), 0);
  assert.equal(learningRateAt(1e-3, 1, 1, 4), 7.5e-4);
});

test('a run resumed inside the decay gives the same generator as an uninterrupted one', () => {
  const work = mkdtempSync(join(tmpdir(), 'gantry-schedule-'));
  const gantry = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, GANTRY_BACKEND: 'cpu' }, timeout: 120_000 });
  const flags = ['--data', 'ring8', '--steps', '20', '--lr-decay', '0.6', '--batch', '32', '--hidden', '8,8', '--checkpoint-every', '10', '--progress', 'off'];
  for (const name of ['whole', 'resumed']) assert.equal(gantry('train', ...flags, '--out', join(work, name)).status, 0);
  // roll "resumed" back to its step-10 checkpoint, inside the decay (it starts after step 8)
  const resumed = join(work, 'resumed');
  rmSync(join(resumed, 'checkpoints', 'step-000020'), { recursive: true });
  writeFileSync(join(resumed, 'latest.json'), JSON.stringify({ checkpoint: 'checkpoints/step-000010', step: 10 }));
  const r = gantry('train', '--resume', resumed, '--progress', 'off');
  assert.equal(r.status, 0, r.stderr);
  const samples = (run: string) => {
    const out = join(work, `${run}.csv`);
    assert.equal(gantry('sample', join(work, run), '--n', '20', '--seed', '2', '--out', out).status, 0);
    return readFileSync(out, 'utf8');
  };
  assert.equal(samples('resumed'), samples('whole'));
});
