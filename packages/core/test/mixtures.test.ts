import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, grid25, modeMetrics, moons, ring8, swissroll } from '../src/index.js';

await tf.setBackend('cpu');

test('ring8 and grid25 put their modes where the papers do, and batches are seeded', () => {
  const ring = ring8();
  assert.equal(ring.means.length, 8);
  for (const [x, y] of ring.means) assert.ok(Math.abs(Math.hypot(x, y) - 2) < 1e-12);
  const grid = grid25();
  assert.equal(grid.means.length, 25);
  assert.deepEqual([...new Set(grid.means.map((m) => m[0]))].sort((a, b) => a - b), [-4, -2, 0, 2, 4]);
  assert.equal(grid.std, 0.05);
  const a = ring.sampleBatch(createRng(1), 16).x.dataSync();
  const b = ring.sampleBatch(createRng(1), 16).x.dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.throws(() => ring.sampleBatch(createRng(1), 0), /batchSize/);
});

test('samples from the true mixture are high quality and cover every mode; per-mode spread matches std', () => {
  for (const mixture of [ring8(), grid25()]) {
    const x = mixture.sampleBatch(createRng(2), 2500).x;
    const m = modeMetrics(x, mixture);
    assert.equal(m.modesCovered, mixture.means.length);
    // P(|N(0, I_2)| < 3) = 1 - exp(-4.5) = 0.9889; 2500 samples give a standard error of 0.002
    assert.ok(Math.abs(m.highQualityFraction - (1 - Math.exp(-4.5))) < 0.01, `${m.highQualityFraction}`);
    assert.ok(m.klToUniform < 0.02, `KL ${m.klToUniform}`);
  }
});

test('mode metrics on constructed samples: a collapsed generator and a half-covering one', () => {
  const ring = ring8();
  const collapsed = Array.from({ length: 100 }, () => [2, 0.01]);
  const c = modeMetrics(collapsed, ring);
  assert.equal(c.modesCovered, 1);
  assert.equal(c.highQualityFraction, 1);
  assert.ok(Math.abs(c.klToUniform - Math.log(8)) < 1e-12);
  // four modes equally, plus 20 far-away points
  const half = [...ring.means.slice(0, 4).flatMap((mu) => Array.from({ length: 20 }, () => [mu[0], mu[1]])),
    ...Array.from({ length: 20 }, () => [0, 0])];
  const h = modeMetrics(half, ring);
  assert.equal(h.modesCovered, 4);
  assert.equal(h.highQualityFraction, 80 / 100);
  assert.ok(Math.abs(h.klToUniform - Math.log(2)) < 1e-12); // p = 1/4 on 4 of 8 modes: sum 1/4 log 2
  assert.equal(modeMetrics(half, ring, { minCount: 21 }).modesCovered, 0);
  assert.equal(modeMetrics([[0, 0]], ring).klToUniform, Math.log(8));
  assert.throws(() => modeMetrics(tf.zeros([3, 3]), ring), /\[N, 2\]/);
});

test('swissroll and moons produce seeded 2D batches in their expected ranges', () => {
  const s = swissroll().sampleBatch(createRng(3), 500).x;
  assert.deepEqual(s.shape, [500, 2]);
  const sv = s.dataSync();
  assert.ok(sv.every((v) => Math.abs(v) < 3));
  const m = moons().sampleBatch(createRng(3), 500).x.arraySync() as number[][];
  assert.ok(m.every(([x, y]) => x > -1.5 && x < 2.5 && y > -1 && y < 1.5));
  assert.deepEqual(Array.from(moons().sampleBatch(createRng(4), 8).x.dataSync()), Array.from(moons().sampleBatch(createRng(4), 8).x.dataSync()));
});
