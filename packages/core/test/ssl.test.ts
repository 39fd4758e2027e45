// The semi-supervised GAN (gans/ssl/): its loss terms against hand computation, the balanced label draw,
// and a few steps of each method on tiny images, interrupted and resumed bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  balancedLabelDraw, createRng, featureMatchingLoss, memoryRunStore, pseudoLabelLoss, resumeSsl, supervisedLoss, trainSsl, unsupervisedLoss,
  type ArrayDataset, type SslMethod,
} from '../src/index.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-5, `${what}: ${a} vs ${b}`);
const lse = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('the loss terms equal their formulas computed by hand', () => {
  const real = [[1, 2, 0], [0.5, -1, 3]];
  const fake = [[-2, 0.1, -1], [4, 1, 1], [0, 0, 0]];
  const labels = [1, 2];
  const value = (s: tf.Scalar) => { const v = s.dataSync()[0]; s.dispose(); return v; };
  const t = (rows: number[][]) => tf.tensor2d(rows);
  close(value(supervisedLoss(t(real), tf.tensor1d(labels, 'int32'))), mean(real.map((r, i) => lse(r) - r[labels[i]])), 'supervised');
  // -0.5 mean(lse_u) + 0.5 mean(softplus(lse_u)) + 0.5 mean(softplus(lse_g)), the authors' loss_unl
  const unsupervised = -0.5 * mean(real.map(lse)) + 0.5 * mean(real.map((r) => softplus(lse(r)))) + 0.5 * mean(fake.map((r) => softplus(lse(r))));
  close(value(unsupervisedLoss(t(real), t(fake))), unsupervised, 'unsupervised');
  const columnMean = (rows: number[][], j: number) => mean(rows.map((r) => r[j]));
  const matching = mean([0, 1, 2].map((j) => (columnMean(real, j) - columnMean(fake.slice(0, 2), j)) ** 2));
  close(value(featureMatchingLoss(t(real), t(fake.slice(0, 2)))), matching, 'feature matching');
  // each row's own argmax as its label: classes 1 and 2
  close(value(pseudoLabelLoss(t(real))), mean([lse(real[0]) - 2, lse(real[1]) - 3]), 'pseudo-label');
});

test('balancedLabelDraw: the same count of every class, fixed by the seed', () => {
  const labels = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 3);
  const a = balancedLabelDraw(labels, 30, 4);
  assert.equal(a.length, 30);
  assert.deepEqual([0, 1, 2].map((c) => a.filter((i) => labels[i] === c).length), [10, 10, 10]);
  assert.equal(new Set(a).size, 30);
  assert.deepEqual(balancedLabelDraw(labels, 30, 4), a);
  assert.notDeepEqual(balancedLabelDraw(labels, 30, 5), a);
  assert.throws(() => balancedLabelDraw(labels, 31, 4), /do not split evenly over 3 classes/);
  assert.throws(() => balancedLabelDraw(labels.subarray(0, 6), 9, 4), /class 0 has 2 rows, fewer than the 3/);
});

/** 90 tiny 4 x 4 images of 3 classes (a bright band per class) in [-1, 1]. */
function tinyImages(): ArrayDataset {
  const rng = createRng(7);
  const count = 90;
  const values = new Float32Array(count * 16);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let p = 0; p < 16; p++) values[i * 16 + p] = (Math.floor(p / 4) === labels[i] ? 0.6 : -0.6) + 0.3 * rng.normal();
  }
  return { name: 'tiny', itemShape: [4, 4, 1], count, values: values.map((v) => Math.max(-1, Math.min(1, v))), labels, numClasses: 3 };
}

const tiny = { batchSize: 12, classifierHidden: [16, 8], generatorHidden: [8], latentDim: 4 };

/** Every parameter of a run's newest checkpoint, and its RNG, as plain numbers. */
function lastCheckpoint(store: ReturnType<typeof memoryRunStore>): unknown {
  const c = store.checkpoints[store.checkpoints.length - 1];
  return { step: c.state.step, rng: c.state.rng, parameters: Object.entries(c.parameters).map(([name, b]) => [name, Array.from(new Float32Array(b.data))]) };
}

for (const method of ['gan', 'pseudo-label'] as SslMethod[]) {
  test(`${method}: 8 steps stopped at 4 and resumed end bit for bit where 8 uninterrupted steps end`, async () => {
    const data = tinyImages();
    const labelled = balancedLabelDraw(data.labels!, 6, 1);
    const options = { seed: 3, method, ...tiny, minibatchKernels: method === 'gan' ? 3 : 0, checkpointEvery: 2 };
    const straight = memoryRunStore();
    const whole = await trainSsl(data, labelled, options, { store: straight, steps: 8 });
    const error = whole.testError(data);
    assert.ok(error >= 0 && error <= 1);
    whole.dispose();

    const interrupted = memoryRunStore();
    const stop = new AbortController();
    const first = await trainSsl(data, labelled, options, {
      store: interrupted, steps: 8, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 4) stop.abort(); } },
    });
    first.dispose();
    assert.equal(interrupted.checkpoints[interrupted.checkpoints.length - 1].state.step, 4);
    const names = Object.keys(interrupted.checkpoints[0].parameters).sort();
    assert.deepEqual(names, method === 'gan' ? ['classifier', 'classifierAverage', 'generator'] : ['classifier', 'classifierAverage']);
    const resumed = await resumeSsl(data, { store: interrupted });
    assert.deepEqual(lastCheckpoint(interrupted), lastCheckpoint(straight));
    assert.equal(resumed.testError(data), error);
    resumed.dispose();
  });
}

test('a resume on other images is refused by name', async () => {
  const data = tinyImages();
  const store = memoryRunStore();
  (await trainSsl(data, balancedLabelDraw(data.labels!, 3, 0), { seed: 0, method: 'supervised', ...tiny }, { store, steps: 2 })).dispose();
  await assert.rejects(resumeSsl({ ...data, count: 30, values: data.values.subarray(0, 480), labels: data.labels!.subarray(0, 30) }, { store }),
    /was trained on 90 images of \[4,4,1\], not 30 of \[4,4,1\]/);
});
