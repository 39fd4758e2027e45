// Mode-collapse metrics on 2D Gaussian mixtures, defined as in VEEGAN (Srivastava et al. 2017, sec. 5.1)
// and PacGAN (Lin et al. 2018, sec. 5), whose evaluation code assigns each sample to its nearest mode:
// - a sample is high quality when it lies within `stdMultiple` (3) standard deviations of its nearest mode;
// - a mode is covered when at least `minCount` (1, as in both papers' code) high-quality samples are nearest to it;
// - KL is KL(p || uniform) of the histogram p of high-quality samples over modes (PacGAN's "reverse KL").
// Both papers evaluate 2500 generated samples per trained model.
import type * as tf from '@tensorflow/tfjs-core';
import type { GaussianMixture2D } from './sources.js';

export interface ModeMetrics {
  /** Number of modes with at least minCount high-quality samples. */
  modesCovered: number;
  modes: number;
  /** Fraction (0..1) of samples within stdMultiple std of their nearest mode. */
  highQualityFraction: number;
  /** KL(histogram of high-quality samples over modes || uniform), in nats; log(modes) when none is high quality. */
  klToUniform: number;
  /** High-quality samples per mode. */
  counts: number[];
  samples: number;
}

export interface ModeMetricOptions { stdMultiple?: number; minCount?: number }

/** Samples as [N, 2]: a tensor, flat [x0, y0, x1, y1, ...] values, or [[x, y], ...]. */
export type Points2D = tf.Tensor | ArrayLike<number> | ReadonlyArray<readonly number[]>;

function flatten(points: Points2D): ArrayLike<number> {
  if (typeof (points as tf.Tensor).dataSync === 'function') {
    const t = points as tf.Tensor;
    if (t.rank !== 2 || t.shape[1] !== 2) throw new Error(`mode metrics need samples of shape [N, 2], got [${t.shape.join(', ')}]`);
    return t.dataSync();
  }
  const arr = points as ArrayLike<unknown>;
  if (arr.length > 0 && Array.isArray(arr[0])) {
    const rows = points as ReadonlyArray<readonly number[]>;
    const flat = new Float64Array(rows.length * 2);
    rows.forEach((r, i) => {
      if (r.length !== 2) throw new Error(`mode metrics: sample ${i} has ${r.length} coordinates, expected 2`);
      flat[2 * i] = r[0]; flat[2 * i + 1] = r[1];
    });
    return flat;
  }
  if (arr.length % 2 !== 0) throw new Error(`mode metrics: flat samples need an even length, got ${arr.length}`);
  return points as ArrayLike<number>;
}

export function modeMetrics(samples: Points2D, mixture: Pick<GaussianMixture2D, 'means' | 'std'>, o: ModeMetricOptions = {}): ModeMetrics {
  const stdMultiple = o.stdMultiple ?? 3;
  const minCount = o.minCount ?? 1;
  const flat = flatten(samples);
  const n = flat.length / 2;
  if (n === 0) throw new Error('mode metrics need at least one sample');
  const k = mixture.means.length;
  const counts = new Array<number>(k).fill(0);
  const limit = stdMultiple * mixture.std;
  let highQuality = 0;
  for (let i = 0; i < n; i++) {
    const x = flat[2 * i], y = flat[2 * i + 1];
    let best = Infinity, bestMode = -1;
    for (let m = 0; m < k; m++) {
      const dx = x - mixture.means[m][0], dy = y - mixture.means[m][1];
      const d = dx * dx + dy * dy;
      if (d < best) { best = d; bestMode = m; }
    }
    if (Math.sqrt(best) < limit) { counts[bestMode]++; highQuality++; }
  }
  let kl = Math.log(k);
  if (highQuality > 0) {
    kl = 0;
    for (const c of counts) if (c > 0) { const p = c / highQuality; kl += p * Math.log(p * k); }
  }
  return {
    modesCovered: counts.filter((c) => c >= minCount).length,
    modes: k,
    highQualityFraction: highQuality / n,
    klToUniform: kl,
    counts,
    samples: n,
  };
}
