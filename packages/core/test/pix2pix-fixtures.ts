// Tiny pix2pix runs for the tests: 16 x 16 pairs, 2-filter nets, a few steps: seconds on cpu (at 64 px,
// where the U-Net gets its dropout layer, the cpu backend here needs minutes).
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '../src/random.js';
import type { PairedDataset } from '../src/data/paired.js';
import type { Pix2pixOptions } from '../src/gans/pix2pix/index.js';

export const SIDE = 16;

/** n pairs: random blobs as the source, the source's colour negative mirrored left-right as the target. */
export function tinyPairs(n = 6, seed = 3, side = SIDE): PairedDataset {
  const rng = createRng(seed);
  const size = side * side * 3;
  const source = new Float32Array(n * size);
  const target = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        for (let c = 0; c < 3; c++) {
          const v = Math.tanh(Math.sin((x + 3 * i) / (4 + c)) + Math.cos(y / (3 + i)) + 0.2 * (rng.next() - 0.5));
          source[i * size + (y * side + x) * 3 + c] = v;
          target[i * size + (y * side + (side - 1 - x)) * 3 + c] = -v;
        }
      }
    }
  }
  const ds = (name: string, values: Float32Array) => ({ name, itemShape: [side, side, 3], count: n, values });
  return { name: 'tiny', source: ds('tiny/source', source), target: ds('tiny/target', target), names: Array.from({ length: n }, (_, i) => `${i}.png`) };
}

export const tinyOptions: Pix2pixOptions = {
  seed: 5, steps: 6, batchSize: 2, generatorFilters: 2, discriminatorFilters: 2, discriminatorLayers: 2, learningRate: 1e-3,
};

export async function weightValues(model: tfl.LayersModel | undefined): Promise<number[][]> {
  if (!model) return [];
  return Promise.all(model.weights.map(async (w) => Array.from(await w.read().data())));
}
