// Issue 17's bad input, each a usage error (exit 2) that says what is accepted: --class by a name the run's data
// does not have (the valid names listed; a name or an index that exists samples), --truncation outside (0, 1]
// for mix and interpolate (sample's is in stylegan.test.ts), and emoji smaller than the requested resolution.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@gantry/core/node';
import { interpolateCommand } from '../src/commands/interpolate.js';
import { mixCommand } from '../src/commands/mix.js';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';
const work = mkdtempSync(join(tmpdir(), 'gantry-bad-input-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** An image folder with two classes (subfolders), two 8 px images each. */
function twoClassFolder(): string {
  const dir = join(work, 'shapes');
  for (const [k, name] of ['circles', 'squares'].entries()) {
    mkdirSync(join(dir, name), { recursive: true });
    for (const i of [0, 1]) {
      const rgba = Uint8Array.from({ length: 8 * 8 * 4 }, (_, j) => (j % 4 === 3 ? 255 : (j * (k + 1) + i * 50) % 256));
      writeFileSync(join(dir, name, `${i}.png`), encodePng({ width: 8, height: 8, rgba }));
    }
  }
  return dir;
}

test('--class: a name or index of the run\'s classes samples; an unknown one is refused with the valid ones listed', async () => {
  const runDir = join(work, 'run');
  const trained = await runCommand(trainCommand, '--data', twoClassFolder(), '--image-size', '8', '--conditional', '--model', 'mlp', '--hidden', '8',
    '--latent-dim', '2', '--steps', '1', '--batch', '2', '--progress', 'off', '--out', runDir);
  assert.equal(trained.code, 0, trained.err);
  const out = join(work, 's.png');
  for (const k of ['squares', 'Circles', '1']) assert.equal((await runCommand(sampleCommand, runDir, '--class', k, '--n', '2', '--out', out)).code, 0, k);
  const wrong = await runCommand(sampleCommand, runDir, '--class', 'triangles', '--out', out);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /--class "triangles": .* has no such class; its 2 classes are 0 "circles", 1 "squares"/);
  assert.match((await runCommand(sampleCommand, runDir, '--class', '2', '--out', out)).err, /--class "2": .* has no such class/);
  assert.match((await runCommand(sampleCommand, work, '--class', 'circles', '--out', out)).err, /no config\.json|not a run|is not/);
});

test('--truncation outside (0, 1] is refused by mix and interpolate; emoji smaller than the requested size are refused', async () => {
  for (const psi of ['0', '1.5', '-1', 'x', '0x1', 'Infinity']) {
    const m = await runCommand(mixCommand, work, '--rows', '1', '--cols', '2', `--truncation=${psi}`, '--out', join(work, 'g.png'));
    assert.equal(m.code, 2);
    assert.match(m.err, new RegExp(`--truncation must lie in \\(0, 1\\], got ${psi}`));
    const i = await runCommand(interpolateCommand, work, '--from', '1', '--to', '2', `--truncation=${psi}`, '--out', join(work, 's.png'));
    assert.match(i.err, new RegExp(`--truncation must lie in \\(0, 1\\], got ${psi}`));
  }
  const big = await runCommand(trainCommand, '--model', 'stylegan', '--data', 'emoji:google', '--image-size', '128', '--out', join(work, 'x'));
  assert.equal(big.code, 2);
  assert.match(big.err, /--data emoji:google: the emoji images are 64 x 64, too small for 128 px \(--image-size 128\)/);
  assert.match((await runCommand(trainCommand, '--data', 'emoji:twitter:128', '--out', join(work, 'x'))).err, /the emoji images are 64 x 64, too small for 128 px;/);
});
