import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { padImages, resizeImage } from '../src/data/index.js';
import { loadImageFolder } from '../src/data/node.js';

function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 255);
}

test('images: bilinear and area resizing agree with torch.nn.functional.interpolate', () => {
  const [h, w, c] = [7, 10, 2];
  const src = pseudoRandom(h * w * c, 5);
  // torch 'area' is adaptive average pooling, which equals fractional-area averaging only for integer
  // factors; for the others the reference repeats every pixel lcm/size times and takes block means.
  const cases: Array<[number, number, 'bilinear' | 'area' | 'area-lcm']> = [
    [7, 5, 'area'], [4, 5, 'area-lcm'], [3, 4, 'area-lcm'], [5, 13, 'bilinear'], [3, 4, 'bilinear'],
  ];
  const py = execFileSync('/usr/bin/python3', ['-c', `
import json, math, sys, numpy as np, torch
import torch.nn.functional as F
d = json.loads(sys.stdin.read())
img = np.array(d['src'], dtype=np.float64).reshape(d['h'], d['w'], d['c'])
x = torch.tensor(img).permute(2, 0, 1)[None]
out = []
for oh, ow, m in d['cases']:
    if m == 'area-lcm':
        ly, lx = math.lcm(d['h'], oh), math.lcm(d['w'], ow)
        big = img.repeat(ly // d['h'], axis=0).repeat(lx // d['w'], axis=1)
        y = big.reshape(oh, ly // oh, ow, lx // ow, d['c']).mean(axis=(1, 3))
        out.append(y.reshape(-1).tolist())
        continue
    y = F.interpolate(x, size=(oh, ow), mode='area') if m == 'area' else F.interpolate(x, size=(oh, ow), mode='bilinear', align_corners=False)
    out.append(y[0].permute(1, 2, 0).reshape(-1).tolist())
print(json.dumps(out))
`], { input: JSON.stringify({ src: [...src], h, w, c, cases }), encoding: 'utf8' });
  const ref = JSON.parse(py) as number[][];
  cases.forEach(([oh, ow, m], k) => {
    const got = resizeImage(src, h, w, c, oh, ow, m === 'bilinear' ? 'bilinear' : 'area');
    assert.equal(got.length, ref[k].length);
    ref[k].forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-3, `${m} ${oh}x${ow} [${i}]: ${got[i]} vs ${v}`));
  });
  // Exact case for area: integer factors are block means.
  const block = resizeImage(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 2, 4, 1, 1, 2, 'area');
  assert.deepEqual([...block], [(1 + 2 + 5 + 6) / 4, (3 + 4 + 7 + 8) / 4]);
});

test('images: a folder of PNG and JPEG class subfolders loads resized to [-1, 1]; other files fail by name', () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-img-'));
  mkdirSync(join(root, 'cats'));
  mkdirSync(join(root, 'dogs'));
  const png = new PNG({ width: 4, height: 4 });
  for (let i = 0; i < 16; i++) png.data.set([255, 255, 255, 255], 4 * i);
  writeFileSync(join(root, 'cats', 'white.png'), PNG.sync.write(png));
  const black = Buffer.alloc(8 * 6 * 4);
  for (let i = 0; i < 48; i++) black[4 * i + 3] = 255;
  writeFileSync(join(root, 'dogs', 'black.jpg'), jpeg.encode({ data: black, width: 8, height: 6 }, 95).data);
  writeFileSync(join(root, 'dogs', '.DS_Store'), 'ignored');
  const ds = loadImageFolder(root, { size: [2, 2], channels: 3 });
  assert.deepEqual(ds.classNames, ['cats', 'dogs']);
  assert.deepEqual([...ds.labels!], [0, 1]);
  assert.deepEqual(ds.itemShape, [2, 2, 3]);
  for (let k = 0; k < 12; k++) assert.ok(Math.abs(ds.values[k] - 1) < 1e-6);
  for (let k = 12; k < 24; k++) assert.ok(ds.values[k] < -0.97, `jpeg black ${ds.values[k]}`);
  const gray = loadImageFolder(root, { size: [3, 3], channels: 1, resize: 'bilinear' });
  assert.deepEqual(gray.itemShape, [3, 3, 1]);

  writeFileSync(join(root, 'dogs', 'notes.txt'), 'hello');
  assert.throws(() => loadImageFolder(root, { size: [2, 2] }), new RegExp(`${join(root, 'dogs', 'notes.txt')}: not a PNG or JPEG image \\(byte 0: 68 65 6c 6c`));
  const broken = mkdtempSync(join(tmpdir(), 'gantry-img-'));
  writeFileSync(join(broken, 'half.png'), PNG.sync.write(png).subarray(0, 40));
  assert.throws(() => loadImageFolder(broken, { size: [2, 2] }), new RegExp(`${join(broken, 'half.png')}: corrupt PNG`));
});

test('images: padImages centres each image in side x side with the fill, and repeats gray into RGB; labels kept', () => {
  // two 2 x 3 gray images, padded to 5 x 5: rows 1-2, columns 1-3 (the odd extra row and column at the bottom and right)
  const ds = { name: 'tiny', itemShape: [2, 3, 1], count: 2, values: Float32Array.from({ length: 12 }, (_, i) => i / 10), labels: Int32Array.from([1, 0]), numClasses: 2 };
  const padded = padImages(ds, 5, { rgb: true });
  assert.deepEqual([padded.itemShape, padded.count, Array.from(padded.labels!), padded.numClasses], [[5, 5, 3], 2, [1, 0], 2]);
  const at = (n: number, y: number, x: number, k: number) => padded.values[((n * 5 + y) * 5 + x) * 3 + k];
  for (let n = 0; n < 2; n++) {
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        const inside = y >= 1 && y <= 2 && x >= 1 && x <= 3;
        const want = inside ? ds.values[(n * 2 + y - 1) * 3 + x - 1] : -1;
        for (let k = 0; k < 3; k++) assert.equal(at(n, y, x, k), want, `image ${n} (${y}, ${x}) channel ${k}`);
      }
    }
  }
  const kept = padImages({ ...ds, itemShape: [2, 3, 1] }, 4, { fill: 0.5 });
  assert.deepEqual(kept.itemShape, [4, 4, 1]);
  assert.equal(kept.values[0], 0.5);
  // 4 x 4 from 2 x 3: top margin 1, left margin 0, so image 0's first pixel lands at row 1, column 0, and its last at row 2, column 2
  assert.deepEqual([kept.values[4], kept.values[10], kept.values[3], kept.values[11]], [ds.values[0], ds.values[5], 0.5, 0.5]);
  assert.throws(() => padImages(ds, 2), /padImages: tiny's images of \[2,3,1\] do not fit in 2 x 2/);
});
