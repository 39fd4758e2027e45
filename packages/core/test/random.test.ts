import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, forkRng, permutation, randomInt, randomNormal, randomUniform, restoreRng } from '../src/index.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

test('a restored state continues the stream exactly, including a pending Box-Muller normal', () => {
  const rng = createRng(7);
  rng.normal(); // leaves the pair's second normal pending
  const state = JSON.parse(JSON.stringify(rng.state()));
  const expected = [rng.normal(), rng.next(), rng.normal(), rng.int(10)];
  const restored = restoreRng(state);
  assert.deepEqual([restored.normal(), restored.next(), restored.normal(), restored.int(10)], expected);
  assert.throws(() => restoreRng({ algorithm: 'nope' } as never), /xoshiro128/);
});

test('uniform and normal moments match their distributions', () => {
  const rng = createRng(1);
  const n = 20000;
  let su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next(); su += u; su2 += u * u;
    const z = rng.normal(); sn += z; sn2 += z * z; sn4 += z ** 4;
  }
  // standard errors: mean(U) 0.002, mean(Z) 0.007, var(Z) 0.01, kurtosis ~0.05
  assert.ok(Math.abs(su / n - 0.5) < 0.01);
  assert.ok(Math.abs(su2 / n - (su / n) ** 2 - 1 / 12) < 0.005);
  assert.ok(Math.abs(sn / n) < 0.03);
  assert.ok(Math.abs(sn2 / n - 1) < 0.04);
  assert.ok(Math.abs(sn4 / n - 3) < 0.25);
});

test('tensor helpers are seeded and shaped', () => {
  const a = randomNormal(createRng(3), [4, 5], 1, 2);
  const b = randomNormal(createRng(3), [4, 5], 1, 2);
  assert.deepEqual(a.shape, [4, 5]);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const u = randomUniform(createRng(3), [1000], -2, 3).dataSync();
  assert.ok(u.every((v) => v >= -2 && v < 3));
  const k = randomInt(createRng(3), [1000], 4);
  assert.equal(k.dtype, 'int32');
  assert.deepEqual([...new Set(k.dataSync())].sort(), [0, 1, 2, 3]);
  assert.throws(() => randomNormal(createRng(1), [2, -1]), /invalid shape/);
});

test('permutation is a permutation and fork gives an independent stream', () => {
  const p = permutation(createRng(9), 50);
  assert.deepEqual(Array.from(p).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  const parent = createRng(5);
  const child = forkRng(parent);
  assert.notEqual(child.next(), parent.next());
  assert.throws(() => createRng(5).int(0), /positive integer/);
});
