// A one-dimensional Gaussian mixture fitted by expectation-maximisation, for mode-specific normalisation.
//
// CTGAN fits a variational (Dirichlet-process) Bayesian GMM per column and keeps the modes whose weight
// exceeds 0.005. Simplification here: plain maximum-likelihood EM with at most maxModes components started at
// evenly spaced quantiles (so no randomness is involved), and weak components pruned between EM rounds instead
// of being shrunk by a prior. A variance floor keeps components that sit on one repeated value (integer-valued
// columns, spikes at zero) finite.

export interface GaussianMode {
  mean: number;
  std: number;
  weight: number;
}

export interface GmmOptions {
  /** Upper bound on the number of modes (CTGAN: 10). */
  maxModes?: number;
  /** Modes whose mixture weight falls below this are removed (CTGAN: 0.005). */
  weightThreshold?: number;
  /** EM iterations per round (a round ends early when the log-likelihood stops improving). */
  iterations?: number;
  /**
   * EM runs on at most this many values (every k-th one, deterministic; default 5000): a mixture's few
   * parameters are well determined by a few thousand values, and EM costs values x modes per iteration.
   */
  maxFitValues?: number;
  tolerance?: number;
}

/** Fits modes to finite values (the caller removes missing ones). Modes come back sorted by mean. */
export function fitGaussianMixture(values: ArrayLike<number>, options: GmmOptions = {}): GaussianMode[] {
  const maxModes = options.maxModes ?? 10;
  const threshold = options.weightThreshold ?? 0.005;
  const iterations = options.iterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  if (!Number.isInteger(maxModes) || maxModes < 1) throw new Error(`fitGaussianMixture: maxModes must be a positive integer, got ${maxModes}`);
  if (values.length === 0) throw new Error('fitGaussianMixture: no values to fit');
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new Error(`fitGaussianMixture: value ${i} is ${values[i]}, expected a finite number`);
  const stride = Math.max(1, Math.ceil(values.length / (options.maxFitValues ?? 5000)));
  const x = Float64Array.from({ length: Math.ceil(values.length / stride) }, (_, i) => values[i * stride]);
  const n = x.length;
  const sorted = Float64Array.from(x).sort();
  const lo = sorted[0];
  const hi = sorted[n - 1];
  let total = 0;
  for (let i = 0; i < n; i++) total += x[i];
  const mean = total / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  const spread = Math.sqrt(ss / n);
  // Small against the column's spread and its range, yet keeps densities finite on repeated values.
  const floorStd = Math.max(1e-3 * Math.max(spread, (hi - lo) / 100), 1e-9 * Math.max(1, Math.abs(mean)));
  if (hi === lo) return [{ mean: lo, std: floorStd, weight: 1 }];

  // Distinct quantile starts: a column with 3 distinct values cannot carry 10 modes.
  const starts: number[] = [];
  for (let k = 0; k < maxModes; k++) {
    const q = sorted[Math.min(n - 1, Math.floor(((k + 0.5) / maxModes) * n))];
    if (!starts.includes(q)) starts.push(q);
  }
  let modes: GaussianMode[] = starts.map((m) => ({ mean: m, std: Math.max(spread / starts.length, floorStd), weight: 1 / starts.length }));

  const resp = new Float64Array(n * maxModes);
  for (let round = 0; round < maxModes; round++) {
    modes = runEm(x, modes, resp, iterations, tolerance, floorStd);
    const kept = modes.filter((m) => m.weight >= threshold);
    if (kept.length === modes.length || kept.length === 0) break;
    const sum = kept.reduce((a, m) => a + m.weight, 0);
    modes = kept.map((m) => ({ ...m, weight: m.weight / sum }));
  }
  return modes.sort((a, b) => a.mean - b.mean);
}

function runEm(x: Float64Array, start: GaussianMode[], resp: Float64Array, iterations: number, tolerance: number, floorStd: number): GaussianMode[] {
  const n = x.length;
  let modes = start.map((m) => ({ ...m }));
  let previous = -Infinity;
  for (let it = 0; it < iterations; it++) {
    const k = modes.length;
    const logLik = posteriors(x, modes, resp);
    const next: GaussianMode[] = [];
    for (let j = 0; j < k; j++) {
      let w = 0;
      let s = 0;
      for (let i = 0; i < n; i++) { const r = resp[i * k + j]; w += r; s += r * x[i]; }
      if (w <= 1e-12) { next.push({ mean: modes[j].mean, std: modes[j].std, weight: 0 }); continue; }
      const mu = s / w;
      let v = 0;
      for (let i = 0; i < n; i++) v += resp[i * k + j] * (x[i] - mu) ** 2;
      next.push({ mean: mu, std: Math.max(Math.sqrt(v / w), floorStd), weight: w / n });
    }
    modes = next;
    if (Math.abs(logLik - previous) <= tolerance * Math.max(1, Math.abs(logLik))) break;
    previous = logLik;
  }
  return modes;
}

/** Fills resp (n x modes.length, row-major) with each value's posterior over modes; returns the mean log-likelihood. */
export function posteriors(x: ArrayLike<number>, modes: readonly GaussianMode[], resp: Float64Array): number {
  const k = modes.length;
  const logNorm = modes.map((m) => Math.log(Math.max(m.weight, 1e-300)) - Math.log(m.std) - 0.5 * Math.log(2 * Math.PI));
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    let best = -Infinity;
    for (let j = 0; j < k; j++) {
      const z = (x[i] - modes[j].mean) / modes[j].std;
      const l = logNorm[j] - 0.5 * z * z;
      resp[i * k + j] = l;
      if (l > best) best = l;
    }
    let sum = 0;
    for (let j = 0; j < k; j++) { const e = Math.exp(resp[i * k + j] - best); resp[i * k + j] = e; sum += e; }
    for (let j = 0; j < k; j++) resp[i * k + j] /= sum;
    total += best + Math.log(sum);
  }
  return total / Math.max(1, x.length);
}
