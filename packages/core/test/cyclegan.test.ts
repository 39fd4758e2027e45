// CycleGAN and DiscoGAN on the one loop (8 px, 2-filter nets, a few steps): the unpaired split keeps
// every family of a pair on one side; step 1's loss terms equal a hand computation from the initial
// weights; G's first update follows lossG = adv + 10 * cycle + 5 * identity; a run stopped mid-way (its
// history pools full and swapping) and resumed ends bit for bit where an uninterrupted run ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import {
  createRng, cycleGanTrainable, discoGanTrainable, imageFamily, resumeCycleGan, resumeDiscoGan, sampleUnpaired,
  trainCycleGan, trainDiscoGan, unpairedHalves, type CycleGanOptions, type DiscoGanOptions, type PairedDataset,
} from '../src/index.js';
import { tinyPairs, weightValues } from './pix2pix-fixtures.js';

await tf.setBackend('cpu');

const cycleOptions: CycleGanOptions = {
  seed: 2, steps: 4, batchSize: 2, generatorFilters: 2, discriminatorFilters: 2, blocks: 1, poolSize: 2, learningRate: 1e-3,
};
const discoOptions: DiscoGanOptions = { seed: 2, steps: 4, batchSize: 2, filters: 2, learningRate: 1e-3 };
const SIDE = 8;
const images = (pairs = 8) => unpairedHalves(tinyPairs(pairs, 3, SIDE));

test('unpairedHalves: alternate families, skin-tone variants with their emoji, no pair on both sides', () => {
  assert.equal(imageFamily('1F44B-1f3fd.png'), '1f44b');
  assert.equal(imageFamily('1f468-1f3fb-200d-1f9b0.png'), '1f468-200d-1f9b0');
  const base = tinyPairs(6);
  const names = ['1f600.png', '1f44b.png', '1f44b-1f3fb.png', '1f44b-1f3ff.png', '1f4a9.png', '1f680.png'];
  const pairs: PairedDataset = { ...base, names };
  const u = unpairedHalves(pairs);
  assert.deepEqual(u.aNames, ['1f600.png', '1f4a9.png']);
  assert.deepEqual(u.bNames, ['1f44b.png', '1f44b-1f3fb.png', '1f44b-1f3ff.png', '1f680.png']);
  const size = 16 * 16 * 3;
  // A holds sources (pair 0 and 4), B targets (pairs 1, 2, 3 and 5)
  assert.deepEqual(u.a.values.subarray(size, 2 * size), base.source.values.subarray(4 * size, 5 * size));
  assert.deepEqual(u.b.values.subarray(3 * size, 4 * size), base.target.values.subarray(5 * size, 6 * size));
  assert.throws(() => unpairedHalves({ ...base, names: names.map(() => '1f44b.png') }), /two halves need at least 2/);
});

const run = (m: tfl.LayersModel, x: tf.Tensor) => m.apply(x, { training: true }) as tf.Tensor;
const meanSquare = (x: tf.Tensor, target: number) => tf.mean(tf.square(tf.sub(x, target)));
const meanAbs = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.abs(tf.sub(x, y)));

/** Step 1 by hand from a twin of the trainable's initial networks and the loop's first draw. */
function handTerms(models: Record<string, tfl.LayersModel>, seed: number, batch: number, kind: 'cyclegan' | 'discogan') {
  return tf.tidy(() => {
    const { gAB, gBA, dA, dB } = models;
    const { a, b } = sampleUnpaired(images(), createRng(seed), batch);
    const [fakeB, fakeA] = [run(gAB, a), run(gBA, b)];
    const dist = kind === 'cyclegan' ? meanAbs : (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(x, y)));
    const bce = (logits: tf.Tensor, label: number) => tf.neg(tf.mean(tf.add(tf.mul(label, tf.logSigmoid(logits)), tf.mul(1 - label, tf.logSigmoid(tf.neg(logits))))));
    const gLoss = (l: tf.Tensor) => (kind === 'cyclegan' ? meanSquare(l, 1) : bce(l, 1));
    const dLoss = (real: tf.Tensor, fake: tf.Tensor) => (kind === 'cyclegan'
      ? tf.mul(0.5, tf.add(meanSquare(real, 1), meanSquare(fake, 0)))
      : tf.mul(0.5, tf.add(bce(real, 1), bce(fake, 0))));
    const terms: Record<string, tf.Tensor> = {
      'g/adversarial': tf.add(gLoss(run(dB, fakeB)), gLoss(run(dA, fakeA))),
      'g/cycle': tf.add(dist(run(gBA, fakeB), a), dist(run(gAB, fakeA), b)),
      'dA/adversarial': dLoss(run(dA, a), run(dA, fakeA)),
      'dB/adversarial': dLoss(run(dB, b), run(dB, fakeB)),
    };
    if (kind === 'cyclegan') terms['g/identity'] = tf.add(meanAbs(run(gAB, b), b), meanAbs(run(gBA, a), a));
    return Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, v.dataSync()[0]]));
  });
}

