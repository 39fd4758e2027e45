// Frechet distance between Gaussians fitted to two feature sets (FID when the features are Inception's;
// here any extractor's): |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1 S2)), Heusel et al. 2017.
import { checkFinite, checkSameWidth, toFeatures, type FeatureInput } from './features.js';
import { featureCovariance, featureMean, trace, traceSqrtProduct } from './linalg.js';

export interface GaussianStats {
  mean: Float64Array;
  /** dim x dim, row-major */
  covariance: Float64Array;
  dim: number;
  count: number;
}

export function gaussianStats(features: FeatureInput, what = 'features'): GaussianStats {
  const m = toFeatures(features, what);
  checkFinite(m, what);
  const mean = featureMean(m);
  return { mean, covariance: featureCovariance(m, mean), dim: m.cols, count: m.rows };
}

export function frechetDistanceFromStats(a: GaussianStats, b: GaussianStats): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: feature dimensions differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  for (let j = 0; j < n; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  const fd = meanTerm + trace(a.covariance, n) + trace(b.covariance, n) - 2 * traceSqrtProduct(a.covariance, b.covariance, n);
  // Round-off can leave a tiny negative number for identical statistics.
  return Math.max(fd, 0);
}

/** Frechet distance between two feature sets [samples, dim]. */
export function frechetDistance(x: FeatureInput, y: FeatureInput): number {
  const a = toFeatures(x, 'frechetDistance x');
  const b = toFeatures(y, 'frechetDistance y');
  checkSameWidth(a, b, 'frechetDistance');
  return frechetDistanceFromStats(gaussianStats(a, 'frechetDistance x'), gaussianStats(b, 'frechetDistance y'));
}
