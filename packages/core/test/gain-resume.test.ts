// GAIN on the one training loop: a run SIGKILLed mid-way and resumed imputes exactly what an uninterrupted
// run imputes (generator, its weight average and the RNG all come back from the checkpoint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { createRng, removeCompletelyAtRandom, resumeGain, trainGain } from '../src/index.js';
import { correlatedTable, resumeRun } from './gain-fixtures.js';
import { killChildAfter } from './kill-child.js';

await tf.setBackend('cpu');

test('GAIN killed mid-run and resumed imputes bit for bit what an uninterrupted run imputes', async () => {
  const data = removeCompletelyAtRandom(correlatedTable(resumeRun.rows, 1), 0.2, createRng(2)).data;
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-gain-resume-'));
  await killChildAfter(new URL('./gain-resume-child.ts', import.meta.url), [runDir], resumeRun.steps / 2);
  const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step as number;
  assert.ok(latest >= resumeRun.steps / 2 && latest < resumeRun.steps, `killed at checkpoint ${latest}, expected mid-run`);
  const resumed = await resumeGain(data, { runDir });
  const straight = await trainGain(data, resumeRun.options);
  assert.deepEqual(Array.from(resumed.generator.getWeights().flatMap((w) => Array.from(w.dataSync()))),
    Array.from(straight.generator.getWeights().flatMap((w) => Array.from(w.dataSync()))), 'the averaged generators differ');
  assert.deepEqual(Array.from(resumed.impute(data).values), Array.from(straight.impute(data).values));
  await assert.rejects(resumeGain({ ...data, rows: 10, values: data.values.subarray(0, 40) }, { runDir }), /was trained on 120 x 4 data, not 10 x 4/);
  resumed.dispose();
  straight.dispose();
});
