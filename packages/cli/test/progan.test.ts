// gantry train --model progan on emoji:google:16 (tiny networks, one step per phase: 4 px, then 8 px and 16 px
// fading in), --resume to the next step, every metrics line carrying resolution and alpha, gantry sample from the
// averaged G at the run's phase shown at 16 px, and the refusals: images too small for --resolution, a taken
// --out, --class and --truncation on a ProGAN run, a .csv sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

test('train progan, resume, the phase in the metrics, sample, and the refusals', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-progan-cli-'));
  const runDir = join(root, 'run');
  const tiny = ['--latent-dim', '8', '--max-channels', '4', '--batch', '4', '--phase-steps', '1', '--fade-fraction', '1', '--progress', 'off'];
  const train = (...args: string[]) => runCommand(trainCommand, '--model', 'progan', '--data', 'emoji:google:16', ...tiny, ...args);
  const first = await train('--steps', '2', '--augment', 'diff', '--out', runDir);
  assert.equal(first.code, 0, first.err);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'progan.json'), 'utf8')).data, 'emoji:google:16');
  assert.match((await train('--out', runDir)).err, /already holds a run/);
  assert.match((await train('--resolution', '32', '--out', join(root, 'x'))).err, /--resolution 32: the images of --data emoji:google:16 are 16 x 16, too small for it/);
  assert.match((await train('--resolution', '24', '--out', join(root, 'x'))).err, /--resolution/);
  assert.ok(!existsSync(join(root, 'x', 'progan.json')));

  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '3', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step, 3);
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const phases = lines.filter((l) => l.event === undefined).map((l) => [l.step, l.resolution, l.alpha]);
  assert.deepEqual(phases, [[2, 8, 0], [3, 16, 0]]);

  const samples = join(root, 'samples.png');
  const s = await runCommand(sampleCommand, runDir, '--n', '4', '--out', samples);
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /16 px, alpha 0/);
  const png = PNG.sync.read(readFileSync(samples));
  assert.deepEqual([png.width, png.height], [2 * (2 * 16) + 3 * 2, 2 * (2 * 16) + 3 * 2]);
  assert.match((await runCommand(sampleCommand, runDir, '--class', '1', '--out', samples)).err, /--class: .* is not a conditional run \(train one with --conditional\)/);
  assert.match((await runCommand(sampleCommand, runDir, '--truncation', '0.7', '--out', samples)).err, /--truncation is for StyleGAN runs/);
  assert.match((await runCommand(sampleCommand, runDir, '--out', join(root, 's.csv'))).err, /a ProGAN run samples images; use .png/);
});
