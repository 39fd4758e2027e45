// gantry train --model pix2pix on two tiny generated PNG folders, --resume, then gantry translate: the
// files, their sizes, the grid; a folder with an image that has no partner fails naming the file; the same
// path for cyclegan and discogan, translating back with --direction ba.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { trainCommand } from '../src/commands/train.js';
import { translateCommand } from '../src/commands/translate.js';
import { runCommand } from './run-command.js';

const SIDE = 16;

/** dirs a/ and b/ with n pairs: b's image is a's colours inverted. */
function pairFolders(n: number): { a: string; b: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'gantry-translate-'));
  for (const side of ['a', 'b']) mkdirSync(join(root, side));
  for (let i = 0; i < n; i++) {
    for (const side of ['a', 'b']) {
      const png = new PNG({ width: SIDE, height: SIDE });
      for (let p = 0; p < SIDE * SIDE; p++) {
        for (let c = 0; c < 3; c++) {
          const v = ((p * (c + 1) * 37 + i * 50) % 256);
          png.data[4 * p + c] = side === 'a' ? v : 255 - v;
        }
        png.data[4 * p + 3] = 255;
      }
      writeFileSync(join(root, side, `img${i}.png`), PNG.sync.write(png));
    }
  }
  return { a: join(root, 'a'), b: join(root, 'b'), root };
}

const size = (path: string) => {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
};

test('train pix2pix on paired folders for a few steps, then translate them: one PNG per input and a grid', async () => {
  const { a, b, root } = pairFolders(4);
  const runDir = join(root, 'run');
  const train = (...args: string[]) => runCommand(trainCommand, '--model', 'pix2pix', '--data', a, '--target', b, '--progress', 'off', ...args);
  const first = await train('--steps', '2', '--seed', '1', '--out', runDir);
  assert.equal(first.code, 0, first.err);
  assert.ok(existsSync(join(runDir, 'translation.json')));
  assert.match((await train('--steps', '2', '--out', runDir)).err, /already holds a run/);
  assert.match((await train('--loss', 'wgan', '--out', join(root, 'x'))).err, /does not take --loss/);
  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '3', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step, 3);

  const out = join(root, 'out');
  const r = await runCommand(translateCommand, runDir, '--input', a, '--target', b, '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(out).sort(), ['grid.png', 'img0.png', 'img1.png', 'img2.png', 'img3.png']);
  assert.deepEqual(size(join(out, 'img2.png')), [SIDE, SIDE]);
  // 3 columns (input, output, target) x 4 rows of 16 px tiles at scale 2 with 2 px padding
  assert.deepEqual(size(join(out, 'grid.png')), [3 * 32 + 4 * 2, 4 * 32 + 5 * 2]);
  assert.match(r.err, /PSNR/);

  assert.match((await runCommand(translateCommand, runDir, '--input', a, '--direction', 'ba', '--out', out)).err, /translates one way only/);
  const noTarget = join(root, 'out2');
  assert.equal((await runCommand(translateCommand, runDir, '--input', a, '--out', noTarget)).code, 0);
  assert.deepEqual(size(join(noTarget, 'grid.png')), [2 * 32 + 3 * 2, 4 * 32 + 5 * 2]);
});

test('a folder with an image that has no partner fails, naming the file', async () => {
  const { a, b, root } = pairFolders(2);
  writeFileSync(join(a, 'lonely.png'), readFileSync(join(a, 'img0.png')));
  const r = await runCommand(trainCommand, '--model', 'pix2pix', '--data', a, '--target', b, '--steps', '1', '--out', join(root, 'run'));
  assert.notEqual(r.code, 0);
  assert.ok(r.err.includes(join(a, 'lonely.png')) && /no partner/.test(r.err), r.err);
  assert.equal(existsSync(join(root, 'run')), false, 'nothing is written before the data loaded');
});

