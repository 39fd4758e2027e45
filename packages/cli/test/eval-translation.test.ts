// gantry eval on a translation run: a small pix2pix trained one step on emoji google -> twitter at 64 px
// (tiny networks) is scored on the test split; the record appended to metrics.jsonl must equal the paired
// metrics and emoji-feature distances computed here directly, for the translation and for the input copied
// unchanged. Plus the errors: folder runs have no held-out split, and the flags that belong to one kind of run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { datasetImages, featureDistances, loadFeatureExtractor, pairedImageMetrics, translateImages, trainPix2pix } from '@gantry/core/node';
import { selectBackend } from '../src/backend.js';
import { evalCommand } from '../src/commands/eval.js';
import { loadPairedData } from '../src/data.js';
import { TRANSLATION_FILE } from '../src/train-translation.js';
import { runCommand } from './run-command.js';

const work = mkdtempSync(join(tmpdir(), 'gantry-eval-translation-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('gantry eval on a pix2pix run: test-split L1, PSNR, SSIM, FD and KID, and the copied-input floor, as computed directly', { timeout: 300_000 }, async () => {
  await selectBackend();
  const dir = join(work, 'p2p');
  mkdirSync(dir);
  writeFileSync(join(dir, TRANSLATION_FILE), JSON.stringify({ format: 'gantry-translation-1', model: 'pix2pix', data: 'emoji:google', target: 'emoji:twitter', createdAt: '' }));
  const { train, test: split } = loadPairedData('emoji:google', 'emoji:twitter');
  const r = await trainPix2pix(train, { seed: 0, steps: 1, generatorFilters: 2, discriminatorFilters: 2, depth: 3 }, { runDir: dir, progress: 'off' });
  r.discriminator?.dispose();

  const evaluated = await runCommand(evalCommand, dir, '--json');
  assert.equal(evaluated.code, 0, evaluated.err);
  const record = JSON.parse(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!);
  assert.deepEqual([record.event, record.split, record.direction, record.n, record.features], ['eval', 'test', 'ab', split!.source.count, 'emoji-classifier']);

  const extractor = loadFeatureExtractor('emoji');
  const output = translateImages(r.generator, split!.source, { seed: 0 });
  const target = datasetImages(split!.target);
  const pixels = pairedImageMetrics(output, target);
  const features = featureDistances(extractor, output, target);
  const copied = pairedImageMetrics(datasetImages(split!.source), target);
  const copiedFeatures = featureDistances(extractor, datasetImages(split!.source), target);
  tf.dispose(output);
  extractor.dispose();
  r.generator.dispose();
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
  close(record.l1, pixels.l1.mean, 'L1');
  close(record.psnr, pixels.psnr.mean, 'PSNR');
  close(record.ssim, pixels.ssim.mean, 'SSIM');
  close(record.fd, features.fd, 'FD');
  close(record.kid, features.kid.mean, 'KID');
  close(record.floor.l1, copied.l1.mean, 'floor L1');
  close(record.floor.fd, copiedFeatures.fd, 'floor FD');
  assert.notEqual(record.l1, record.floor.l1, 'the translation is scored, not the input');
});

test('gantry eval: folder runs have no held-out split; --split is for translation runs, --metrics for GAN runs', async () => {
  const folders = join(work, 'folders');
  mkdirSync(folders);
  writeFileSync(join(folders, TRANSLATION_FILE), JSON.stringify({ format: 'gantry-translation-1', model: 'cyclegan', data: 'a/', target: 'b/', createdAt: '' }));
  const f = await runCommand(evalCommand, folders);
  assert.equal(f.code, 2);
  assert.match(f.err, /trained on image folders, which have no held-out split/);
  const m = await runCommand(evalCommand, folders, '--metrics', 'fid');
  assert.equal(m.code, 2);
  assert.match(m.err, /--metrics and --n are for GAN runs/);
  const gan = join(work, 'gan');
  mkdirSync(gan);
  const s = await runCommand(evalCommand, gan, '--split', 'test');
  assert.equal(s.code, 2);
  assert.match(s.err, /--split and --direction are for translation runs/);
});
