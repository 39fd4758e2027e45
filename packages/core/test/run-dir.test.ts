// The run directory under damage (issue 21): damaged checkpoints are named, never read; latest.json and
// config.json are checked against their schemas; links out of the run are refused; a crash before the
// first manifest is not a dead end; interrupted writes are cleaned up; nothing is recorded twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { DivergenceError, resumeGan, trainGan, type GanConfig } from '../src/train/index.js';
import { fileRunStore, newestCheckpointDir } from '../src/run/file-store.node.js';
import { writeFileAtomic } from '../src/run/files.node.js';
import { readLatestManifest, readRunConfig, writeRunConfig } from '../src/run/run-dir.node.js';
import { RUN_FORMAT, type RunConfig } from '../src/run/format.js';
import { gaussianSource, tinyDiscriminator, tinyGenerator } from './train-fixtures.js';

tf.setBackend('cpu');

const config: GanConfig = { loss: 'nonsaturating', latentDim: 2, seed: 5, batchSize: 8, checkpointEvery: 2, keepCheckpoints: 5, logEvery: 1 };

async function trainedRun(steps = 4, over: Partial<GanConfig> = {}, data = gaussianSource({ mean: 1, std: 0.5 })): Promise<string> {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-rundir-'));
  await trainGan({
    generator: tinyGenerator({ latentDim: 2, outputDim: 1, seed: 1 }), discriminator: tinyDiscriminator({ inputDim: 1, seed: 2 }),
    data, runDir, progress: 'off', steps, config: { ...config, ...over },
  });
  return runDir;
}

/** A copy of the run whose newest generator weights.bin was changed by `damage`. */
function damagedCopy(run: string, damage: (weights: string) => void): string {
  const copy = mkdtempSync(join(tmpdir(), 'gantry-damaged-'));
  cpSync(run, copy, { recursive: true });
  damage(join(copy, 'checkpoints', 'step-000004', 'generator', 'weights.bin'));
  return copy;
}

const stepsIn = (runDir: string) => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as { step?: number; event?: string }).filter((r) => r.event === undefined).map((r) => r.step);

test('a truncated, overwritten or extended weights.bin is an error naming the file, never a model', async () => {
  const run = await trainedRun();
  const size = readFileSync(join(run, 'checkpoints', 'step-000004', 'generator', 'weights.bin')).byteLength;
  const cases: [string, (f: string) => void, RegExp][] = [
    ['truncated', (f) => truncateSync(f, size - 7), /truncated/],
    ['random bytes', (f) => writeFileSync(f, Buffer.alloc(size, 0xff)), /SHA-256 does not match/],
    ['trailing bytes', (f) => appendFileSync(f, Buffer.alloc(12)), /trailing bytes/],
  ];
  for (const [what, damage, reason] of cases) {
    const copy = damagedCopy(run, damage);
    await assert.rejects(fileRunStore(copy).loadLatestCheckpoint(), (e: Error) => {
      assert.match(e.message, /step-000004\/generator\/weights\.bin: /, what);
      assert.match(e.message, reason, what);
      return true;
    });
  }
  // without checksums.json (older checkpoints) the weight list still catches a short or long file
  const old = damagedCopy(run, (f) => truncateSync(f, size - 4));
  rmSync(join(old, 'checkpoints', 'step-000004', 'checksums.json'));
  await assert.rejects(fileRunStore(old).loadLatestCheckpoint(), /weights\.bin: \d+ bytes, but its weight list needs \d+ \(truncated\)/);
});

