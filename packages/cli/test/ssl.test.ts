// gantry train --model ssl on a tiny image folder (class subfolders = labels), resumed, then gantry classify
// on the same folder: predictions written as CSV and the error against the subfolder labels printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { classifyCommand } from '../src/commands/classify.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

const SIDE = 8;
const CLASSES = ['bottom', 'middle', 'top'];

/** 8 images per class; class k has a bright band at rows [k * 8/3, (k + 1) * 8/3). */
function classFolders(root: string): string {
  const dir = join(root, 'images');
  CLASSES.forEach((name, k) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const png = new PNG({ width: SIDE, height: SIDE });
      for (let p = 0; p < SIDE * SIDE; p++) {
        const band = Math.floor(Math.floor(p / SIDE) * 3 / SIDE) === k;
        const v = band ? 200 + 5 * i : 20 + 3 * ((p + i) % 7);
        png.data.set([v, v, v, 255], 4 * p);
      }
      writeFileSync(join(dir, name, `img${i}.png`), PNG.sync.write(png));
    }
  });
  return dir;
}

async function printed(run: () => Promise<{ code: number; err: string }>): Promise<{ code: number; err: string; out: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try {
    return { ...(await run()), out: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

test('gantry train --model ssl, --resume, then gantry classify with the error against the folder labels', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-ssl-cli-'));
  const images = classFolders(root);
  const run = join(root, 'run');
  const common = ['--image-size', String(SIDE), '--hidden', '16,8', '--batch', '6', '--progress', 'off'];
  const first = await runCommand(trainCommand, '--model', 'ssl', '--data', images, '--labels', '6', '--steps', '4', '--checkpoint-every', '2', ...common, '--out', run);
  assert.equal(first.code, 0, first.err);
  assert.ok(existsSync(join(run, 'ssl.json')) && existsSync(join(run, 'latest.json')), first.err);
  const resumed = await runCommand(trainCommand, '--resume', run, '--steps', '6', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(readFileSync(join(run, 'latest.json'), 'utf8')).step, 6);

  const csv = join(root, 'predictions.csv');
  const classified = await printed(() => runCommand(classifyCommand, run, '--input', images, '--out', csv));
  assert.equal(classified.code, 0, classified.err);
  assert.match(classified.out, /24 images of .* \(step 6\): test error \d+\.\d\d%/);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'image,predicted,true');
  assert.equal(rows.length, 25);
  assert.ok(rows.slice(1).every((r) => CLASSES.includes(r.split(',')[1])), rows.join('\n'));

  const wrong = await runCommand(trainCommand, '--model', 'ssl', '--data', images, '--labels', '7', '--out', join(root, 'other'), ...common);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /7 labels do not split evenly over 3 classes/);
  const notSsl = await runCommand(classifyCommand, root, '--input', images);
  assert.equal(notSsl.code, 2);
  assert.match(notSsl.err, /not a semi-supervised run/);
});
