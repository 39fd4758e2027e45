// gantry train --model video --data moving-mnist (2 + 1 steps at 32 px), --resume, gantry predict to a GIF
// from the fixed test set and from a folder of PNG frames, and the refusals: a folder shorter than the
// context (naming the missing frame), --frames out of range, a run that is not a video run, other data,
// an unknown --loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@gantry/core/node';
import { predictCommand } from '../src/commands/predict.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

/** The logical screen size and the number of image descriptors (0x2c after a graphic control block) of a GIF. */
function gifShape(path: string): { width: number; height: number; frames: number } {
  const b = readFileSync(path);
  assert.equal(b.subarray(0, 6).toString('latin1'), 'GIF89a');
  let frames = 0;
  for (let i = 0; i + 8 < b.length; i++) if (b[i] === 0x21 && b[i + 1] === 0xf9 && b[i + 2] === 4 && b[i + 7] === 0 && b[i + 8] === 0x2c) frames++;
  return { width: b.readUInt16LE(6), height: b.readUInt16LE(8), frames };
}

function frameFolder(root: string, n: number): string {
  const dir = join(root, `frames-${n}`);
  mkdirSync(dir, { recursive: true });
  for (let t = 0; t < n; t++) {
    const rgba = new Uint8Array(32 * 32 * 4).fill(255);
    for (let k = 0; k < 32 * 32; k++) rgba.fill(k % 32 === t ? 255 : 0, 4 * k, 4 * k + 3);
    writeFileSync(join(dir, `f${String(t).padStart(2, '0')}.png`), encodePng({ width: 32, height: 32, rgba }));
  }
  return dir;
}

test('train --model video, --resume, predict a GIF; short input, bad --frames, other runs and data refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-video-cli-'));
  const runDir = join(root, 'run');
  const train = await runCommand(trainCommand, '--model', 'video', '--data', 'moving-mnist', '--loss', 'adversarial+gdl', '--image-size', '32',
    '--steps', '2', '--batch', '2', '--seed', '1', '--progress', 'off', '--out', runDir);
  assert.equal(train.code, 0, train.err);
  assert.ok(existsSync(join(runDir, 'video.json')));
  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '3', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /done at step 3/);

  const gif = join(root, 'x.gif');
  const predicted = await runCommand(predictCommand, runDir, '--frames', '4', '--count', '2', '--out', gif);
  assert.equal(predicted.code, 0, predicted.err);
  assert.match(predicted.err, /2 sequence\(s\), 10 context \+ 4 predicted frames .*step 3/);
  // 2 sequences x (truth | prediction), 64 px panels with 2 px gaps; 14 frames
  assert.deepEqual(gifShape(gif), { width: 2 * 64 + 3 * 2, height: 2 * 64 + 3 * 2, frames: 14 });

  const fromFolder = await runCommand(predictCommand, runDir, '--input', frameFolder(root, 12), '--frames', '3', '--out', gif);
  assert.equal(fromFolder.code, 0, fromFolder.err);
  assert.match(fromFolder.err, /prediction only/);
  assert.deepEqual(gifShape(gif), { width: 64 + 4, height: 64 + 4, frames: 13 });

  const short = await runCommand(predictCommand, runDir, '--input', frameFolder(root, 7), '--out', gif);
  assert.equal(short.code, 2);
  assert.match(short.err, /7 frames, shorter than the run's 10-frame context \(frame 8 is missing\)/);
  const tooMany = await runCommand(predictCommand, runDir, '--frames', '11', '--out', gif);
  assert.match(tooMany.err, /--frames 11: the run predicts 10 frames .*\(1 to 10\)/);
  assert.notEqual((await runCommand(predictCommand, runDir, '--frames', '0', '--out', gif)).code, 0);
  const notVideo = await runCommand(predictCommand, root, '--out', gif);
  assert.match(notVideo.err, /is not a next-frame video run/);
  assert.match((await runCommand(predictCommand, runDir, '--out', join(root, 'x.png'))).err, /end it in \.gif/);
  assert.match((await runCommand(trainCommand, '--model', 'video', '--data', 'mnist', '--out', join(root, 'r2'))).err, /--data moving-mnist, not mnist/);
  assert.match((await runCommand(trainCommand, '--model', 'video', '--data', 'moving-mnist', '--loss', 'wgan', '--out', join(root, 'r3'))).err, /--loss/);
});
