// Writes the emoji translation data as the PNG folders that the authors' pytorch-CycleGAN-and-pix2pix
// code reads, from gantry's own loader (alpha compositing, area averaging, the fixed test split and
// CycleGAN's unpaired halves), so that the reference runs on exactly the images gantry trains on.
//   node --conditions=gantry-source --import tsx examples/translation/reference/export-emoji-folders.ts \
//     --size 16 --out runs/reference-data/emoji16
// writes OUT/aligned/{train,test}/<name>.png (google | twitter side by side: the authors' `aligned`
// dataset) and OUT/unaligned/{trainA,trainB,testA,testB}/<name>.png (trainA: google images of the even
// families of the training split, trainB: twitter images of the odd families, as `unpairedHalves`;
// testA/testB: the whole test split in each style, partners under the same name).
// PNGs hold 8 bits: a value in [-1, 1] is rounded to the nearest of 256 levels (at most 1/255 off the
// float gantry trains on).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng, loadEmojiPair, tileImages, unpairedHalves, type ArrayDataset } from '@gantry/core/node';

const { values } = parseArgs({ options: { size: { type: 'string', default: '16' }, out: { type: 'string' } } });
const size = Number(values.size);
if (![16, 32, 64].includes(size)) throw new Error(`--size must be 16, 32 or 64, got ${values.size}`);
if (!values.out) throw new Error('usage: export-emoji-folders.ts --size 16|32|64 --out DIR');
const out = values.out;
const pixels = size * size * 3;

function image(ds: ArrayDataset, i: number): Float32Array {
  return ds.values.subarray(i * pixels, (i + 1) * pixels);
}

function writeImages(dir: string, names: readonly string[], rows: (i: number) => Float32Array[]): void {
  mkdirSync(dir, { recursive: true });
  names.forEach((name, i) => {
    const parts = rows(i);
    const data = new Float32Array(parts.length * pixels);
    parts.forEach((p, k) => data.set(p, k * pixels));
    const raster = tileImages({ data, shape: [parts.length, size, size, 3] }, { columns: parts.length, padding: 0, range: 'tanh' });
    writeFileSync(join(dir, name.replace(/\.[^.]*$/, '') + '.png'), encodePng(raster));
  });
  console.log(`${dir}: ${names.length} images`);
}

for (const split of ['train', 'test'] as const) {
  const pairs = loadEmojiPair({ source: 'google', target: 'twitter', size: size as 16 | 32 | 64, split });
  writeImages(join(out, 'aligned', split), pairs.names, (i) => [image(pairs.source, i), image(pairs.target, i)]);
  if (split === 'train') {
    const halves = unpairedHalves(pairs);
    writeImages(join(out, 'unaligned', 'trainA'), halves.aNames, (i) => [image(halves.a, i)]);
    writeImages(join(out, 'unaligned', 'trainB'), halves.bNames, (i) => [image(halves.b, i)]);
  } else {
    writeImages(join(out, 'unaligned', 'testA'), pairs.names, (i) => [image(pairs.source, i)]);
    writeImages(join(out, 'unaligned', 'testB'), pairs.names, (i) => [image(pairs.target, i)]);
  }
}
