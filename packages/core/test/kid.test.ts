import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../src/random.js';
import { drawKidSubsets, kernelInceptionDistance, mmd2Unbiased } from '../src/metrics/index.js';
import { asRows, assertRelClose, python, randomFeatures, scipyMissing } from './metrics-python.js';

test('kid: unbiased polynomial-kernel MMD^2 and subset mean/std agree with numpy', { skip: scipyMissing }, () => {
  const x = randomFeatures(21, 120, 10);
  const y = randomFeatures(22, 90, 10, 0.2, 1.1);
  const subsets = drawKidSubsets(createRng(5), x.rows, y.rows, 7, 40);
  const kid = kernelInceptionDistance(x, y, { subsets: 7, subsetSize: 40, rng: createRng(5) });
  const ref = python<{ full: number; same: number; values: number[] }>(`
def mmd(a, b):
    d = a.shape[1]
    kxx = (a @ a.T / d + 1) ** 3
    kyy = (b @ b.T / d + 1) ** 3
    kxy = (a @ b.T / d + 1) ** 3
    m, n = len(a), len(b)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean())
x, y = np.array(D['x']), np.array(D['y'])
print(json.dumps({"full": mmd(x, y), "same": mmd(x[:60], x[60:]),
  "values": [mmd(x[s['x']], y[s['y']]) for s in D['subsets']]}))
`, { x: asRows(x), y: asRows(y), subsets: subsets.map((s) => ({ x: [...s.x], y: [...s.y] })) });
  assertRelClose(mmd2Unbiased(x, y), ref.full, 1e-9, 'full-sample MMD^2');
  const half = (from: number, to: number) => ({ rows: to - from, cols: 10, data: x.data.slice(from * 10, to * 10) });
  assert.ok(Math.abs(mmd2Unbiased(half(0, 60), half(60, 120)) - ref.same) < 1e-9, 'same-distribution MMD^2');
  kid.values.forEach((v, i) => assertRelClose(v, ref.values[i], 1e-9, `subset ${i}`));
  const mean = ref.values.reduce((a, b) => a + b, 0) / ref.values.length;
  const std = Math.sqrt(ref.values.reduce((a, b) => a + (b - mean) ** 2, 0) / ref.values.length);
  assertRelClose(kid.mean, mean, 1e-9, 'mean');
  assertRelClose(kid.std, std, 1e-9, 'std');
  for (const s of subsets) assert.equal(new Set(s.x).size, 40);
  assert.equal(kernelInceptionDistance(x, y, { subsets: 2 }).subsetSize, 45, 'default: half the smaller set');
  assert.throws(() => kernelInceptionDistance(x, y, { subsetSize: 100 }), /subset size 100 must be in \[2, min\(120, 90\)\]/);
});
