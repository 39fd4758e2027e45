// gantry train --model srgan on a tiny folder of 64 px PNGs (2 + 1 steps of the default networks), --resume to
// step 2 of phase 2, then gantry upscale: a folder with --downscale (one PNG per input, the comparison grid,
// PSNR / SSIM against the truth), a single PNG at its own size, and the usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { trainCommand } from '../src/commands/train.js';
import { SRGAN_FINETUNE_RATE } from '../src/train-srgan.js';
import { upscaleCommand } from '../src/commands/upscale.js';
import { runCommand } from './run-command.js';

function imageFolder(n: number, side: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gantry-upscale-')), 'images');
  mkdirSync(dir);
  for (let i = 0; i < n; i++) {
    const png = new PNG({ width: side, height: side });
    for (let p = 0; p < side * side; p++) {
      const [x, y] = [p % side, Math.floor(p / side)];
      for (let c = 0; c < 3; c++) png.data[4 * p + c] = (x * 4 + y * (c + 1) * 3 + i * 60) % 256 < 128 ? 30 : 220;
      png.data[4 * p + 3] = 255;
    }
    writeFileSync(join(dir, `img${i}.png`), PNG.sync.write(png));
  }
  return dir;
}

const size = (path: string) => {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
};

test('train srgan on a folder (both phases), resume phase 2, upscale a folder with --downscale and one PNG', async () => {
  const images = imageFolder(3, 64);
  const root = join(images, '..');
  const runDir = join(root, 'run');
  const train = (...args: string[]) => runCommand(trainCommand, '--model', 'srgan', '--data', images, '--progress', 'off', ...args);
  const first = await train('--pretrain-steps', '2', '--steps', '1', '--batch', '2', '--seed', '1', '--out', runDir);
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /phase 1, SRResNet on MSE/);
  // without --lr-g or --lr-finetune phase 1 trains at core's default and phase 2 at the CLI's lower default
  assert.match(first.err, /\+ 1 x pixel MSE, learning rate 0\.00003\)/);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'srgan.json'), 'utf8')).finetuneLearningRate, SRGAN_FINETUNE_RATE);
  for (const f of ['srgan.json', 'srresnet/latest.json', 'srgan/latest.json']) assert.ok(existsSync(join(runDir, f)), f);
  assert.match((await train('--out', runDir)).err, /already holds a run/);
  assert.match((await train('--loss', 'wgan', '--out', join(root, 'x'))).err, /does not take --loss/);
  assert.match((await train('--image-size', '32', '--out', join(root, 'x'))).err, /trains on 64 px images/);
  assert.match((await runCommand(trainCommand, '--model', 'dcgan', '--data', images, '--lr-finetune', '1e-4', '--out', join(root, 'x'))).err, /--lr-finetune is SRGAN's phase-2/);
  const rates = await train('--pretrain-steps', '1', '--steps', '1', '--batch', '2', '--lr-g', '2e-4', '--out', join(root, 'lr'));
  assert.equal(rates.code, 0, rates.err);
  assert.match(rates.err, /learning rate 0\.0002\)/, '--lr-g alone sets both phases');
  const own = await train('--pretrain-steps', '1', '--steps', '1', '--batch', '2', '--lr-g', '2e-4', '--lr-finetune', '1e-5', '--out', join(root, 'own'));
  assert.equal(own.code, 0, own.err);
  assert.match(own.err, /learning rate 0\.00001\)/);
  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '2', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'srgan', 'latest.json'), 'utf8')).step, 2);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'srresnet', 'latest.json'), 'utf8')).step, 2);

  const out = join(root, 'out');
  const r = await runCommand(upscaleCommand, runDir, '--input', images, '--out', out, '--downscale');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(out).sort(), ['grid.png', 'img0.png', 'img1.png', 'img2.png']);
  assert.deepEqual(size(join(out, 'img1.png')), [64, 64]);
  // low-res | bicubic | SRResNet | SRGAN | truth, 3 rows of 64 px tiles with 2 px padding
  assert.deepEqual(size(join(out, 'grid.png')), [5 * 64 + 6 * 2, 3 * 64 + 4 * 2]);
  assert.match(r.err, /srresnet against the truth \(3 images\): PSNR [\d.]+ dB, SSIM/);
  assert.match(r.err, /srgan against the truth \(3 images\): PSNR [\d.]+ dB, SSIM/);

  const one = join(root, 'one.png');
  const single = await runCommand(upscaleCommand, runDir, '--input', join(images, 'img0.png'), '--out', one, '--model', 'srresnet');
  assert.equal(single.code, 0, single.err);
  assert.deepEqual(size(one), [256, 256]);
  assert.match((await runCommand(upscaleCommand, runDir, '--input', join(images, 'img0.png'), '--out', join(root, 'dir'))).err, /give --out a \.png file/);
  assert.match((await runCommand(upscaleCommand, root, '--input', images, '--out', out)).err, /not an SRGAN run/);
});
