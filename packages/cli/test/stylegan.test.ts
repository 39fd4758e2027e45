// gantry train --model stylegan on emoji:google:16 (2 steps of tiny networks, DiffAugment on), --resume to step 3,
// then gantry sample --truncation, gantry mix and gantry interpolate (PNG and GIF), and the refusals: --truncation
// outside (0, 1], --truncation on a run that is not StyleGAN, a size the data does not have, a taken --out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { interpolateCommand } from '../src/commands/interpolate.js';
import { mixCommand } from '../src/commands/mix.js';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

const size = (path: string) => {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
};

test('train stylegan, resume, sample with truncation, mix, interpolate, and the refusals', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-stylegan-cli-'));
  const runDir = join(root, 'run');
  const tiny = ['--latent-dim', '8', '--mapping-depth', '2', '--max-channels', '4', '--batch', '4', '--progress', 'off'];
  const train = (...args: string[]) => runCommand(trainCommand, '--model', 'stylegan', '--data', 'emoji:google:16', ...tiny, ...args);
  const first = await train('--steps', '2', '--augment', 'diff', '--mixing', '0.9', '--r1', '1', '--r1-every', '2', '--out', runDir);
  assert.equal(first.code, 0, first.err);
  assert.ok(existsSync(join(runDir, 'stylegan.json')));
  assert.match((await train('--out', runDir)).err, /already holds a run/);
  assert.match((await train('--image-size', '32', '--out', join(root, 'x'))).err, /emoji:google:16 asks for 16 px but --image-size says 32/);
  assert.match((await train('--augment', 'ada', '--out', join(root, 'x'))).err, /--augment/);
  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '3', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step, 3);

  const samples = join(root, 'samples.png');
  const s = await runCommand(sampleCommand, runDir, '--truncation', '0.7', '--n', '4', '--out', samples);
  assert.equal(s.code, 0, s.err);
  assert.deepEqual(size(samples), [2 * (2 * 16) + 3 * 2, 2 * (2 * 16) + 3 * 2]);
  assert.match((await runCommand(sampleCommand, runDir, '--truncation', '1.5', '--out', samples)).err, /--truncation must lie in \(0, 1\], got 1.5/);
  assert.match((await runCommand(sampleCommand, runDir, '--truncation', '0', '--out', samples)).err, /--truncation must lie in \(0, 1\], got 0/);
  assert.match((await runCommand(sampleCommand, root, '--truncation', '0.7', '--out', samples)).err, /--truncation is for StyleGAN runs/);

  const grid = join(root, 'grid.png');
  const m = await runCommand(mixCommand, runDir, '--rows', '1,2,3', '--cols', '4,5', '--truncation', '0.8', '--out', grid);
  assert.equal(m.code, 0, m.err);
  assert.deepEqual(size(grid), [2 * 32 + 3 * 2, 3 * 32 + 4 * 2]);
  assert.match((await runCommand(mixCommand, root, '--rows', '1', '--cols', '2', '--out', grid)).err, /is not a StyleGAN run/);
  assert.match((await runCommand(mixCommand, runDir, '--rows', '1,x', '--cols', '2', '--out', grid)).err, /--rows: seeds are non-negative integers/);

  const strip = join(root, 'strip.png');
  const i = await runCommand(interpolateCommand, runDir, '--from', '1', '--to', '2', '--frames', '5', '--out', strip);
  assert.equal(i.code, 0, i.err);
  assert.deepEqual(size(strip), [5 * 32 + 6 * 2, 32 + 2 * 2]);
  const gif = join(root, 'walk.gif');
  assert.equal((await runCommand(interpolateCommand, runDir, '--from', '1', '--to', '2', '--frames', '3', '--out', gif)).code, 0);
  assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
  assert.match((await runCommand(interpolateCommand, runDir, '--from', '1', '--to', '2', '--out', join(root, 'a.jpg'))).err, /--out <strip.png\|anim.gif>/);
});
