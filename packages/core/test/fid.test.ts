import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frechetDistance, symmetricEigen, sqrtPsd, matMul, featureCovariance, featureMean } from '../src/metrics/index.js';
import { asRows, assertRelClose, python, randomFeatures, scipyMissing } from './metrics-python.js';

test('fid: Jacobi eigensolver and PSD square root agree with numpy.linalg.eigh', { skip: scipyMissing }, () => {
  const f = randomFeatures(11, 200, 24);
  const cov = featureCovariance(f);
  const { values, vectors } = symmetricEigen(cov, 24);
  const ref = python<{ values: number[]; cov: number[] }>(`
x = np.array(D['x'])
c = np.cov(x, rowvar=False)
print(json.dumps({"values": np.linalg.eigh(c)[0].tolist(), "cov": c.reshape(-1).tolist()}))
`, { x: asRows(f) });
  ref.cov.forEach((v, i) => assertRelClose(cov[i] + 1, v + 1, 1e-12, `cov[${i}]`));
  ref.values.forEach((v, i) => assert.ok(Math.abs(values[i] - v) <= 1e-10 * Math.abs(ref.values[23]), `eigenvalue ${i}: ${values[i]} vs ${v}`));
  // A v = lambda v for every pair.
  for (let k = 0; k < 24; k++) {
    for (let i = 0; i < 24; i++) {
      let s = 0;
      for (let j = 0; j < 24; j++) s += cov[i * 24 + j] * vectors[j * 24 + k];
      assert.ok(Math.abs(s - values[k] * vectors[i * 24 + k]) < 1e-10, `eigenpair ${k}`);
    }
  }
  const root = sqrtPsd(cov, 24);
  const sq = matMul(root, root, 24);
  sq.forEach((v, i) => assert.ok(Math.abs(v - cov[i]) < 1e-10, `sqrt^2 [${i}]`));
  assert.equal(featureMean({ rows: 2, cols: 1, data: Float64Array.from([1, 4]) })[0], 2.5);
});

test('fid: Frechet distance agrees with scipy.linalg.sqrtm to 1e-3 relative', { skip: scipyMissing }, () => {
  const cases = [
    [randomFeatures(1, 400, 16), randomFeatures(2, 300, 16, 0.3, 1.2)],
    [randomFeatures(3, 500, 64), randomFeatures(4, 500, 64, 0.05, 0.9)],
    [randomFeatures(5, 300, 32), randomFeatures(6, 350, 32, 1, 0.5)],
  ] as const;
  const ref = python<number[]>(`
import scipy.linalg
out = []
for a, b in D['cases']:
    a, b = np.array(a), np.array(b)
    m1, m2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    out.append(float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real)))
print(json.dumps(out))
`, { cases: cases.map(([a, b]) => [asRows(a), asRows(b)]) });
  cases.forEach(([a, b], k) => assertRelClose(frechetDistance(a, b), ref[k], 1e-3, `case ${k}`));
  // Identical sets have distance 0 (up to round-off); the metric is symmetric.
  const [a, b] = cases[0];
  assert.ok(frechetDistance(a, a) < 1e-8);
  assertRelClose(frechetDistance(a, b), frechetDistance(b, a), 1e-9, 'symmetry');
  assert.throws(() => frechetDistance(a, randomFeatures(1, 10, 8)), /feature dimensions differ \(16 vs 8\)/);
  assert.throws(() => frechetDistance([[1, NaN], [2, 3]], [[1, 2], [3, 4]]), /non-finite value NaN at row 0, column 1/);
});
