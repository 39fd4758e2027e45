// Paired image datasets for image-to-image translation (pix2pix: an input and its target per example;
// the emoji styles; DIR_A/DIR_B folders): two aligned datasets, matched by file name. Browser-safe.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';
import { sampleIndices, subsetDataset, validateDataset, type ArrayDataset } from './dataset.js';

/** Example i of `source` and example i of `target` are one pair, both named `names[i]`. */
export interface PairedDataset {
  name: string;
  source: ArrayDataset;
  target: ArrayDataset;
  names: string[];
}

export interface PairNamesOptions {
  /** where each side's names come from, for the error messages (a folder, 'emoji:google', ...) */
  sourceWhere: string;
  targetWhere: string;
  /** true: a name on one side only is an error naming it; false: such names are left out */
  strict: boolean;
}

/** The names present on both sides, sorted (code-unit order, so the same on every machine). */
export function pairNames(source: readonly string[], target: readonly string[], o: PairNamesOptions): string[] {
  const inTarget = new Set(target);
  const inSource = new Set(source);
  if (o.strict) {
    const lonely = (names: readonly string[], other: Set<string>, where: string, otherWhere: string) => {
      const missing = names.filter((n) => !other.has(n));
      if (missing.length === 0) return;
      const more = missing.length > 3 ? ` (and ${missing.length - 3} more)` : '';
      throw new Error(`${missing.slice(0, 3).map((n) => `${where}/${n}`).join(', ')}${more}: no partner of the same name in ${otherWhere}`);
    };
    lonely(source, inTarget, o.sourceWhere, o.targetWhere);
    lonely(target, inSource, o.targetWhere, o.sourceWhere);
  }
  const both = source.filter((n) => inTarget.has(n));
  if (new Set(both).size !== both.length) throw new Error(`${o.sourceWhere}: a name appears twice`);
  return both.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks that both sides and the names agree on the count; returns the pairs for chaining. */
export function validatePairs(p: PairedDataset): PairedDataset {
  validateDataset(p.source);
  validateDataset(p.target);
  if (p.source.count !== p.target.count || p.names.length !== p.source.count) {
    throw new Error(`paired dataset ${p.name}: ${p.source.count} sources, ${p.target.count} targets and ${p.names.length} names`);
  }
  return p;
}

/** The pairs at the given indices, in that order. */
export function subsetPairs(p: PairedDataset, indices: ArrayLike<number>, name = p.name): PairedDataset {
  return {
    name,
    source: subsetDataset(p.source, indices, `${name}/source`),
    target: subsetDataset(p.target, indices, `${name}/target`),
    names: Array.from(indices, (i) => p.names[i]),
  };
}

/**
 * A batch of n pairs drawn like arrayDataSource draws (distinct within the batch, decided by the rng
 * alone, so training replays and resumes exactly). Labels are the source's, when it has them.
 */
export function samplePairs(p: PairedDataset, rng: Rng, n: number): { source: tf.Tensor; target: tf.Tensor; labels?: tf.Tensor1D } {
  if (p.source.count === 0) throw new Error(`paired dataset ${p.name} is empty`);
  const indices = sampleIndices(rng, p.source.count, Math.min(n, p.source.count));
  const sub = subsetPairs(p, indices);
  return {
    source: tf.tensor(sub.source.values, [indices.length, ...p.source.itemShape], 'float32'),
    target: tf.tensor(sub.target.values, [indices.length, ...p.target.itemShape], 'float32'),
    ...(sub.source.labels ? { labels: tf.tensor1d(sub.source.labels, 'int32') } : {}),
  };
}
