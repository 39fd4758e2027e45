// StyleGAN and ProGAN on Fashion-MNIST padded to 32 x 32 RGB (issue 17): `gantry train --data fashion-mnist` trains
// on the 60,000 padded training images (a tiny network, 1 step), the run keeps the spec, and `gantry eval` scores it in
// the Fashion-MNIST classifier's features: its FD equals FD computed directly from the samples' centre 28 x 28,
// channels averaged, against the original (unpadded) 28 x 28 test images it names (1,000, every tenth), so the
// padding and its undoing are exact on the real side (to float rounding: the mean of three equal values). Bad --image-size is refused. Needs Debian's dataset-fashion-mnist (skipped without it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  FASHION_MNIST_DIR, featureDistances, loadFashionMnist, loadFeatureExtractor, proganSample, styleganSample, subsetDataset,
} from '@gantry/core/node';
import { evalCommand } from '../src/commands/eval.js';
import { trainCommand } from '../src/commands/train.js';
import { loadProganGenerator } from '../src/train-progan.js';
import { loadStyleGenerator } from '../src/train-stylegan.js';
import { runCommand } from './run-command.js';

const skip = existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} is missing (apt-get install -y dataset-fashion-mnist)`;
const root = mkdtempSync(join(tmpdir(), 'gantry-generation-fashion-'));
const seeds = Array.from({ length: 8 }, (_, i) => 1000 + i);

/** Every tenth of Fashion-MNIST's own 28 x 28 test images: the 1,000 eval scores against. */
const reference = () => {
  const all = loadFashionMnist({ split: 'test' });
  return subsetDataset(all, Array.from({ length: 1000 }, (_, i) => 10 * i));
};

/** FD of 32 px RGB samples' centre 28 x 28, channels averaged, against the reference. */
function directFd(images: tf.Tensor4D): number {
  const testSplit = reference();
  const extractor = loadFeatureExtractor('fashion-mnist');
  const [a, b] = tf.tidy(() => [
    tf.mean(tf.slice(images, [0, 2, 2, 0], [-1, 28, 28, 3]), 3, true) as tf.Tensor4D, tf.tensor4d(testSplit.values, [testSplit.count, 28, 28, 1]),
  ]);
  try {
    return featureDistances(extractor, a, b).fd;
  } finally {
    tf.dispose([a, b]);
    extractor.dispose();
  }
}

async function evalRecord(runDir: string): Promise<Record<string, unknown>> {
  const log = console.log;
  console.log = () => {};
  try {
    const r = await runCommand(evalCommand, runDir, '--n', '8');
    assert.equal(r.code, 0, r.err);
  } finally {
    console.log = log;
  }
  return JSON.parse(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as Record<string, unknown>;
}

test('StyleGAN and ProGAN train on fashion-mnist padded to 32 px RGB; eval scores them in the Fashion classifier\'s features', { skip, timeout: 300_000 }, async () => {
  const style = join(root, 'stylegan');
  const tinyStyle = ['--latent-dim', '8', '--mapping-depth', '2', '--max-channels', '4', '--batch', '4', '--progress', 'off'];
  const trained = await runCommand(trainCommand, '--model', 'stylegan', '--data', 'fashion-mnist', ...tinyStyle, '--steps', '1', '--out', style);
  assert.equal(trained.code, 0, trained.err);
  assert.match(trained.err, /on fashion-mnist \(60000 images of \[32,32,3\]\)/);
  const record = await evalRecord(style);
  assert.deepEqual([record.features, record.reference, record.n], ['fashion-mnist-classifier', 'fashion-mnist test split (1000 images evenly spaced over it, padded to 32 px)', 8]);
  const { generator } = await loadStyleGenerator(style);
  const images = styleganSample(generator, seeds);
  const close = (fd: unknown, direct: number) => assert.ok(Math.abs((fd as number) - direct) < 1e-5 * Math.max(1, direct), `FD ${String(fd)} against ${direct}`);
  close(record.fd, directFd(images));
  images.dispose();

  const grow = join(root, 'progan');
  const tinyGrow = ['--latent-dim', '8', '--max-channels', '4', '--batch', '4', '--phase-steps', '1', '--fade-fraction', '1', '--progress', 'off'];
  const grown = await runCommand(trainCommand, '--model', 'progan', '--data', 'fashion-mnist', '--conditional', ...tinyGrow, '--steps', '1', '--out', grow);
  assert.equal(grown.code, 0, grown.err);
  assert.equal(JSON.parse(readFileSync(join(grow, 'progan.json'), 'utf8')).data, 'fashion-mnist:32');
  const grownRecord = await evalRecord(grow);
  const { generator: g, phase, classNames } = await loadProganGenerator(grow);
  assert.equal(classNames?.[9], 'Ankle boot');
  // a conditional run draws the test split's classes in order
  const labels = Array.from(reference().labels!.slice(0, 8));
  const drawn = proganSample(g, seeds, phase, labels);
  close(grownRecord.fd, directFd(drawn));
  drawn.dispose();

  const bad = await runCommand(trainCommand, '--model', 'progan', '--data', 'fashion-mnist', '--image-size', '16', '--out', join(root, 'bad'));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--image-size 16: --model progan pads fashion-mnist to 32 x 32/);
});