test('latest.json and config.json are checked against their schemas; errors name the file and the field', async () => {
  const run = await trainedRun(2);
  const latest = join(run, 'latest.json');
  const manifests: [string, RegExp][] = [
    ['{"checkpoint": 2, "step": 2}', /latest\.json: field "checkpoint" must be a checkpoint of this run/],
    ['{"checkpoint": "../other/checkpoints/step-000002", "step": 2}', /latest\.json: field "checkpoint" must be a checkpoint of this run/],
    ['{"checkpoint": "checkpoints/step-000002", "step": 3}', /latest\.json: .*step/],
    ['null', /latest\.json: the file must be an object, got null/],
    ['{"checkpoint": "checkpoints/step-0000', /latest\.json: not valid JSON/],
  ];
  for (const [text, message] of manifests) {
    writeFileSync(latest, text);
    assert.throws(() => readLatestManifest(run), message, text);
    await assert.rejects(fileRunStore(run).loadLatestCheckpoint(), message, text);
  }
  const good: RunConfig = {
    format: RUN_FORMAT, data: { spec: 'ring8', kind: 'points', itemShape: [2], count: null },
    model: { preset: 'mlp', latentDim: 2, conditional: false, flatten: false },
    train: { loss: 'hinge', steps: 10, batch: 8, lrG: 1e-3, lrD: 1e-3, seed: 0, sampleEvery: 5, checkpointEvery: 5 },
    createdAt: '2026-12-03T00:00:00.000Z',
  };
  writeRunConfig(run, good);
  assert.deepEqual(readRunConfig(run), good);
  const configs: [unknown, RegExp][] = [
    [null, /config\.json: the file must be an object, got null/],
    [{ format: RUN_FORMAT }, /config\.json: field "data" must be/],
    [{ ...good, train: { ...good.train, steps: 'ten' } }, /config\.json: field "train\.steps" must be an integer >= 1, got "ten"/],
    [{ ...good, data: { ...good.data, itemShape: [2, -1] } }, /config\.json: field "data\.itemShape\[1\]" must be an integer >= 1/],
    [{ ...good, train: { ...good.train, loss: 'magic' } }, /config\.json: field "train\.loss" must be one of/],
  ];
  for (const [value, message] of configs) {
    writeFileSync(join(run, 'config.json'), JSON.stringify(value));
    assert.throws(() => readRunConfig(run), message, JSON.stringify(value));
  }
  assert.throws(() => writeRunConfig(run, { ...good, train: { ...good.train, batch: 0 } }), /field "train\.batch"/, 'nothing invalid is written');
});

test('run files that are links leading out of the run are refused; links inside it are followed', async () => {
  const run = await trainedRun(2);
  const other = await trainedRun(2);
  rmSync(join(run, 'latest.json'));
  symlinkSync(join(other, 'latest.json'), join(run, 'latest.json'));
  await assert.rejects(fileRunStore(run).loadLatestCheckpoint(), /latest\.json: resolves outside the run directory/);
  assert.throws(() => readLatestManifest(run), /resolves outside the run directory/);
  rmSync(join(run, 'latest.json'));
  symlinkSync(join(other, 'checkpoints', 'step-000002'), join(run, 'checkpoints', 'step-000009'));
  await assert.rejects(fileRunStore(run).loadLatestCheckpoint(), /step-000009: resolves outside the run directory/);
  rmSync(join(run, 'checkpoints', 'step-000009'));
  rmSync(join(run, 'config.json'), { force: true });
  writeFileSync(join(other, 'config.json'), '{}');
  symlinkSync(join(other, 'config.json'), join(run, 'config.json'));
  assert.throws(() => readRunConfig(run), /config\.json: resolves outside the run directory/);
  rmSync(join(run, 'config.json'));
  symlinkSync(join(run, 'checkpoints', 'step-000002', 'state.json'), join(run, 'config.json'));
  assert.throws(() => readRunConfig(run), /config\.json: field "format"/, 'a link inside the run is read (and checked)');
});

