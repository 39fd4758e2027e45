// Which training rows keep their labels in a semi-supervised run: the same number of every class, drawn by
// a seed, so that "100 labels, draw 3" names one fixed set that every method (GAN, supervised-only,
// pseudo-labelling) trains on.
import { createRng, permutation } from '../../random.js';

/**
 * Indices of `count` rows, count / numClasses of each class, uniformly among that class's rows; the result
 * depends only on the labels and the seed. Sorted ascending.
 */
export function balancedLabelDraw(labels: ArrayLike<number>, count: number, seed: number, numClasses?: number): Int32Array {
  let classes = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i] + 1);
  if (!Number.isInteger(count) || count < classes || count % classes !== 0) {
    throw new Error(`balancedLabelDraw: ${count} labels do not split evenly over ${classes} classes (give a positive multiple of ${classes})`);
  }
  const perClass = count / classes;
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new Error(`balancedLabelDraw: row ${i} has label ${c}, outside [0, ${classes})`);
    members[c].push(i);
  }
  const rng = createRng(seed);
  const chosen: number[] = [];
  members.forEach((rows, c) => {
    if (rows.length < perClass) throw new Error(`balancedLabelDraw: class ${c} has ${rows.length} rows, fewer than the ${perClass} asked for`);
    const order = permutation(rng, rows.length);
    for (let k = 0; k < perClass; k++) chosen.push(rows[order[k]]);
  });
  return Int32Array.from(chosen.sort((a, b) => a - b));
}
