import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densityCoverage, inceptionScore, kthNeighbourRadii, precisionRecall, softmaxRows } from '../src/metrics/index.js';
import { asRows, assertRelClose, python, randomFeatures, scipyMissing } from './metrics-python.js';

test('prd: k-NN precision/recall (k=3) and density/coverage (k=5) agree with numpy', { skip: scipyMissing }, () => {
  const real = randomFeatures(31, 150, 8);
  const fake = randomFeatures(32, 120, 8, 0.4, 0.7);
  const ref = python<{ p: number; r: number; d: number; c: number; radii: number[] }>(`
r, f = np.array(D['real']), np.array(D['fake'])
def dist(a, b): return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
def radii(a, k): return np.sort(dist(a, a), axis=1)[:, k]   # column 0 is the point itself
rr3, fr3, rr5 = radii(r, 3), radii(f, 3), radii(r, 5)
drf = dist(r, f)   # [real, fake]
p = (drf <= rr3[:, None]).any(axis=0).mean()
rec = (drf <= fr3[None, :]).any(axis=1).mean()
dens = (drf < rr5[:, None]).sum(axis=0).mean() / 5
cov = (drf.min(axis=1) < rr5).mean()
print(json.dumps({"p": p, "r": rec, "d": dens, "c": cov, "radii": rr3.tolist()}))
`, { real: asRows(real), fake: asRows(fake) });
  const radii = kthNeighbourRadii(real, 3);
  ref.radii.forEach((v, i) => assertRelClose(radii[i], v, 1e-9, `radius ${i}`));
  const pr = precisionRecall(real, fake);
  const dc = densityCoverage(real, fake);
  assert.equal(pr.precision, ref.p);
  assert.equal(pr.recall, ref.r);
  assertRelClose(dc.density, ref.d, 1e-12, 'density');
  assert.equal(dc.coverage, ref.c);
  // The test must be able to fail: the shifted set is measurably worse than a same-distribution one.
  const same = precisionRecall(real, randomFeatures(33, 120, 8));
  assert.ok(same.precision > pr.precision, `${same.precision} > ${pr.precision}`);
  assert.throws(() => kthNeighbourRadii(randomFeatures(1, 3, 2), 3), /needs more than 3 samples, got 3/);
});

test('prd: classifier inception score agrees with numpy (contiguous splits, population std)', { skip: scipyMissing }, () => {
  const logits = randomFeatures(41, 205, 10, 0, 3);
  const probs = softmaxRows(logits);
  const is = inceptionScore(probs, 4);
  const ref = python<{ mean: number; std: number }>(`
l = np.array(D['logits'])
p = np.exp(l - l.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
n, s = len(p), 4
scores = []
for k in range(s):
    part = p[k * n // s:(k + 1) * n // s]
    py = part.mean(0, keepdims=True)
    scores.append(np.exp((part * (np.log(part) - np.log(py))).sum(1).mean()))
print(json.dumps({"mean": float(np.mean(scores)), "std": float(np.std(scores))}))
`, { logits: asRows(logits) });
  assertRelClose(is.mean, ref.mean, 1e-9, 'IS mean');
  assertRelClose(is.std, ref.std, 1e-6, 'IS std');
  assert.ok(is.mean > 1 && is.mean < 10);
  assert.throws(() => inceptionScore([[2, -1], [0, 1]]), /row 0 holds -1, expected probabilities >= 0|splits must be in/);
  assert.throws(() => inceptionScore([[0.5, 0.6], [0.5, 0.5]], 1), /row 0 sums to 1.1/);
});