test('a crash before the first latest.json: the newest complete checkpoint is found, or there is none', async () => {
  const run = await trainedRun(4);
  rmSync(join(run, 'latest.json'));
  // a checkpoint still being assembled when the process died, and one renamed but never listed
  mkdirSync(join(run, 'checkpoints', '.tmp-step-000006-4242', 'generator'), { recursive: true });
  assert.equal(newestCheckpointDir(run), join(run, 'checkpoints', 'step-000004'));
  assert.equal((await fileRunStore(run).loadLatestCheckpoint())?.state.step, 4);
  // a stale manifest loses to a complete checkpoint that is newer than it
  writeFileSync(join(run, 'latest.json'), JSON.stringify({ checkpoint: 'checkpoints/step-000002', step: 2 }));
  assert.equal((await fileRunStore(run).loadLatestCheckpoint())?.state.step, 4);
  // step 1,000,000 sorts after 999,999 (names are compared as numbers)
  cpSync(join(run, 'checkpoints', 'step-000004'), join(run, 'checkpoints', 'step-999999'), { recursive: true });
  cpSync(join(run, 'checkpoints', 'step-000002'), join(run, 'checkpoints', 'step-1000000'), { recursive: true });
  assert.equal(newestCheckpointDir(run), join(run, 'checkpoints', 'step-1000000'));
  const empty = mkdtempSync(join(tmpdir(), 'gantry-rundir-'));
  mkdirSync(join(empty, 'checkpoints', '.tmp-step-000002-4242'), { recursive: true });
  assert.equal(await fileRunStore(empty).loadLatestCheckpoint(), null);
});

test('a divergence before any checkpoint says so, and says what a resume will do', async () => {
  const data = gaussianSource({ mean: 1, std: 0.5, nan: (call) => call >= 3 });
  await assert.rejects(trainedRun(10, { checkpointEvery: 5 }, data), (e: Error) => {
    assert.ok(e instanceof DivergenceError);
    assert.match(e.message, /no checkpoint had been written yet, so a resume starts the run afresh/);
    assert.doesNotMatch(e.message, /last checkpoint \(step/);
    return true;
  });
  const later = gaussianSource({ mean: 1, std: 0.5, nan: (call) => call >= 8 });
  await assert.rejects(trainedRun(10, { checkpointEvery: 5 }, later), /the last checkpoint \(step 5\) was left as it was/);
});

test('a new start cleans what interrupted writes left, and replayed steps are recorded once', async () => {
  const run = await trainedRun(4);
  writeFileSync(join(run, 'latest.json.tmp-999'), '{');
  writeFileSync(join(run, 'config.json.tmp-999'), '{');
  mkdirSync(join(run, 'checkpoints', '.tmp-step-000006-999'));
  // the process died after logging steps 5 and 6 but before their checkpoint: resume replays them
  appendFileSync(join(run, 'metrics.jsonl'), '{"step":5,"g/adversarial":1}\n{"step":6,"g/adversarial":1}\n{"step":7,"g/adv');
  await resumeGan({ runDir: run, data: gaussianSource({ mean: 1, std: 0.5 }), steps: 6, progress: 'off' });
  assert.deepEqual(readdirSync(run).filter((n) => n.includes('.tmp-')), []);
  assert.deepEqual(readdirSync(join(run, 'checkpoints')).filter((n) => n.includes('.tmp-')), []);
  assert.deepEqual(stepsIn(run), [1, 2, 3, 4, 5, 6]);
  await assert.rejects(resumeGan({ runDir: run, data: gaussianSource({ mean: 1, std: 0.5 }), steps: 5, progress: 'off' }), /already at step 6/);
});

test('a failed atomic write names the file, says the disk is full, and leaves no temporary behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-full-'));
  const target = join(dir, 'latest.json');
  writeFileSync(target, 'old');
  // the temporary name leads to /dev/full, whose writes fail with ENOSPC
  symlinkSync('/dev/full', `${target}.tmp-${process.pid}`);
  assert.throws(() => writeFileAtomic(target, 'new content', dir), (e: Error) => {
    assert.match(e.message, /latest\.json\.tmp-\d+: cannot write: no space left on the device/);
    return true;
  });
  assert.equal(readFileSync(target, 'utf8'), 'old', 'the old content stays');
  assert.deepEqual(readdirSync(dir), ['latest.json'], 'no temporary left');
  assert.ok(!existsSync(`${target}.tmp-${process.pid}`));
});
