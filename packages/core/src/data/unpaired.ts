// Unpaired image data for CycleGAN and DiscoGAN: images of domain A and images of domain B, with no
// correspondence between them. To train on paired data (the emoji styles) as if it were unpaired, and
// still score against the true pairs, unpairedHalves takes domain A and domain B from disjoint halves,
// so that no pair, and no skin-tone sibling of a pair, is ever seen. Browser-safe.
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';
import { arrayDataSource, subsetDataset, validateDataset, type ArrayDataset } from './dataset.js';
import { validatePairs, type PairedDataset } from './paired.js';

/** Images of two domains; example i of `a` has nothing to do with example i of `b`. */
export interface UnpairedImages {
  name: string;
  a: ArrayDataset;
  b: ArrayDataset;
}

// The five Fitzpatrick skin-tone modifiers, U+1F3FB..U+1F3FF, as they appear in emoji file names.
const SKIN_TONE = /-1f3f[b-f]/g;

/**
 * The family an image belongs to: its file name without the extension and without skin-tone modifiers,
 * so that '1f44b-1f3fd.png' and '1f44b.png' are one family. Any other name is a family of its own.
 */
export function imageFamily(name: string): string {
  return name.replace(/\.[^.]*$/, '').toLowerCase().replace(SKIN_TONE, '');
}

/**
 * Domain A = the sources of the families at even positions, domain B = the targets of those at odd
 * positions, families numbered in their order of first appearance in `pairs` (for emoji: catalogue
 * order, so both halves sample every category alike). No image of A has its partner, or the partner of
 * any image of its family, in B. Deterministic: no seed.
 */
export function unpairedHalves(pairs: PairedDataset): UnpairedImages & { aNames: string[]; bNames: string[] } {
  validatePairs(pairs);
  const position = new Map<string, number>();
  const half = pairs.names.map((name) => {
    const family = imageFamily(name);
    if (!position.has(family)) position.set(family, position.size);
    return position.get(family)! % 2;
  });
  const indices = (h: number) => half.flatMap((x, i) => (x === h ? [i] : []));
  const [inA, inB] = [indices(0), indices(1)];
  if (inA.length === 0 || inB.length === 0) throw new Error(`unpairedHalves: ${pairs.name} has ${position.size} image famil${position.size === 1 ? 'y' : 'ies'}; two halves need at least 2`);
  return {
    name: `${pairs.name} (unpaired halves)`,
    a: subsetDataset(pairs.source, inA, `${pairs.source.name} (even families)`),
    b: subsetDataset(pairs.target, inB, `${pairs.target.name} (odd families)`),
    aNames: inA.map((i) => pairs.names[i]),
    bNames: inB.map((i) => pairs.names[i]),
  };
}

export function validateUnpaired(images: UnpairedImages): UnpairedImages {
  validateDataset(images.a);
  validateDataset(images.b);
  if (images.a.count === 0 || images.b.count === 0) throw new Error(`unpaired images ${images.name}: domain A has ${images.a.count} images, B ${images.b.count}`);
  return images;
}

/** A batch of n images of each domain, drawn independently (A first) from the rng alone, so runs resume exactly. */
export function sampleUnpaired(images: UnpairedImages, rng: Rng, n: number): { a: tf.Tensor; b: tf.Tensor } {
  const draw = (domain: UnpairedImages['a']) => {
    const batch = arrayDataSource(domain).sampleBatch(rng, n);
    batch.labels?.dispose();   // class labels (emoji have them) come along with the images; unpaired training has no use for them
    return batch.x;
  };
  const a = draw(images.a);
  return { a, b: draw(images.b) };
}
