// pix2pix64, cyclegan64, stylegan64, gantts and video: each trainer step runs on the torch backend without cpu fallbacks, its
// PyTorch twin runs too, and both report the same trained parameter counts (each side also asserts them
// when it builds its networks). Not timed: one step each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import type { BenchResult } from './stats.js';
import { buildWorkload, trainableParameterCount, type WorkloadName } from './workloads.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const TRAINER_WORKLOADS: WorkloadName[] = ['pix2pix64', 'cyclegan64', 'stylegan64', 'gantts', 'video'];
const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);

for (const name of TRAINER_WORKLOADS) {
  test(`${name}: one step on gantry and on its PyTorch twin, the same parameter counts`, { skip: (engine == null || !existsSync(PYTHON)) && 'needs the torch addon and /usr/bin/python3' }, async () => {
    engine!.setNumThreads(1);
    await tf.setBackend('torch');
    engine!.resetFallbackCounts();
    const workload = buildWorkload(name, repoRoot);
    assert.ok(Number.isFinite(await workload.step()), `${name}: gantry's loss`);
    assert.deepEqual(engine!.fallbackCounts(), {}, `${name}: cpu fallbacks`);
    const peer = spawnSync(PYTHON, [join(repoRoot, 'bench', 'torch_peer.py'), '--workload', name, '--steps', '1', '--warmup', '0', '--warmup-seconds', '0', '--min-seconds', '0'],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    assert.equal(peer.status, 0, peer.stderr);
    const twin = JSON.parse(peer.stdout.trim().split('\n').at(-1)!) as BenchResult;
    assert.ok(Number.isFinite(twin.lastLoss), `${name}: the twin's loss ${twin.lastLoss}`);
    assert.deepEqual(twin.parameters, { generator: trainableParameterCount(workload.generator), discriminator: trainableParameterCount(workload.discriminator) });
    for (const model of [workload.generator, workload.discriminator].flat()) model.dispose();
  });
}
