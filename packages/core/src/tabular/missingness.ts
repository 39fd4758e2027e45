// Missing-data protocols for evaluating imputers: remove entries completely at random, then score the
// imputation on exactly the removed entries in min-max normalised units (GAIN's RMSE).
import type { Rng } from '../random.js';
import { checkMatrix, type NumericMatrix } from './matrix.js';
import { fitMinMax } from './scaling.js';

export interface Amputation {
  /** The input with the removed entries set to NaN. */
  data: NumericMatrix;
  /** 1 where an entry was removed by this call. */
  removed: Uint8Array;
}

/** MCAR: each observed entry is removed independently with probability rate. */
export function removeCompletelyAtRandom(m: NumericMatrix, rate: number, rng: Rng): Amputation {
  checkMatrix(m, 'removeCompletelyAtRandom');
  if (!(rate >= 0 && rate < 1)) throw new Error(`removeCompletelyAtRandom: rate must lie in [0, 1), got ${rate}`);
  const values = Float64Array.from(m.values);
  const removed = new Uint8Array(values.length);
  for (let k = 0; k < values.length; k++) {
    if (rng.next() < rate && !Number.isNaN(values[k])) {
      values[k] = NaN;
      removed[k] = 1;
    }
  }
  return { data: { ...m, values }, removed };
}

/**
 * sqrt(mean over removed entries of (truth - imputed)^2), both scaled by the per-column min-max of the
 * complete truth (as the GAIN paper reports it).
 */
export function imputationRmse(truth: NumericMatrix, imputed: NumericMatrix, removed: Uint8Array): number {
  checkMatrix(truth, 'imputationRmse truth');
  checkMatrix(imputed, 'imputationRmse imputed');
  if (truth.rows !== imputed.rows || truth.cols !== imputed.cols || removed.length !== truth.values.length) {
    throw new Error(`imputationRmse: truth ${truth.rows}x${truth.cols}, imputed ${imputed.rows}x${imputed.cols}, mask ${removed.length} entries`);
  }
  const s = fitMinMax(truth);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < removed.length; k++) {
    if (!removed[k]) continue;
    const j = k % truth.cols;
    const scale = s.range[j] + 1e-6;
    const d = (truth.values[k] - imputed.values[k]) / scale;
    if (!Number.isFinite(d)) throw new Error(`imputationRmse: entry ${k} (row ${Math.floor(k / truth.cols)}, column ${j}) is not finite in the imputed data`);
    sum += d * d;
    count++;
  }
  if (count === 0) throw new Error('imputationRmse: no removed entries to score');
  return Math.sqrt(sum / count);
}
