// docs/img/cyclegan-emoji16.png for docs/translation.md ("CycleGAN and DiscoGAN measured"): one row per test emoji
// (every 31st of the 371, so a dozen spread over the categories), google -> twitter: the input, then each run's
// translation as its PNG (cyclegan-runs.sh's folders), then the true twitter image; drawn 4x larger.
//   node --conditions=gantry-source --import tsx examples/translation/reference/cyclegan-figure.ts \
//     --runs reference-s0,gantry-s0,gantry-nocycle-s0,discogan-s0 --out docs/img/cyclegan-emoji16.png
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng, loadEmojiPair, readImageRaster, tileImages } from '@gantry/core/node';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, root: { type: 'string', default: 'runs/cyclegan-compare' }, every: { type: 'string', default: '31' }, out: { type: 'string' } },
});
if (!values.runs || !values.out) throw new Error('usage: cyclegan-figure.ts --runs a,b,... --out FILE.png');
const runs = values.runs.split(',');
const test = loadEmojiPair({ source: 'google', target: 'twitter', size: 16, split: 'test' });
const pixels = 16 * 16 * 3;
const rows = test.names.map((_, i) => i).filter((i) => i % Number(values.every) === 0);
const columns = runs.length + 2;
const data = new Float32Array(rows.length * columns * pixels);
rows.forEach((i, r) => {
  const tile = (c: number) => (r * columns + c) * pixels;
  data.set(test.source.values.subarray(i * pixels, (i + 1) * pixels), tile(0));
  runs.forEach((run, k) => {
    const image = readImageRaster(join(values.root!, run, 'ab', `${test.names[i].replace(/\.[^.]*$/, '')}.png`), 3).raster;
    data.set(image.map((v) => v / 127.5 - 1), tile(k + 1));
  });
  data.set(test.target.values.subarray(i * pixels, (i + 1) * pixels), tile(columns - 1));
});
const png = encodePng(tileImages({ data, shape: [rows.length * columns, 16, 16, 3] }, { columns, scale: 4, padding: 2, range: 'tanh', background: 255 }));
writeFileSync(values.out, png);
console.log(`${values.out}: ${rows.length} rows of input | ${runs.join(' | ')} | truth, ${png.length} bytes`);
