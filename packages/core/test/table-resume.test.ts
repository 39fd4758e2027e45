// GAIN, the anomaly GAN, RadialGAN and the tabular synthesizer on the one training loop: a run SIGKILLed mid-way and resumed ends with exactly
// what an uninterrupted run ends with (weights, optimizer slots, G's average and the RNG come back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { resumeAnomalyGan, resumeGain, resumeRadialGan } from '../src/index.js';
import { radialDomains, resumeRuns, type TableVariant } from './table-fixtures.js';
import { killChildAfter } from './kill-child.js';

await tf.setBackend('cpu');

for (const variant of ['gain', 'anomaly', 'radialgan', 'synth'] as TableVariant[]) {
  test(`${variant}: killed mid-run and resumed, it ends bit for bit where an uninterrupted run ends`, async () => {
    const r = resumeRuns[variant];
    const runDir = mkdtempSync(join(tmpdir(), `gantry-${variant}-resume-`));
    await killChildAfter(new URL('./table-resume-child.ts', import.meta.url), [variant, runDir], r.steps / 2);
    const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step as number;
    assert.ok(latest >= r.steps / 2 && latest < r.steps, `killed at checkpoint ${latest}, expected mid-run`);
    const resumed = await r.resume({ runDir });
    const straight = await r.train({});
    assert.deepEqual(resumed.numbers(), straight.numbers());
    resumed.dispose();
    straight.dispose();
  });
}

test('a resume on other data, or of another kind of run, is refused by name', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-anomaly-resume-'));
  (await resumeRuns.anomaly.train({ checkpointEvery: 5 }, { runDir })).dispose();
  const data = resumeRuns.anomaly.data;
  await assert.rejects(resumeGain(data, { runDir }), /holds a "anomaly-gan" run, not "gain"/);
  await assert.rejects(resumeAnomalyGan({ ...data, rows: 10, values: data.values.subarray(0, 40) }, { runDir }), /was trained on 120 x 4 data, not 10 x 4/);
});

test('radialgan: a resume on domains whose columns are named otherwise is refused (the names decide the shared columns)', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-radialgan-names-'));
  (await resumeRuns.radialgan.train({ checkpointEvery: 5 }, { runDir })).dispose();
  const renamed = radialDomains.map((d, k) => (k === 0 ? { ...d, x: { ...d.x, names: ['a', 'z'] } } : d));
  await assert.rejects(resumeRadialGan(renamed, { runDir }), /trained on columns named \[\["a","b"\],\["b","c","level"\]\], not \[\["a","z"\]/);
});