test('step 1\'s terms equal the hand computation (CycleGAN: LSGAN, L1; DiscoGAN: BCE, MSE)', async () => {
  const cases = [
    { kind: 'cyclegan' as const, twin: () => cycleGanTrainable(images(), cycleOptions), train: () => trainCycleGan(images(), { ...cycleOptions, steps: 1 }) },
    { kind: 'discogan' as const, twin: () => discoGanTrainable(images(), discoOptions), train: () => trainDiscoGan(images(), { ...discoOptions, steps: 1 }) },
  ];
  for (const c of cases) {
    const want = handTerms(c.twin().models, 2, 2, c.kind);
    const got = (await c.train()).losses;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), c.kind);
    for (const k of Object.keys(want)) assert.ok(Math.abs(got[k] - want[k]) < 1e-5 * Math.max(1, Math.abs(want[k])), `${c.kind} ${k}: ${got[k]} vs ${want[k]}`);
  }
  const ablated = await trainCycleGan(images(), { ...cycleOptions, steps: 1, cycleWeight: 0, identityWeight: 0 });
  assert.deepEqual(Object.keys(ablated.losses).sort(), ['dA/adversarial', 'dB/adversarial', 'g/adversarial']);
});

test('CycleGAN\'s first G update descends adv + 10 * cycle + 5 * identity (Adam\'s first step: -lr * sign of its gradient)', async () => {
  const twin = cycleGanTrainable(images(), cycleOptions).models;
  const before = twin.gAB.trainableWeights.map((w) => w.read().clone());
  const grads = tf.tidy(() => {
    const { a, b } = sampleUnpaired(images(), createRng(cycleOptions.seed), cycleOptions.batchSize!);
    const f = () => {
      const [fakeB, fakeA] = [run(twin.gAB, a), run(twin.gBA, b)];
      const adv = tf.add(meanSquare(run(twin.dB, fakeB), 1), meanSquare(run(twin.dA, fakeA), 1));
      const cycle = tf.add(meanAbs(run(twin.gBA, fakeB), a), meanAbs(run(twin.gAB, fakeA), b));
      const identity = tf.add(meanAbs(run(twin.gAB, b), b), meanAbs(run(twin.gBA, a), a));
      return tf.addN([adv, tf.mul(10, cycle), tf.mul(5, identity)]) as tf.Scalar;
    };
    const variables = twin.gAB.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads: g } = tf.variableGrads(f, variables);
    return variables.map((v) => tf.keep(g[v.name]));
  });
  const after = (await trainCycleGan(images(), { ...cycleOptions, steps: 1, learningRateDecay: 0 })).gAB.trainableWeights.map((w) => w.read());
  let checked = 0;
  after.forEach((w, i) => {
    const [step, g] = [tf.sub(w, before[i]).dataSync(), grads[i].dataSync()];
    g.forEach((gj, j) => {
      if (Math.abs(gj) < 1e-4) return;
      checked++;
      assert.ok(Math.abs(step[j] + 1e-3 * Math.sign(gj)) < 2e-5, `weight ${i}[${j}]: moved ${step[j]} for a gradient ${gj}`);
    });
  });
  assert.ok(checked > 100, `${checked} weights checked`);
});

test('stopped at step 2 (pools full, swapping) and resumed from its run directory: CycleGAN and DiscoGAN end bit for bit as uninterrupted runs', async () => {
  const variants = [
    { name: 'cyclegan', train: trainCycleGan, resume: resumeCycleGan, options: cycleOptions },
    { name: 'discogan', train: trainDiscoGan, resume: resumeDiscoGan, options: discoOptions },
  ] as const;
  for (const v of variants) {
    const runDir = mkdtempSync(join(tmpdir(), `gantry-${v.name}-resume-`));
    const stop = new AbortController();
    const first = await v.train(images(), v.options, { runDir, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 2) stop.abort(); } } });
    assert.equal(first.step, 2, v.name);
    const resumed = await v.resume(images(), { runDir });
    const straight = await v.train(images(), v.options);
    assert.equal(resumed.step, v.options.steps);
    for (const model of ['gAB', 'gBA', 'dA', 'dB'] as const) {
      assert.deepEqual(await weightValues(resumed[model]), await weightValues(straight[model]), `${v.name} ${model}`);
    }
    await assert.rejects(v.resume(images(6), { runDir, steps: 8 }), /was trained on 4 images of \[8,8,3\] \(A\) and 4 of \[8,8,3\] \(B\), not 3/);
  }
});
