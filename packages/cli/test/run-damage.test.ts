// The CLI on damaged and interrupted run directories (issue 21): nothing is written from a damaged
// checkpoint, every error names the file, exit codes follow the docs (2 usage, 1 failure), and a run
// that crashed before its first checkpoint manifest can be resumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCommand } from '../src/commands/export.js';
import { infoCommand } from '../src/commands/info.js';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';
const work = mkdtempSync(join(tmpdir(), 'gantry-damage-'));
const base = join(work, 'base');
const weights = (run: string) => join(run, 'checkpoints', 'step-000004', 'generator', 'weights.bin');

async function copyOfBase(name: string): Promise<string> {
  if (!existsSync(base)) {
    const t = await runCommand(trainCommand, '--data', 'ring8', '--steps', '4', '--batch', '8', '--hidden', '4', '--checkpoint-every', '2',
      '--sample-every', '2', '--progress', 'off', '--out', base);
    assert.equal(t.code, 0, t.err);
  }
  const copy = join(work, name);
  cpSync(base, copy, { recursive: true });
  return copy;
}

test('sample and export refuse damaged weights, name the file, exit 1 and write nothing', async () => {
  const size = readFileSync(weights(await copyOfBase('probe'))).byteLength;
  const damages: [string, (f: string) => void, RegExp][] = [
    ['truncated', (f) => truncateSync(f, size - 5), /generator\/weights\.bin: .*truncated/],
    ['random bytes', (f) => writeFileSync(f, Buffer.alloc(size, 0x7f)), /generator\/weights\.bin: its SHA-256 does not match/],
    ['trailing bytes', (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.alloc(8)])), /generator\/weights\.bin: .*trailing bytes/],
  ];
  for (const [what, damage, message] of damages) {
    const run = await copyOfBase(what.replace(' ', '-'));
    damage(weights(run));
    const csv = join(work, `${what}.csv`);
    const sampled = await runCommand(sampleCommand, run, '--out', csv);
    assert.equal(sampled.code, 1, `${what}: ${sampled.err}`);
    assert.match(sampled.err, message, what);
    assert.ok(!existsSync(csv), `${what}: no CSV`);
    const out = join(work, `${what}-export`);
    const exported = await runCommand(exportCommand, run, '--out', out);
    assert.equal(exported.code, 1, `${what}: ${exported.err}`);
    assert.match(exported.err, message, what);
    assert.ok(!existsSync(out), `${what}: no exported model`);
  }
});

test('a generator whose weights are NaN (checksums intact) gives an error, never a file of NaNs', async () => {
  const run = await copyOfBase('nan');
  const file = weights(run);
  const nan = Buffer.from(new Float32Array(readFileSync(file).byteLength / 4).fill(NaN).buffer);
  writeFileSync(file, nan);
  const listed = join(run, 'checkpoints', 'step-000004', 'checksums.json');
  const sums = JSON.parse(readFileSync(listed, 'utf8'));
  sums['generator/weights.bin'] = { bytes: nan.byteLength, sha256: createHash('sha256').update(nan).digest('hex') };
  writeFileSync(listed, JSON.stringify(sums));
  const csv = join(work, 'nan.csv');
  for (const [command, args] of [[sampleCommand, ['--out', csv]], [exportCommand, ['--out', join(work, 'nan-export')]]] as const) {
    const r = await runCommand(command, run, ...args);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /generator of step 4 has NaN or Inf in weight/);
  }
  assert.ok(!existsSync(csv));
});

test('damaged config.json and latest.json: errors name the file and field; a link out of the run is refused', async () => {
  const run = await copyOfBase('schema');
  const config = readFileSync(join(run, 'config.json'), 'utf8');
  writeFileSync(join(run, 'config.json'), JSON.stringify({ ...JSON.parse(config), train: { steps: 'x' } }));
  const info = await runCommand(infoCommand, run);
  assert.equal(info.code, 1, info.err);
  assert.match(info.err, /config\.json: field "train\.loss" must be one of/);
  writeFileSync(join(run, 'config.json'), 'null');
  assert.match((await runCommand(infoCommand, run)).err, /config\.json: the file must be an object, got null/);
  writeFileSync(join(run, 'config.json'), config);
  writeFileSync(join(run, 'latest.json'), '{"checkpoint": 4, "step": 4}');
  const sampled = await runCommand(sampleCommand, run, '--out', join(work, 'schema.csv'));
  assert.equal(sampled.code, 1);
  assert.match(sampled.err, /latest\.json: field "checkpoint" must be a checkpoint of this run/);
  rmSync(join(run, 'latest.json'));
  const other = await copyOfBase('schema-other');
  symlinkSync(join(other, 'latest.json'), join(run, 'latest.json'));
  const linked = await runCommand(sampleCommand, run, '--out', join(work, 'schema.csv'));
  assert.equal(linked.code, 1);
  assert.match(linked.err, /latest\.json: resolves outside the run directory/);
});

test('--resume checks --steps before writing anything; config.json is left as it was', async () => {
  const run = await copyOfBase('steps');
  const before = readFileSync(join(run, 'config.json'), 'utf8');
  const r = await runCommand(trainCommand, '--resume', run, '--steps', '3');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /--steps 3 is below the run's current step 4/);
  assert.equal(readFileSync(join(run, 'config.json'), 'utf8'), before);
  writeFileSync(weights(run), Buffer.alloc(3));
  const damaged = await runCommand(trainCommand, '--resume', run, '--steps', '8');
  assert.equal(damaged.code, 1, damaged.err);
  assert.match(damaged.err, /weights\.bin/);
  assert.equal(readFileSync(join(run, 'config.json'), 'utf8'), before, 'a failed resume leaves config.json alone');
});

test('a run that died before its first latest.json resumes: from its newest complete checkpoint, or afresh', async () => {
  const listed = await copyOfBase('unlisted');
  rmSync(join(listed, 'latest.json'));
  mkdirSync(join(listed, 'checkpoints', '.tmp-step-000006-999'));
  const resumed = await runCommand(trainCommand, '--resume', listed, '--steps', '6', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /resuming .* from step 4 to 6 steps/);
  assert.deepEqual(JSON.parse(readFileSync(join(listed, 'latest.json'), 'utf8')), { checkpoint: 'checkpoints/step-000006', step: 6 });
  assert.ok(!existsSync(join(listed, 'checkpoints', '.tmp-step-000006-999')), 'the temporary was cleaned up');

  const none = await copyOfBase('none');
  rmSync(join(none, 'latest.json'));
  rmSync(join(none, 'checkpoints'), { recursive: true });
  mkdirSync(join(none, 'checkpoints', '.tmp-step-000002-999'), { recursive: true });
  const fresh = await runCommand(trainCommand, '--resume', none, '--progress', 'off');
  assert.equal(fresh.code, 0, fresh.err);
  assert.match(fresh.err, /has no complete checkpoint; starting it afresh/);
  assert.equal(JSON.parse(readFileSync(join(none, 'latest.json'), 'utf8')).step, 4);
  const steps = readFileSync(join(none, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((m) => m.event === undefined).map((m) => m.step);
  assert.deepEqual(steps, [1, 2, 3, 4], 'the first attempt\'s steps are not recorded twice');
});
