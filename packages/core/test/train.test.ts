import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { trainGan, sample, DivergenceError, memoryRunStore, resolveConfig, type GanConfig, type StepInfo } from '../src/train/index.js';
import { tinyDiscriminator, tinyGenerator, gaussianSource, weightsOf, assertSameWeights } from './train-fixtures.js';

tf.setBackend('cpu');

const base: GanConfig = { loss: 'nonsaturating', latentDim: 2, seed: 7, batchSize: 32, optimizers: {
  generator: { kind: 'adam', learningRate: 0.01, beta1: 0.5 }, discriminator: { kind: 'adam', learningRate: 0.01, beta1: 0.5 } } };

function models(seed = 1, dropout?: number) {
  return { generator: tinyGenerator({ latentDim: 2, outputDim: 1, seed }), discriminator: tinyDiscriminator({ inputDim: 1, seed: seed + 10, dropout }) };
}

test('same seed and same initial weights give identical weights; another seed does not', async () => {
  const run = async (seed: number) => {
    const m = models(1, 0.3);
    await trainGan({ ...m, data: gaussianSource({ mean: 2, std: 0.5 }), config: { ...base, seed, criticSteps: 2 }, steps: 6, progress: 'off' });
    return [...await weightsOf(m.generator), ...await weightsOf(m.discriminator)];
  };
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  assert.ok(assertSameWeights(a, b), 'two runs with seed 7 differ');
  assert.ok(!assertSameWeights(a, c), 'seeds 7 and 8 gave the same weights');
});

test('an MLP GAN learns the mean and spread of a 1-D Gaussian', async () => {
  const m = models(3);
  const data = gaussianSource({ mean: 3, std: 0.5 });
  await trainGan({ ...m, data, config: { ...base, batchSize: 64 }, steps: 400, progress: 'off' });
  const s = Array.from(await sample(m.generator, 2000, { seed: 1 }).data());
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
  assert.ok(Math.abs(mean - 3) < 0.4, `sample mean ${mean} is not near 3`);
  assert.ok(std > 0.15 && std < 1.2, `sample std ${std} is not near 0.5`);
});

test('critic steps and WGAN weight clipping', async () => {
  const m = models(4);
  const dOpt = tf.train.rmsprop(5e-3);
  const gOpt = tf.train.rmsprop(5e-3);
  let steps = 0;
  await trainGan({ ...m, data: gaussianSource({ mean: 1, std: 1 }), config: { ...base, loss: 'wgan', clip: 0.02, criticSteps: 3 },
    steps: 4, progress: 'off', optimizers: { generator: gOpt, discriminator: dOpt }, callbacks: { onStep: () => { steps++; } } });
  assert.equal(steps, 4);
  assert.equal((dOpt as unknown as { iterations: number }).iterations, 12, 'critic updated criticSteps times per step');
  assert.equal((gOpt as unknown as { iterations: number }).iterations, 4);
  for (const w of m.discriminator.trainableWeights) {
    const max = tf.max(tf.abs(w.read())).dataSync()[0];
    assert.ok(max <= 0.02 + 1e-7, `${w.name} has |w| = ${max} > clip 0.02`);
  }
  assert.equal(resolveConfig({ ...base, loss: 'wgan' }).clip, 0.01, "'wgan' implies the preset clip");
  assert.deepEqual(resolveConfig({ ...base, loss: 'wgan-gp' }).penalty, { kind: 'gp', weight: 10 });
});

test('EMA of G matches an independent running average', async () => {
  const m = models(5);
  const decay = 0.8;
  const history: Float32Array[][] = [await weightsOf(m.generator)];
  const result = await trainGan({ ...m, data: gaussianSource({ mean: 1, std: 1 }), config: { ...base, emaDecay: decay }, steps: 5, progress: 'off',
    callbacks: { onStep: async () => { history.push(await weightsOf(m.generator)); } } });
  const expected = history[0].map((w) => Float64Array.from(w));
  for (const h of history.slice(1)) expected.forEach((e, i) => e.forEach((v, j) => { e[j] = decay * v + (1 - decay) * h[i][j]; }));
  const ema = await weightsOf(result.emaGenerator!);
  ema.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-5, `EMA weight ${i}[${j}]: ${v} vs ${expected[i][j]}`)));
  assert.ok(!assertSameWeights(ema, await weightsOf(m.generator)), 'EMA equals the raw weights');
});

