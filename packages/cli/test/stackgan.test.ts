// gantry train --model stackgan on emoji:google (2 steps of each phase, tiny networks), --resume to stage II's
// step 4 equals a fresh run to step 4 bit for bit, then gantry sample --text: images of the prompt, a warning
// naming the words the run never saw (some, or all of them: the unknown token), and the refusals: a prompt
// without words, no --text, --text on a run that is not StackGAN, --class / --truncation on one, 16 px data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileRunStore } from '@gantry/core/node';
import { PNG } from 'pngjs';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

const root = mkdtempSync(join(tmpdir(), 'gantry-stackgan-cli-'));
const tiny = ['--matcher-steps', '2', '--stage1-steps', '2', '--batch', '4', '--filters', '4', '--checkpoint-every', '1', '--progress', 'off'];
const train = (...args: string[]) => runCommand(trainCommand, '--model', 'stackgan', '--data', 'emoji:google', ...tiny, ...args);

/** Every model's weights (and the optimizers' slots) of a phase's newest checkpoint, as bytes. */
async function checkpointBytes(dir: string): Promise<Record<string, Buffer>> {
  const checkpoint = await fileRunStore(dir).loadLatestCheckpoint();
  assert.ok(checkpoint, `${dir} has a checkpoint`);
  return Object.fromEntries([
    ...Object.entries(checkpoint.models).map(([name, blob]) => [name, Buffer.from(blob.weightData)]),
    ...Object.entries(checkpoint.optimizers).map(([name, blob]) => [`optimizer ${name}`, Buffer.from(blob.data)]),
  ]);
}

test('train stackgan, resume to the same weights as a straight run, sample --text with unknown-word warnings, and the refusals', async (t) => {
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const runDir = join(root, 'run');
  const first = await train('--steps', '2', '--out', runDir);
  assert.equal(first.code, 0, first.err);
  for (const phase of ['matcher', 'stage1', 'stage2']) assert.ok(existsSync(join(runDir, phase, 'latest.json')), phase);
  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '4', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /stage II \(64 px\), resuming to step 4/);
  const straightDir = join(root, 'straight');
  const straight = await train('--steps', '4', '--out', straightDir);
  assert.equal(straight.code, 0, straight.err);
  assert.deepEqual(await checkpointBytes(join(runDir, 'stage2')), await checkpointBytes(join(straightDir, 'stage2')));
  assert.match((await train('--out', runDir)).err, /already holds a run/);
  assert.match((await train('--data', 'emoji:google:16', '--out', join(root, 'x'))).err, /16 px images are too small for StackGAN, whose stage II draws 64 x 64/);
  assert.match((await train('--image-size', '32', '--out', join(root, 'x'))).err, /--image-size 32: StackGAN draws 64 px images/);
  assert.match((await runCommand(trainCommand, '--resume', runDir, '--steps', '3')).err, /--steps 3 is below stage II's current step 4/);

  const out = join(root, 'apples.png');
  const known = await runCommand(sampleCommand, runDir, '--text', 'red apple', '--n', '4', '--seed', '1', '--out', out);
  assert.equal(known.code, 0, known.err);
  assert.doesNotMatch(known.err, /warning/);
  const png = PNG.sync.read(readFileSync(out));
  assert.deepEqual([png.width, png.height], [2 * 64 + 3 * 2, 2 * 64 + 3 * 2]);
  const partly = await runCommand(sampleCommand, runDir, '--text', 'red xyzzy apple', '--n', '1', '--out', out);
  assert.equal(partly.code, 0, partly.err);
  assert.match(partly.err, /warning: "xyzzy" of --text "red xyzzy apple" is not in the run's vocabulary \(\d+ words of the training names\); encoded as the unknown token <unk>/);
  const none = await runCommand(sampleCommand, runDir, '--text', 'xyzzy plugh', '--n', '1', '--out', out);
  assert.equal(none.code, 0, none.err);
  assert.match(none.err, /warning: no word of --text "xyzzy plugh" is in the run's vocabulary .*: "xyzzy", "plugh" are encoded as the unknown token <unk> alone/);

  assert.match((await runCommand(sampleCommand, runDir, '--text', '?!', '--out', out)).err, /--text "\?!" holds no word/);
  assert.match((await runCommand(sampleCommand, runDir, '--out', out)).err, /--text "<words>" is required: .* is a StackGAN run/);
  assert.match((await runCommand(sampleCommand, runDir, '--text', 'apple', '--class', 'Food & Drink', '--out', out)).err, /--class: .* is a StackGAN run/);
  assert.match((await runCommand(sampleCommand, runDir, '--text', 'apple', '--truncation', '0.5', '--out', out)).err, /--truncation: .* is a StackGAN run/);
  assert.match((await runCommand(sampleCommand, root, '--text', 'apple', '--out', out)).err, /--text is for StackGAN runs \(gantry train --model stackgan\); .* is not one/);
});
