// --data emoji:<style>[:<size>] and paired data (--data A --target B): the spec's grammar and its usage
// errors, the fixed split as the CLI loads it, and paired folders through the CLI's resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@gantry/core';
import { UsageError } from '../src/args.js';
import { loadData, loadPairedData, parseEmojiSpec, reloadData } from '../src/data.js';

test('parseEmojiSpec: emoji:<style>[:<size>]; --image-size applies when the spec has no size; bad specs are usage errors', () => {
  assert.equal(parseEmojiSpec('mnist'), undefined);
  assert.deepEqual(parseEmojiSpec('emoji:google'), { style: 'google', size: 64 });
  assert.deepEqual(parseEmojiSpec('emoji:twitter:16'), { style: 'twitter', size: 16 });
  assert.deepEqual(parseEmojiSpec('emoji:twitter', 32), { style: 'twitter', size: 32 });
  assert.deepEqual(parseEmojiSpec('emoji:twitter:32', 32), { style: 'twitter', size: 32 });
  const usage = (spec: string, size: number | undefined, message: RegExp) =>
    assert.throws(() => parseEmojiSpec(spec, size), (e: unknown) => e instanceof UsageError && message.test(e.message));
  usage('emoji:apple', undefined, /expected emoji:<style>\[:<size>\] with style google or twitter and size 64, 32, 16/);
  usage('emoji:google:x', undefined, /expected emoji:<style>/);
  usage('emoji:google:32:1', undefined, /expected emoji:<style>/);
  usage('emoji:google:48', undefined, /emoji come in 64, 32, 16 px, not 48/);
  usage('emoji:google', 28, /emoji come in 64, 32, 16 px, not 28/);
  usage('emoji:google:16', 32, /asks for 16 px but --image-size says 32/);
});

test('loadData emoji:twitter:16: the train split to train on, the test split for metrics, category labels; a reload at a size emoji do not come in is refused', () => {
  const data = loadData('emoji:twitter:16');
  assert.deepEqual(data.info.itemShape, [16, 16, 3]);
  assert.equal(data.info.kind, 'image');
  assert.equal(data.info.count, 3786 - 371);
  assert.equal(data.info.numClasses, 10);
  assert.equal(data.info.classNames?.[0], 'Smileys & Emotion');
  const batch = data.source.sampleBatch(createRng(1), 4);
  assert.deepEqual(batch.x.shape, [4, 16, 16, 3]);
  assert.deepEqual(batch.labels?.shape, [4]);
  const { real, reference } = data.realSets(500, 2);
  assert.deepEqual([real.shape, reference.shape], [[371, 768], [500, 768]]); // all 371 test images; 500 training ones
  tf.dispose([batch.x, batch.labels!, real, reference]);
  // a run stores spec 'emoji:twitter' with itemShape [32, 32, 3] when trained with --image-size 32
  assert.throws(() => reloadData({ ...data.info, spec: 'emoji:twitter', itemShape: [28, 28, 3] }), /emoji come in 64, 32, 16 px, not 28/);
});

test('loadPairedData: emoji styles by file name with the fixed split; folders by file name; mixed kinds are usage errors', () => {
  const emoji = loadPairedData('emoji:google:16', 'emoji:twitter');
  assert.equal(emoji.train.names.length, 3786 - 371);
  assert.equal(emoji.test?.names.length, 371);
  assert.deepEqual(emoji.train.target.itemShape, [16, 16, 3]);
  assert.ok(emoji.test!.names.every((n, i) => emoji.test!.source.labels![i] === emoji.test!.target.labels![i] && n.endsWith('.png')));
  assert.throws(() => loadPairedData('emoji:google:16', 'emoji:twitter:32'), /ask for different sizes \(16 and 32 px\)/);

  const root = mkdtempSync(join(tmpdir(), 'gantry-pairs-'));
  for (const side of ['A', 'B']) {
    mkdirSync(join(root, side));
    for (const name of ['cat.png', 'dog.png']) {
      const png = new PNG({ width: 8, height: 8 });
      png.data.fill(side === 'A' ? 40 : 200);
      writeFileSync(join(root, side, name), PNG.sync.write(png));
    }
  }
  const folders = loadPairedData(join(root, 'A'), join(root, 'B'), { imageSize: 4 });
  assert.deepEqual(folders.train.names, ['cat.png', 'dog.png']);
  assert.deepEqual(folders.train.source.itemShape, [4, 4, 3]);
  assert.equal(folders.test, undefined);
  assert.throws(() => loadPairedData('emoji:google', join(root, 'B')), (e: unknown) => e instanceof UsageError && /pair emoji with emoji, or a folder with a folder/.test(e.message));
  assert.throws(() => loadPairedData(join(root, 'A'), join(root, 'C')), /--target .*C: paired data must be emoji:<style> or an image folder/);
});
