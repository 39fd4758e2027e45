import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../src/random.js';
import { pairNames, rgbaToChannels, samplePairs, subsetPairs, validateDataset } from '../src/data/index.js';
import { loadImageFolder, loadPairedImageFolders } from '../src/data/node.js';
import { noisePixel, overWhite, tempDir, writePng, type Rgba } from './png-fixtures.js';

test('rgbaToChannels: alpha over white or dropped, RGB or luma, against the formula', () => {
  const px: Rgba[] = [[200, 100, 50, 255], [200, 100, 50, 0], [10, 20, 30, 128]];
  const rgba = Uint8Array.from(px.flat());
  const white = rgbaToChannels(rgba, 3, 3, 'white');
  px.forEach((p, i) => overWhite(p).forEach((v, k) => assert.ok(Math.abs(white[3 * i + k] / 127.5 - 1 - v) < 1e-5)));
  assert.deepEqual([...white.subarray(3, 6)], [255, 255, 255]);
  assert.deepEqual([...rgbaToChannels(rgba, 3, 3, 'drop').subarray(3, 6)], [200, 100, 50]);
  const luma = rgbaToChannels(rgba, 3, 1, 'drop');
  assert.ok(Math.abs(luma[0] - (0.299 * 200 + 0.587 * 100 + 0.114 * 50)) < 1e-4);
  assert.throws(() => rgbaToChannels(rgba, 2, 3), /12 bytes for 2 RGBA pixels/);
});

test('pairNames: names on both sides, sorted; strict names a file without partner', () => {
  const o = { sourceWhere: 'A', targetWhere: 'B' };
  assert.deepEqual(pairNames(['c.png', 'a.png', 'b.png'], ['b.png', 'a.png', 'd.png'], { ...o, strict: false }), ['a.png', 'b.png']);
  assert.throws(() => pairNames(['a.png', 'c.png'], ['a.png'], { ...o, strict: true }), /^Error: A\/c\.png: no partner of the same name in B$/);
  assert.throws(() => pairNames(['a.png'], ['a.png', 'x.png'], { ...o, strict: true }), /B\/x\.png: no partner of the same name in A/);
  assert.throws(() => pairNames([], ['1', '2', '3', '4', '5'], { ...o, strict: true }), /B\/1, B\/2, B\/3 \(and 2 more\): no partner/);
});

function folders(): { a: string; b: string } {
  const root = tempDir('pairs');
  return { a: join(root, 'A'), b: join(root, 'B') };
}

test('loadPairedImageFolders: aligned by file name, alpha over white, grayscale files as R = G = B, optional resizing', () => {
  const { a, b } = folders();
  const pixels = new Map<string, (x: number, y: number) => Rgba>();
  ['x.png', 'y.png', 'z.png'].forEach((name, i) => {
    pixels.set(`A/${name}`, noisePixel(i));
    pixels.set(`B/${name}`, noisePixel(10 + i));
    writePng(join(a, name), 4, 4, noisePixel(i));
    writePng(join(b, name), 4, 4, noisePixel(10 + i));
  });
  // a grayscale file among RGBA ones: read as R = G = B
  const gray = (x: number, y: number): Rgba => [x * 60 + y, x * 60 + y, x * 60 + y, 255];
  writePng(join(b, 'y.png'), 4, 4, gray, 0);
  pixels.set('B/y.png', gray);
  writeFileSync(join(a, '.DS_Store'), 'skipped');
  const p = loadPairedImageFolders(a, b);
  assert.deepEqual(p.names, ['x.png', 'y.png', 'z.png']);
  assert.deepEqual(p.source.itemShape, [4, 4, 3]);
  p.names.forEach((name, i) => {
    for (const [side, ds] of [['A', p.source], ['B', p.target]] as const) {
      const pixel = pixels.get(`${side}/${name}`)!;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
        overWhite(pixel(x, y)).forEach((v, k) => assert.ok(Math.abs(ds.values[((i * 4 + y) * 4 + x) * 3 + k] - v) < 1e-5, `${side}/${name} (${x}, ${y})`));
      }
    }
  });
  // resized: the same as area-averaging each side's 4 x 4 values to 2 x 2
  const small = loadPairedImageFolders(a, b, { size: [2, 2], targetChannels: 1 });
  assert.deepEqual([small.source.itemShape, small.target.itemShape], [[2, 2, 3], [2, 2, 1]]);
  const at = (x: number, y: number, k: number) => p.source.values[((4 + y) * 4 + x) * 3 + k]; // y.png
  const mean = (k: number) => (at(2, 0, k) + at(3, 0, k) + at(2, 1, k) + at(3, 1, k)) / 4;
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(small.source.values[12 + 3 + k] - mean(k)) < 1e-5);
  // the sampler keeps pairs together
  const batch = samplePairs(p, createRng(3), 2);
  const sub = subsetPairs(p, [0, 2]);
  assert.deepEqual(sub.names, ['x.png', 'z.png']);
  validateDataset(sub.target);
  const [s, t] = [batch.source.dataSync(), batch.target.dataSync()];
  for (let j = 0; j < 2; j++) {
    const i = [0, 1, 2].find((c) => p.source.values[c * 48] === s[j * 48] && p.source.values[c * 48 + 1] === s[j * 48 + 1])!;
    assert.deepEqual([...t.subarray(j * 48, (j + 1) * 48)], [...p.target.values.subarray(i * 48, (i + 1) * 48)], `pair ${j}`);
  }
  tf.dispose([batch.source, batch.target]);
});

