// gantry train --model pix2pix --objective l1|adversarial|l1+adversarial (the pix2pix paper's ablation) on two
// tiny generated PNG folders: the objective reaches the trainer (checkpoint config, which networks and loss
// terms exist), survives --resume, and is refused with a bad value or on models that are not pix2pix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

const SIDE = 16;

/** dirs a/ and b/ of n pairs of 16 px RGB images (b's colours are a's inverted). */
function pairFolders(n: number): { a: string; b: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'gantry-objective-'));
  for (const side of ['a', 'b']) mkdirSync(join(root, side));
  for (let i = 0; i < n; i++) {
    for (const side of ['a', 'b']) {
      const png = new PNG({ width: SIDE, height: SIDE });
      for (let p = 0; p < SIDE * SIDE * 4; p++) png.data[p] = p % 4 === 3 ? 255 : side === 'a' ? (p * 29 + i * 50) % 256 : 255 - ((p * 29 + i * 50) % 256);
      writeFileSync(join(root, side, `img${i}.png`), PNG.sync.write(png));
    }
  }
  return { a: join(root, 'a'), b: join(root, 'b'), root };
}

interface CheckpointState { config: { objective?: string }; models: string[]; losses: Record<string, number> }

function latestState(runDir: string): CheckpointState {
  const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')) as { checkpoint: string };
  return JSON.parse(readFileSync(join(runDir, latest.checkpoint, 'state.json'), 'utf8')) as CheckpointState;
}

test('--objective picks the ablation arm: l1 trains G alone, adversarial drops the L1 term; both survive --resume', async () => {
  const { a, b, root } = pairFolders(2);
  const train = (objective: string, out: string) => runCommand(trainCommand, '--model', 'pix2pix', '--data', a, '--target', b,
    '--objective', objective, '--steps', '1', '--progress', 'off', '--out', out);
  const expected: Record<string, { models: string[]; terms: string[] }> = {
    l1: { models: ['generator'], terms: ['g/l1'] },
    adversarial: { models: ['generator', 'discriminator'], terms: ['d/adversarial', 'g/adversarial'] },
    'l1+adversarial': { models: ['generator', 'discriminator'], terms: ['d/adversarial', 'g/adversarial', 'g/l1'] },
  };
  for (const [objective, want] of Object.entries(expected)) {
    const runDir = join(root, objective);
    const r = await train(objective, runDir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`objective ${objective.replace('+', '\\+')}, 1 steps`));
    const state = latestState(runDir);
    assert.equal(state.config.objective, objective);
    assert.deepEqual(state.models, want.models);
    assert.deepEqual(Object.keys(state.losses).sort(), want.terms);
    if (objective === 'l1+adversarial') continue;   // the default, resumed in translate.test.ts
    const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '2', '--progress', 'off');
    assert.equal(resumed.code, 0, resumed.err);
    assert.deepEqual(latestState(runDir).models, want.models, `${objective} after --resume`);
    assert.deepEqual(Object.keys(latestState(runDir).losses).sort(), want.terms, `${objective} after --resume`);
  }
});

test('--objective: a bad value, a model other than pix2pix and a GAN run are refused by name', async () => {
  const { a, b, root } = pairFolders(2);
  const bad = await runCommand(trainCommand, '--model', 'pix2pix', '--data', a, '--target', b, '--objective', 'l2', '--out', join(root, 'x'));
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--objective must be one of l1\+adversarial, l1, adversarial; got "l2"/);
  const cycle = await runCommand(trainCommand, '--model', 'cyclegan', '--data', a, '--target', b, '--objective', 'l1', '--out', join(root, 'y'));
  assert.match(cycle.err, /--model cyclegan does not take it/);
  const gan = await runCommand(trainCommand, '--data', 'ring8', '--objective', 'l1', '--out', join(root, 'z'));
  assert.match(gan.err, /--objective is pix2pix's ablation/);
});
