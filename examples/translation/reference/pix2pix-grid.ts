// docs/img/pix2pix-emoji16.png: rows of test emoji, columns input (google) | gantry L1 only | gantry adversarial
// only | gantry L1 + adversarial | the authors' code (L1 + adversarial) | truth (twitter), from the PNGs that
// pix2pix-runs.sh wrote and scored (one seed), every tile scaled 4x.
//   node --conditions=gantry-source --import tsx examples/translation/reference/pix2pix-grid.ts \
//     --runs runs/pix2pix-measured --seed 0 --rows 10 --out docs/img/pix2pix-emoji16.png
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng, loadEmojiPair, readImageRaster, tileImages } from '@gantry/core/node';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: 'runs/pix2pix-measured' }, seed: { type: 'string', default: '0' }, rows: { type: 'string', default: '10' }, out: { type: 'string' } },
});
if (!values.out) throw new Error('usage: pix2pix-grid.ts --out FILE [--runs DIR] [--seed S] [--rows N]');
const size = 16;
const pixels = size * size * 3;
const pairs = loadEmojiPair({ source: 'google', target: 'twitter', size, split: 'test' });
const rows = Number(values.rows);
// spread over the catalogue (sorted by category), not its first page of smileys
const picks = Array.from({ length: rows }, (_, r) => Math.floor((r + 0.5) * pairs.names.length / rows));
const s = values.seed;
const columns = [`l1-s${s}-test`, `adversarial-s${s}-test`, `l1-adversarial-s${s}-test`, `reference-s${s}/test`];
const data = new Float32Array(rows * (columns.length + 2) * pixels);
let tile = 0;
const put = (image: Float32Array) => data.set(image, (tile++) * pixels);
for (const i of picks) {
  const name = pairs.names[i].replace(/\.[^.]*$/, '');
  put(pairs.source.values.subarray(i * pixels, (i + 1) * pixels));
  for (const dir of columns) put(readImageRaster(join(values.runs, dir, `${name}.png`), 3).raster.map((v) => v / 127.5 - 1));
  put(pairs.target.values.subarray(i * pixels, (i + 1) * pixels));
}
const raster = tileImages({ data, shape: [rows * (columns.length + 2), size, size, 3] }, { columns: columns.length + 2, padding: 2, scale: 4, range: 'tanh' });
writeFileSync(values.out, encodePng(raster));
console.log(`${values.out}: ${rows} test emoji x (input, ${columns.join(', ')}, truth), ${raster.width} x ${raster.height}`);