test('cyclegan and discogan on two folders: train, resume, translate --direction ba with gBA; translation.json records the model', async () => {
  const { a, b, root } = pairFolders(4);
  for (const model of ['cyclegan', 'discogan']) {
    const runDir = join(root, model);
    const first = await runCommand(trainCommand, '--model', model, '--data', a, '--target', b, '--image-size', `${SIDE}`, '--steps', '1',
      '--batch', '2', '--progress', 'off', '--out', runDir);
    assert.equal(first.code, 0, first.err);
    assert.match(first.err, /unpaired: 4 images of \[16,16,3\] in A, 4 of \[16,16,3\] in B/);
    assert.equal(JSON.parse(readFileSync(join(runDir, 'translation.json'), 'utf8')).model, model);
    const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '2', '--progress', 'off');
    assert.equal(resumed.code, 0, resumed.err);
    assert.equal(JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step, 2);
    const out = join(root, `${model}-ba`);
    const r = await runCommand(translateCommand, runDir, '--input', b, '--target', a, '--direction', 'ba', '--out', out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /through step 2 of .* \(ba\)/);
    assert.deepEqual(readdirSync(out).sort(), ['grid.png', 'img0.png', 'img1.png', 'img2.png', 'img3.png']);
    assert.match(r.err, /PSNR/);
  }
  const noCycle = await runCommand(trainCommand, '--model', 'cyclegan', '--data', a, '--target', b, '--r1', '1', '--out', join(root, 'x'));
  assert.match(noCycle.err, /--model cyclegan does not take --r1/);
});

test('--cycle-weight / --identity-weight reach CycleGAN (0 and 0: "GAN alone", no cycle or identity term) and DiscoGAN; refused where they mean nothing', async () => {
  const { a, b, root } = pairFolders(2);
  const stateOf = (runDir: string) => {
    const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')) as { checkpoint: string };
    return JSON.parse(readFileSync(join(runDir, latest.checkpoint, 'state.json'), 'utf8')) as { config: Record<string, unknown>; losses: Record<string, number> };
  };
  const arms: [string, string[], Record<string, number>, string[]][] = [
    ['cyclegan', ['--cycle-weight', '0', '--identity-weight', '0'], { cycleWeight: 0, identityWeight: 0 }, ['dA/adversarial', 'dB/adversarial', 'g/adversarial']],
    ['cyclegan', ['--identity-weight', '2.5'], { identityWeight: 2.5 }, ['dA/adversarial', 'dB/adversarial', 'g/adversarial', 'g/cycle', 'g/identity']],
    ['discogan', ['--cycle-weight', '0', '--batch', '2'], { reconstructionWeight: 0 }, ['dA/adversarial', 'dB/adversarial', 'g/adversarial']],
  ];
  for (const [i, [model, flags, config, terms]] of arms.entries()) {
    const out = join(root, `arm${i}`);
    const r = await runCommand(trainCommand, '--model', model, '--data', a, '--target', b, ...flags, '--steps', '1', '--image-size', String(SIDE), '--progress', 'off', '--out', out);
    assert.equal(r.code, 0, r.err);
    const state = stateOf(out);
    for (const [k, v] of Object.entries(config)) assert.equal(state.config[k], v, `${model} ${flags.join(' ')}: ${k}`);
    assert.deepEqual(Object.keys(state.losses).sort(), terms, `${model} ${flags.join(' ')}`);
  }
  const refused: [string[], RegExp][] = [
    [['--model', 'discogan', '--identity-weight', '1'], /discogan has no identity term/],
    [['--model', 'pix2pix', '--cycle-weight', '1'], /--cycle-weight is for --model cyclegan or discogan; pix2pix has no cycle/],
    [['--model', 'cyclegan', '--cycle-weight=-1'], /--cycle-weight must be a number in \[0, inf\], got "-1"/],
  ];
  for (const [flags, message] of refused) {
    const r = await runCommand(trainCommand, '--data', a, '--target', b, ...flags, '--out', join(root, 'refused'));
    assert.notEqual(r.code, 0);
    assert.match(r.err, message);
  }
  const gan = await runCommand(trainCommand, '--data', 'ring8', '--identity-weight', '1', '--out', join(root, 'gan'));
  assert.match(gan.err, /--identity-weight is for --model cyclegan or discogan/);
});
