// gantry eval of tiny StyleGAN, ProGAN and StackGAN runs (2 steps each; 16 px, ProGAN from 32 px data; StackGAN 64):
// the StyleGAN and ProGAN commands' FD equals FD computed directly with core's functions on the same samples
// (seeds 1000 + seed + i, resized to the classifier's 64 px, against the test split through the same resize), the
// averaged and trained generators differ, the StackGAN run writes stage II's preview PNGs and its record holds
// its scores for the first n held-out names; the refusals (--truncation off StyleGAN, --no-ema on StackGAN,
// --metrics on these runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import { featureDistances, loadEmoji, loadFeatureExtractor, proganSample, styleganSample } from '@gantry/core/node';
import { evalCommand } from '../src/commands/eval.js';
import { trainCommand } from '../src/commands/train.js';
import { loadProganGenerator } from '../src/train-progan.js';
import { loadStyleGenerator } from '../src/train-stylegan.js';
import { runCommand } from './run-command.js';

const root = mkdtempSync(join(tmpdir(), 'gantry-eval-generation-'));

const lastEval = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as Record<string, unknown>;

/** FD of images [N, 16, 16, 3] against emoji:google's test split at 16 px, both resized to 64, in the emoji classifier's features. */
function directFd(images: tf.Tensor4D): number {
  const testSplit = loadEmoji({ style: 'google', size: 16, split: 'test' }).dataset;
  const extractor = loadFeatureExtractor('emoji');
  const [a, b] = tf.tidy(() => [
    tf.image.resizeBilinear(images, [64, 64]), tf.image.resizeBilinear(tf.tensor4d(testSplit.values, [testSplit.count, 16, 16, 3]), [64, 64]),
  ]);
  try {
    return featureDistances(extractor, a, b).fd;
  } finally {
    tf.dispose([a, b]);
    extractor.dispose();
  }
}

/** The record a successful eval appended to the run's metrics (its printed table is silenced). */
async function evalRecord(runDir: string, ...args: string[]): Promise<Record<string, unknown>> {
  const log = console.log;
  console.log = () => {};
  try {
    const r = await runCommand(evalCommand, runDir, ...args);
    assert.equal(r.code, 0, r.err);
  } finally {
    console.log = log;
  }
  return lastEval(runDir);
}

const seeds = Array.from({ length: 8 }, (_, i) => 1003 + i);

test('eval of a StyleGAN run: FD equals core on the same samples; --no-ema, --truncation', async () => {
  const runDir = join(root, 'stylegan');
  const tiny = ['--latent-dim', '8', '--mapping-depth', '2', '--max-channels', '4', '--batch', '4', '--progress', 'off'];
  const trained = await runCommand(trainCommand, '--model', 'stylegan', '--data', 'emoji:google:16', ...tiny, '--steps', '2', '--out', runDir);
  assert.equal(trained.code, 0, trained.err);

  const averaged = await evalRecord(runDir, '--n', '8', '--seed', '3', '--truncation', '0.7');
  assert.deepEqual([averaged.model, averaged.generator, averaged.truncation, averaged.n, averaged.seeds], ['stylegan', 'averaged', 0.7, 8, '1003..1010']);
  const { generator } = await loadStyleGenerator(runDir);
  const images = styleganSample(generator, seeds, { psi: 0.7 });
  assert.ok(Math.abs((averaged.fd as number) - directFd(images)) < 1e-9 * Math.max(1, averaged.fd as number));
  images.dispose();
  for (const k of ['kid', 'precision', 'recall']) assert.ok(Number.isFinite(averaged[k]), k);
  assert.ok(Number.isFinite((averaged.floor as Record<string, number>).fd));

  const trainedG = await evalRecord(runDir, '--n', '8', '--seed', '3', '--truncation', '0.7', '--no-ema');
  assert.equal(trainedG.generator, 'trained');
  assert.notEqual(trainedG.fd, averaged.fd);
  assert.match((await runCommand(evalCommand, runDir, '--metrics', 'fid')).err, /--metrics is for GAN runs/);
  assert.match((await runCommand(evalCommand, runDir, '--truncation', '1.5')).err, /--truncation must lie in \(0, 1\]/);
});

test('eval of a ProGAN run trained below its data\'s size: FD of the trained G at its phase equals core on the same samples', async () => {
  const runDir = join(root, 'progan');
  const tiny = ['--latent-dim', '8', '--max-channels', '4', '--batch', '4', '--phase-steps', '1', '--fade-fraction', '1', '--progress', 'off'];
  // 32 px emoji pooled to a 16 px run: scored against the test split at 16 px, the generator's side
  const trained = await runCommand(trainCommand, '--model', 'progan', '--data', 'emoji:google:32', '--resolution', '16', ...tiny, '--steps', '2', '--out', runDir);
  assert.equal(trained.code, 0, trained.err);
  const record = await evalRecord(runDir, '--n', '8', '--seed', '3', '--no-ema');
  assert.deepEqual([record.model, record.generator, record.resolution, record.alpha], ['progan', 'trained', 8, 0]);
  const { generator, phase } = await loadProganGenerator(runDir, false);
  const images = proganSample(generator, seeds, phase);
  assert.ok(Math.abs((record.fd as number) - directFd(images)) < 1e-9 * Math.max(1, record.fd as number));
  images.dispose();
  assert.match((await runCommand(evalCommand, runDir, '--truncation', '0.7')).err, /--truncation is for StyleGAN runs/);
});

test('eval of a StackGAN run: accuracy, FD, retrieval of the first n held-out names; --no-ema refused', async () => {
  const runDir = join(root, 'stackgan');
  const tiny = ['--matcher-steps', '2', '--stage1-steps', '2', '--batch', '4', '--filters', '4', '--progress', 'off'];
  const trained = await runCommand(trainCommand, '--model', 'stackgan', '--data', 'emoji:google', ...tiny, '--steps', '2', '--out', runDir);
  assert.equal(trained.code, 0, trained.err);
  // stage II's preview at each checkpoint: the first 8 held-out names side by side, 64 px each
  assert.deepEqual(readdirSync(join(runDir, 'samples')), ['step-000001.png', 'step-000002.png']);
  const preview = PNG.sync.read(readFileSync(join(runDir, 'samples', 'step-000002.png')));
  assert.deepEqual([preview.width, preview.height], [8 * 64 + 9 * 2, 64 + 2 * 2]);
  const record = await evalRecord(runDir, '--n', '8');
  assert.deepEqual([record.model, record.stage, record.names, record.seed, record.step], ['stackgan', 2, 8, 1, 2]);
  for (const k of ['categoryAccuracy', 'retrieval']) {
    assert.ok((record[k] as number) >= 0 && (record[k] as number) <= 1, k);
    const real = (record.real as Record<string, number>)[k];
    assert.ok(real >= 0 && real <= 1, `real ${k}`);
  }
  assert.ok((record.fd as number) > 0);
  assert.equal((await evalRecord(runDir, '--n', '8')).fd, record.fd);
  assert.notEqual((await evalRecord(runDir, '--n', '8', '--seed', '5')).fd, record.fd);
  assert.match((await runCommand(evalCommand, runDir, '--no-ema')).err, /--no-ema: .* is a StackGAN run/);
});
