// Moving MNIST: seeded and reproducible, digits kept whole inside the canvas while they bounce (a lone
// one-pixel "digit" moves 3-4 px a frame and reflects at both edges), the max of two digits, the 32 px
// option equal to the 64 px motion area-averaged 2 x 2, and digits of the wrong shape refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawMovingMnist, framesOf, movingMnist, createRng, type ArrayDataset } from '../src/index.js';
import { loadMnistPackage } from '../src/node.js';

/** One 28 x 28 digit, -1 everywhere but the given pixels (1). */
function bankOf(...lit: number[]): ArrayDataset {
  const values = new Float32Array(28 * 28).fill(-1);
  for (const k of lit) values[k] = 1;
  return { name: 'test-digit', itemShape: [28, 28, 1], count: 1, values };
}

test('a seed names the sequences; values in [0, 1]; real digits stay whole in every frame', () => {
  const digits = loadMnistPackage({ split: 'test', limitPerDigit: 3 });
  const a = movingMnist(digits, { count: 3, seed: 7, digits: 1 });
  const b = movingMnist(digits, { count: 3, seed: 7, digits: 1 });
  assert.deepEqual(a.values, b.values);
  assert.notDeepEqual(movingMnist(digits, { count: 3, seed: 8, digits: 1 }).values, a.values);
  assert.deepEqual([a.count, a.frames, a.size, a.values.length], [3, 20, 64, 3 * 20 * 64 * 64]);
  for (const v of a.values) assert.ok(v >= 0 && v <= 1);
  // one digit never leaves the canvas: each frame holds the same total ink
  for (let s = 0; s < 3; s++) {
    const ink = Array.from({ length: 20 }, (_, t) => framesOf(a, s, t, t + 1).reduce((x, y) => x + y, 0));
    for (const v of ink) assert.ok(Math.abs(v - ink[0]) < 1e-3, `sequence ${s}: ink ${v} vs ${ink[0]}`);
  }
});

test('a one-pixel digit moves 3-4 px a frame and bounces off both edges of each axis', () => {
  const seqs = drawMovingMnist(bankOf(0), createRng(1), { count: 40, frames: 60, digits: 1 });
  const hits = { top: 0, bottom: 0, left: 0, right: 0 };
  for (let s = 0; s < seqs.count; s++) {
    const where = Array.from({ length: seqs.frames }, (_, t) => {
      const k = framesOf(seqs, s, t, t + 1).indexOf(1);
      return [Math.floor(k / 64), k % 64];
    });
    where.forEach(([y, x], t) => {
      assert.ok(y >= 0 && y <= 36 && x >= 0 && x <= 36, `sequence ${s} frame ${t} at ${y}, ${x}`);
      if (t > 0) {
        const step = Math.hypot(y - where[t - 1][0], x - where[t - 1][1]);
        assert.ok(step <= 3.6 + Math.SQRT2, `sequence ${s} frame ${t}: moved ${step} px`);
      }
      hits.top += +(y === 0 || y === 1); hits.bottom += +(y >= 35); hits.left += +(x <= 1); hits.right += +(x >= 35);
    });
  }
  for (const [edge, n] of Object.entries(hits)) assert.ok(n > 0, `never reached the ${edge} edge`);
});

test('two digits combine by their max; size 32 is the 64 px motion averaged 2 x 2', () => {
  const bank = bankOf(0, 28 * 27 + 27);
  const full = movingMnist(bank, { count: 2, seed: 3, frames: 4 });
  for (let s = 0; s < 2; s++) {
    const lit = framesOf(full, s, 0, 1).reduce((n, v) => n + +(v === 1), 0);
    assert.ok(lit >= 2 && lit <= 4, `sequence ${s}: ${lit} pixels lit by 2 digits of 2 pixels`);
  }
  const half = movingMnist(bank, { count: 2, seed: 3, frames: 4, size: 32 });
  assert.equal(half.size, 32);
  for (let s = 0; s < 2; s++) {
    for (let t = 0; t < 4; t++) {
      const f = framesOf(full, s, t, t + 1);
      const h = framesOf(half, s, t, t + 1);
      for (const [i, j] of [[0, 0], [5, 17], [31, 31], [12, 3]]) {
        const k = 2 * i * 64 + 2 * j;
        assert.ok(Math.abs(h[i * 32 + j] - (f[k] + f[k + 1] + f[k + 64] + f[k + 65]) / 4) < 1e-7);
      }
    }
  }
});

test('digits that are not 28 x 28 x 1 and bad options are refused', () => {
  const bad: ArrayDataset = { name: 'emoji', itemShape: [64, 64, 3], count: 1, values: new Float32Array(64 * 64 * 3) };
  assert.throws(() => movingMnist(bad, { count: 1, seed: 0 }), /28 x 28 x 1 .*\[64, 64, 3\] from emoji/);
  assert.throws(() => movingMnist(bankOf(0), { count: 1, seed: 0, size: 48 as 64 }), /size must be 64 or 32/);
  assert.throws(() => movingMnist(bankOf(0), { count: 0, seed: 0 }), /count/);
});
