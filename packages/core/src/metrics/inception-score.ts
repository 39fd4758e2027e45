// Inception score with any classifier (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y))), computed on
// contiguous splits of the samples, mean and population std over splits (as the original code).
import { toFeatures, type FeatureInput } from './features.js';

/** Row-wise softmax of logits, in float64. */
export function softmaxRows(logits: FeatureInput): { rows: number; cols: number; data: Float64Array } {
  const m = toFeatures(logits, 'logits');
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < m.cols; j++) max = Math.max(max, m.data[i * m.cols + j]);
    let s = 0;
    for (let j = 0; j < m.cols; j++) { const e = Math.exp(m.data[i * m.cols + j] - max); out[i * m.cols + j] = e; s += e; }
    for (let j = 0; j < m.cols; j++) out[i * m.cols + j] /= s;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

/** probabilities: [samples, classes], each row summing to 1 (use softmaxRows on logits). */
export function inceptionScore(probabilities: FeatureInput, splits = 10): { mean: number; std: number; values: number[] } {
  const p = toFeatures(probabilities, 'inceptionScore probabilities');
  if (!Number.isInteger(splits) || splits < 1 || splits > p.rows) throw new Error(`inceptionScore: splits must be in [1, ${p.rows}], got ${splits}`);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let j = 0; j < p.cols; j++) {
      const v = p.data[i * p.cols + j];
      if (!(v >= 0)) throw new Error(`inceptionScore: row ${i} holds ${v}, expected probabilities >= 0`);
      s += v;
    }
    if (Math.abs(s - 1) > 1e-4) throw new Error(`inceptionScore: row ${i} sums to ${s}, expected 1 (pass softmax probabilities, not logits)`);
  }
  const values: number[] = [];
  for (let k = 0; k < splits; k++) {
    const from = Math.floor((k * p.rows) / splits);
    const to = Math.floor(((k + 1) * p.rows) / splits);
    const marginal = new Float64Array(p.cols);
    for (let i = from; i < to; i++) for (let j = 0; j < p.cols; j++) marginal[j] += p.data[i * p.cols + j] / (to - from);
    let kl = 0;
    for (let i = from; i < to; i++) {
      for (let j = 0; j < p.cols; j++) {
        const v = p.data[i * p.cols + j];
        if (v > 0) kl += v * (Math.log(v) - Math.log(marginal[j]));
      }
    }
    values.push(Math.exp(kl / (to - from)));
  }
  const mean = values.reduce((s, v) => s + v, 0) / splits;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / splits);
  return { mean, std, values };
}
