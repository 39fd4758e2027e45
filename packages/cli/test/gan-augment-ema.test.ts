// DiffAugment and the averaged generator for GAN runs (issue 17's DCGAN arm): `gantry train --augment diff --ema d`
// keeps both in config.json and the checkpoint an EMA copy; `gantry sample` draws from the averaged G, `gantry eval`
// scores it (record `generator: averaged`) and with --no-ema the trained one (another score); the flags are refused
// where they do not apply. A tiny DCGAN on MNIST (2 steps, batch 8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { averagedCheckpointModel, encodePng, fileRunStore, sample, tileImages } from '@gantry/core/node';
import { evalCommand } from '../src/commands/eval.js';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

const root = mkdtempSync(join(tmpdir(), 'gantry-gan-augment-'));
const lastRecord = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as Record<string, unknown>;

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try { return await f(); } finally { console.log = log; }
}

test('train --augment diff --ema: config and EMA kept; sample and eval use the averaged G, --no-ema the trained one', { timeout: 180_000 }, async () => {
  const runDir = join(root, 'dcgan');
  const trained = await runCommand(trainCommand, '--data', 'mnist', '--model', 'dcgan', '--augment', 'diff', '--ema', '0.5', '--steps', '2',
    '--batch', '8', '--latent-dim', '8', '--progress', 'off', '--out', runDir);
  assert.equal(trained.code, 0, trained.err);
  const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
  assert.deepEqual([config.train.augment, config.train.ema], [['color', 'translation', 'cutout'], 0.5]);
  const checkpoint = (await fileRunStore(runDir).loadLatestCheckpoint())!;
  assert.ok(checkpoint.ema.generator, 'the checkpoint keeps the averaged generator');

  const png = join(root, 's.png');
  assert.equal((await runCommand(sampleCommand, runDir, '--n', '4', '--seed', '2', '--out', png)).code, 0);
  const [averaged, raw] = await Promise.all([true, false].map((a) => averagedCheckpointModel(checkpoint, 'generator', { averaged: a })));
  const grid = (g: typeof averaged) => {
    const images = tf.tidy(() => tf.reshape(sample(g, 4, { seed: 2 }), [4, 28, 28, 1]));
    const bytes = encodePng(tileImages({ data: images.dataSync() as Float32Array, shape: images.shape }, { scale: 2 }));
    images.dispose();
    return bytes;
  };
  assert.ok(readFileSync(png).equals(grid(averaged)), 'gantry sample does not draw from the averaged generator');
  assert.ok(!grid(raw).equals(grid(averaged)), 'the averaged and trained generators draw the same');

  await quietly(() => runCommand(evalCommand, runDir, '--n', '16', '--metrics', 'fid'));
  const withEma = lastRecord(runDir);
  await quietly(() => runCommand(evalCommand, runDir, '--n', '16', '--metrics', 'fid', '--no-ema'));
  const withoutEma = lastRecord(runDir);
  assert.deepEqual([withEma.generator, withoutEma.generator], ['averaged', 'trained']);
  assert.notEqual(withEma.fid, withoutEma.fid);
});

test('--augment and --ema are refused where they do not apply', async () => {
  const refused = async (pattern: RegExp, ...args: string[]) => {
    const r = await runCommand(trainCommand, ...args, '--steps', '1', '--progress', 'off', '--out', join(root, `x${Math.random()}`));
    assert.notEqual(r.code, 0, r.err);
    assert.match(r.err, pattern);
  };
  await refused(/--augment is for GAN runs \(dcgan, mlp\) and --model stylegan\|progan; --model pix2pix does not take it/,
    '--model', 'pix2pix', '--data', 'emoji:google:16', '--target', 'emoji:twitter:16', '--augment', 'diff');
  await refused(/--ema is for GAN runs .* --model video does not take it/, '--model', 'video', '--data', 'moving-mnist', '--ema', '0.9');
  await refused(/--augment must be one of diff, none/, '--data', 'mnist', '--augment', 'zoom');
  await refused(/--ema must lie in \(0, 1\)/, '--data', 'mnist', '--ema', '0');
  await refused(/config.augment: DiffAugment transforms images \[N, H, W, C\], and this data's examples are \[2\]/, '--data', 'ring8', '--augment', 'diff');
});