test('loadPairedImageFolders: a file without partner, partners of different sizes, mixed sizes, a subfolder and a corrupt PNG are named', () => {
  const { a, b } = folders();
  writePng(join(a, 'one.png'), 4, 4, noisePixel(1));
  writePng(join(b, 'one.png'), 4, 4, noisePixel(2));
  writePng(join(a, 'two.png'), 4, 4, noisePixel(3));
  assert.throws(() => loadPairedImageFolders(a, b), new RegExp(`^Error: ${join(a, 'two.png')}: no partner of the same name in ${b}$`));
  writePng(join(b, 'two.png'), 4, 2, noisePixel(4));
  assert.throws(() => loadPairedImageFolders(a, b),
    new RegExp(`${join(a, 'two.png')} is 4 x 4 but its partner ${join(b, 'two.png')} is 4 x 2; partners must be the same size`));
  writePng(join(a, 'two.png'), 8, 8, noisePixel(3));
  writePng(join(b, 'two.png'), 8, 8, noisePixel(4));
  assert.throws(() => loadPairedImageFolders(a, b), new RegExp(`${join(a, 'two.png')} is 8 x 8, unlike ${join(a, 'one.png')} \\(4 x 4\\); give a size`));
  assert.deepEqual(loadPairedImageFolders(a, b, { size: [4, 4] }).source.itemShape, [4, 4, 3]);
  mkdirSync(join(b, 'more'));
  assert.throws(() => loadPairedImageFolders(a, b, { size: [4, 4] }), new RegExp(`${join(b, 'more')}: a folder among paired images`));
  const { a: a2, b: b2 } = folders();
  writePng(join(a2, 'p.png'), 4, 4, noisePixel(1));
  writeFileSync(join(b2, 'p.png'), writePng(join(b2, 'p.png'), 4, 4, noisePixel(1)).subarray(0, 50));
  assert.throws(() => loadPairedImageFolders(a2, b2), new RegExp(`${join(b2, 'p.png')}: corrupt PNG`));
  assert.throws(() => loadPairedImageFolders(a2, join(b2, 'none')), /cannot read image folder .*none/);
});

test('loadImageFolder: alpha is composited over white by default, dropped when asked', () => {
  const root = tempDir('alpha');
  writePng(join(root, 'clear.png'), 1, 1, () => [0, 0, 0, 0]);
  assert.deepEqual([...loadImageFolder(root, { size: [1, 1] }).values], [1, 1, 1]);
  assert.deepEqual([...loadImageFolder(root, { size: [1, 1], alpha: 'drop' }).values], [-1, -1, -1]);
});
