// Small smooth colour images in [-1, 1] for the studio's tests of runs trained here (StyleGAN, ProGAN);
// with `classes`, image i has class i mod classes and the classes have names.
import { createRng, type ArrayDataset } from '@gantry/core/node';

export function tinyImages(n: number, side: number, classes?: readonly string[]): ArrayDataset {
  const rng = createRng(5);
  const values = Float32Array.from({ length: n * side * side * 3 }, (_, i) => Math.tanh(Math.sin(i / 7) + 0.3 * (rng.next() - 0.5)));
  const labelled = classes && { labels: Int32Array.from({ length: n }, (_, i) => i % classes.length), numClasses: classes.length, classNames: [...classes] };
  return { name: 'tiny', itemShape: [side, side, 3], count: n, values, ...labelled };
}
