// One call that reports a model's sample quality beside the real-data floor: the same metrics computed
// between two real samples (e.g. train-set vs test-set features), so a figure is never read alone.
import { createRng } from '../random.js';
import { featureRows, toFeatures, type FeatureInput, type FeatureMatrix } from './features.js';
import { frechetDistance } from './frechet.js';
import { kernelInceptionDistance } from './kid.js';
import { densityCoverage, precisionRecall } from './manifold.js';
import { inceptionScore, softmaxRows } from './inception-score.js';

export interface SampleMetrics {
  count: number;
  fid: number;
  kid: { mean: number; std: number };
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  /** classifier-based inception score, when logits were given */
  inceptionScore?: { mean: number; std: number };
}

export interface EvaluationOptions {
  /** which metrics to compute (default all) */
  metrics?: Array<'fid' | 'kid' | 'prdc'>;
  kidSubsets?: number;
  kidSubsetSize?: number;
  seed?: number;
  isSplits?: number;
  /** a floor computed earlier for the same real/reference sets and count (skips recomputing it) */
  floor?: SampleMetrics;
}

export interface Evaluation {
  /** generated vs real */
  model: SampleMetrics;
  /** reference (another real sample, same count as generated) vs real */
  floor: SampleMetrics;
}

function metricsBetween(sample: FeatureMatrix, real: FeatureMatrix, logits: FeatureInput | undefined, o: EvaluationOptions): SampleMetrics {
  const want = new Set(o.metrics ?? ['fid', 'kid', 'prdc']);
  const out: SampleMetrics = { count: sample.rows, fid: NaN, kid: { mean: NaN, std: NaN }, precision: NaN, recall: NaN, density: NaN, coverage: NaN };
  if (want.has('fid')) out.fid = frechetDistance(sample, real);
  if (want.has('kid')) {
    const kid = kernelInceptionDistance(sample, real, { subsets: o.kidSubsets ?? 50, subsetSize: o.kidSubsetSize, seed: o.seed ?? 0 });
    out.kid = { mean: kid.mean, std: kid.std };
  }
  if (want.has('prdc')) {
    Object.assign(out, precisionRecall(real, sample, 3), densityCoverage(real, sample, 5));
  }
  if (logits !== undefined) {
    const is = inceptionScore(softmaxRows(logits), o.isSplits ?? 10);
    out.inceptionScore = { mean: is.mean, std: is.std };
  }
  return out;
}

/**
 * generated: features of model samples; real: features of held-out real data (the test set);
 * reference: features of other real data (the train set), subsampled (seeded) to the generated count
 * for the floor, because FID and KID depend on sample size. Logits, when given, add the inception score.
 */
export function evaluateSamples(
  input: { generated: FeatureInput; real: FeatureInput; reference: FeatureInput; generatedLogits?: FeatureInput; referenceLogits?: FeatureInput },
  options: EvaluationOptions = {},
): Evaluation {
  const generated = toFeatures(input.generated, 'generated');
  const real = toFeatures(input.real, 'real');
  let reference = toFeatures(input.reference, 'reference');
  let referenceLogits = input.referenceLogits === undefined ? undefined : toFeatures(input.referenceLogits, 'referenceLogits');
  if (reference.rows > generated.rows) {
    const rng = createRng((options.seed ?? 0) + 1);
    const order = Int32Array.from({ length: reference.rows }, (_, i) => i);
    for (let i = 0; i < generated.rows; i++) {
      const j = i + rng.int(reference.rows - i);
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const pick = order.slice(0, generated.rows);
    reference = featureRows(reference, pick);
    if (referenceLogits) referenceLogits = featureRows(referenceLogits, pick);
  }
  if (options.floor && options.floor.count !== generated.rows) {
    throw new Error(`evaluateSamples: the given floor was computed for ${options.floor.count} samples, not ${generated.rows}`);
  }
  return {
    model: metricsBetween(generated, real, input.generatedLogits, options),
    floor: options.floor ?? metricsBetween(reference, real, referenceLogits, options),
  };
}

function fmt(v: number, digits = 4): string {
  return Number.isNaN(v) ? '-' : v.toFixed(digits);
}

/** A plain-text table: metric | model | real-data floor. */
export function formatEvaluation(e: Evaluation, labels: { model?: string; floor?: string } = {}): string {
  const rows: Array<[string, string, string]> = [
    ['samples', String(e.model.count), String(e.floor.count)],
    ['FD (lower is better)', fmt(e.model.fid), fmt(e.floor.fid)],
    ['KID x1000', `${fmt(e.model.kid.mean * 1000, 3)} ± ${fmt(e.model.kid.std * 1000, 3)}`, `${fmt(e.floor.kid.mean * 1000, 3)} ± ${fmt(e.floor.kid.std * 1000, 3)}`],
    ['precision (k=3)', fmt(e.model.precision), fmt(e.floor.precision)],
    ['recall (k=3)', fmt(e.model.recall), fmt(e.floor.recall)],
    ['density (k=5)', fmt(e.model.density), fmt(e.floor.density)],
    ['coverage (k=5)', fmt(e.model.coverage), fmt(e.floor.coverage)],
  ];
  if (e.model.inceptionScore || e.floor.inceptionScore) {
    const is = (m: SampleMetrics) => (m.inceptionScore ? `${fmt(m.inceptionScore.mean, 3)} ± ${fmt(m.inceptionScore.std, 3)}` : '-');
    rows.push(['classifier IS', is(e.model), is(e.floor)]);
  }
  const head: [string, string, string] = ['metric', labels.model ?? 'model', labels.floor ?? 'real-data floor'];
  const all = [head, ...rows];
  const widths = [0, 1, 2].map((c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: [string, string, string]) => `| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
