import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { trainGan, resumeGan, memoryRunStore } from '../src/train/index.js';
import { resumeConfig, resumeModels } from './train-resume-setup.js';
import { gaussianSource, weightsOf, assertSameWeights } from './train-fixtures.js';
import { killChildAfter } from './kill-child.js';

tf.setBackend('cpu');
const N = 12;
const data = () => gaussianSource({ mean: 2, std: 0.5 });

async function straightRun(steps: number) {
  const m = resumeModels();
  const r = await trainGan({ ...m, data: data(), config: resumeConfig, steps, progress: 'off' });
  return { g: await weightsOf(r.generator), d: await weightsOf(r.discriminator), ema: await weightsOf(r.emaGenerator!) };
}

test('a run SIGKILLed mid-way and resumed ends bit-identical to an uninterrupted run', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-resume-'));
  const reported = await killChildAfter(new URL('./train-resume-child.ts', import.meta.url), [runDir, String(N)], N / 2);
  const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step as number;
  assert.ok(latest >= N / 2 && latest < N, `killed at checkpoint ${latest}, expected mid-run (child reported ${reported})`);
  assert.deepEqual(readdirSync(join(runDir, 'checkpoints')).filter((d) => d.startsWith('.tmp')).length <= 1, true);
  const resumed = await resumeGan({ runDir, data: data(), progress: 'off' });
  assert.equal(resumed.step, N);
  const straight = await straightRun(N);
  assert.ok(assertSameWeights(await weightsOf(resumed.generator), straight.g), 'generator weights differ from the uninterrupted run');
  assert.ok(assertSameWeights(await weightsOf(resumed.discriminator), straight.d), 'discriminator weights differ');
  assert.ok(assertSameWeights(await weightsOf(resumed.emaGenerator!), straight.ema), 'EMA weights differ');
});

test('resume in memory into caller-built models; extending a finished run', async () => {
  const store = memoryRunStore();
  const m = resumeModels();
  await trainGan({ ...m, data: data(), config: { ...resumeConfig, checkpointEvery: 3 }, steps: N / 2, store, progress: 'off' });
  const r = await resumeGan({ ...resumeModels(), store, data: data(), steps: N, progress: 'off' });
  const straight = await straightRun(N);
  assert.ok(assertSameWeights(await weightsOf(r.generator), straight.g), 'generator weights differ from the uninterrupted run');
  await assert.rejects(trainGan({ ...resumeModels(), data: data(), config: resumeConfig, steps: 1, store, progress: 'off' }), /already holds a run/);
});