test('mismatched shapes give errors that name both sides', async () => {
  const data = gaussianSource({ mean: 0, std: 1 });
  await assert.rejects(trainGan({ generator: tinyGenerator({ latentDim: 2, outputDim: 3, seed: 1 }), discriminator: tinyDiscriminator({ inputDim: 4, seed: 2 }),
    data, config: base, steps: 1, progress: 'off' }), /generator output shape \[batch, 3\] does not match discriminator input shape \[batch, 4\]/);
  await assert.rejects(trainGan({ generator: tinyGenerator({ latentDim: 2, outputDim: 3, seed: 1 }), discriminator: tinyDiscriminator({ inputDim: 3, seed: 2 }),
    data, config: base, steps: 1, progress: 'off' }), /data batches have shape \[2, 1\] but the discriminator takes \[batch, 3\]/);
  await assert.rejects(trainGan({ ...models(), data, config: { ...base, latentDim: 5 }, steps: 1, progress: 'off' }),
    /takes latent input \[batch, 2\], but config.latentDim is 5/);
});

test('divergence: NaN data stops with the step and loss name, keeping the last good checkpoint', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-nan-'));
  const m = models(6);
  // calls: 1 is the shape probe, then one batch per step; poison step 3's batch
  const data = gaussianSource({ mean: 0, std: 1, nan: (call) => call === 4 });
  await assert.rejects(trainGan({ ...m, data, config: { ...base, checkpointEvery: 1 }, steps: 10, runDir, progress: 'off' }),
    (err: unknown) => err instanceof DivergenceError && err.step === 3 && /step 3: loss "d\/adversarial" is NaN/.test(err.message));
  const latest = JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8'));
  assert.equal(latest.step, 2);
  assert.ok(existsSync(join(runDir, 'checkpoints', 'step-000002', 'state.json')));
  assert.ok(!existsSync(join(runDir, 'checkpoints', 'step-000003')));
  assert.match(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8'), /"event":"error"/);
});

test('divergence: an absurd learning rate names the weight that blew up', async () => {
  const m = models(7);
  const store = memoryRunStore();
  await assert.rejects(trainGan({ ...m, data: gaussianSource({ mean: 0, std: 1 }), store, progress: 'off', steps: 50,
    config: { ...base, checkpointEvery: 1, optimizers: { generator: { kind: 'sgd', learningRate: 1e38 }, discriminator: { kind: 'sgd', learningRate: 1e38 } } } }),
  (err: unknown) => err instanceof DivergenceError && /(weight "[^"]+"|loss "[^"]+") is/.test(err.message));
  for (const c of store.checkpoints) {
    const all = new Float32Array(c.models.generator.weightData);
    assert.ok(all.every(Number.isFinite), `checkpoint at step ${c.state.step} holds non-finite weights`);
  }
});

test('progress lines, metrics log and sample grids in the run directory', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-run-'));
  const infos: StepInfo[] = [];
  await trainGan({ ...models(8), data: gaussianSource({ mean: 0, std: 1 }), config: { ...base, logEvery: 2, sampleEvery: 2 }, steps: 4, runDir,
    progress: 'off', callbacks: { onStep: (i) => { infos.push(i); } } });
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].event, 'start');
  assert.deepEqual(lines.slice(1).map((l) => l.step), [2, 4]);
  assert.ok(Number.isFinite(lines[1]['d/adversarial']) && Number.isFinite(lines[1]['g/adversarial']));
  assert.deepEqual(infos.map((i) => i.step), [1, 2, 3, 4]);
  assert.ok(infos.every((i) => i.stepsPerSecond > 0));
});

test('an AbortSignal stops after the current step, which still gets its checkpoint', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-abort-'));
  const controller = new AbortController();
  const result = await trainGan({ ...models(9), data: gaussianSource({ mean: 0, std: 1 }), config: base, steps: 10, runDir, progress: 'off',
    signal: controller.signal, callbacks: { onStep: ({ step }) => { if (step === 3) controller.abort(); } } });
  assert.equal(result.step, 3);
  assert.equal(result.stopped, true);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')).step, 3);
});

test('a timer-driven AbortSignal (AbortSignal.timeout) stops a long run', async () => {
  const result = await trainGan({ ...models(10), data: gaussianSource({ mean: 0, std: 1 }), config: base, steps: 1_000_000, progress: 'off',
    signal: AbortSignal.timeout(300) });
  assert.equal(result.stopped, true);
  assert.ok(result.step > 0 && result.step < 1_000_000);
});
