// CycleGAN's ResNet generator: shapes at small sizes, the parameter count of the authors' PyTorch
// ResnetGenerator written out as a formula, and the upsampling stage against a loop transcription of
// PyTorch's ConvTranspose2d(k=3, s=2, padding=1, output_padding=1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { resnetGenerator } from '../src/index.js';

await tf.setBackend('cpu');

/** Parameters of the authors' ResnetGenerator(input_nc, output_nc, ngf, norm=InstanceNorm2d, n_blocks), counted layer by layer. */
function pytorchResnetParameters(inputNc: number, outputNc: number, ngf: number, blocks: number, downs = 2): number {
  const conv = (cin: number, cout: number, k: number) => k * k * cin * cout + cout;   // bias: use_bias for instance norm
  let n = conv(inputNc, ngf, 7);
  for (let i = 0; i < downs; i++) n += conv(ngf * 2 ** i, ngf * 2 ** (i + 1), 3);
  n += blocks * 2 * conv(ngf * 2 ** downs, ngf * 2 ** downs, 3);
  for (let i = downs; i > 0; i--) n += conv(ngf * 2 ** i, ngf * 2 ** (i - 1), 3);
  return n + conv(ngf, outputNc, 7);
}

test('the parameter count is the PyTorch ResnetGenerator\'s; outputs keep the size and lie in (-1, 1)', () => {
  // the authors' printed size of resnet_9blocks, ngf 64, RGB -> RGB: 11.378 M
  assert.equal(pytorchResnetParameters(3, 3, 64, 9), 11378179);
  for (const [side, ngf, blocks, channels] of [[16, 4, 2, 3], [32, 8, 3, 1], [8, 2, 1, 3]]) {
    const g = resnetGenerator({ inputShape: [side, side, channels], outputChannels: 3, baseFilters: ngf, blocks, seed: 1 });
    assert.equal(g.countParams(), pytorchResnetParameters(channels, 3, ngf, blocks), `side ${side}`);
    const y = g.predict(tf.randomUniform([2, side, side, channels], -1, 1, 'float32', 2)) as tf.Tensor;
    assert.deepEqual(y.shape, [2, side, side, 3]);
    assert.ok(tf.max(tf.abs(y)).dataSync()[0] < 1);
    g.dispose();
  }
  const big = resnetGenerator({ inputShape: [256, 256, 3], seed: 1 });
  assert.equal(big.countParams(), 11378179, 'defaults at 256 px: 9 blocks, ngf 64');
  big.dispose();
  assert.throws(() => resnetGenerator({ inputShape: [10, 10, 3], seed: 1 }), /divisible by 2\^downsamplings = 4/);
  assert.throws(() => resnetGenerator({ inputShape: [4, 4, 3], seed: 1 }), /at least 2 x 2 pixels inside/);
});

test('the same seed gives the same weights', () => {
  const build = () => resnetGenerator({ inputShape: [8, 8, 3], baseFilters: 2, blocks: 1, seed: 4 });
  const [a, b] = [build(), build()];
  a.weights.forEach((w, i) => assert.deepEqual(w.read().dataSync(), b.weights[i].read().dataSync()));
  a.dispose();
  b.dispose();
});

test('an upsampling stage equals PyTorch\'s ConvTranspose2d(k=3, s=2, padding=1, output_padding=1)', () => {
  const g = resnetGenerator({ inputShape: [8, 8, 3], baseFilters: 2, blocks: 1, seed: 3 });
  const up = g.getLayer('resnet_up2');
  const crop = g.getLayer('resnet_up2_crop');
  const [kernel, bias] = up.getWeights();   // tfjs: [k, k, out, in]
  const [n, h, w, cin] = [1, 2, 3, 8];
  const x = tf.randomNormal([n, h, w, cin], 0, 1, 'float32', 7);
  const got = crop.apply(up.apply(x)) as tf.Tensor;
  const cout = kernel.shape[2] as number;
  assert.deepEqual(got.shape, [n, 2 * h, 2 * w, cout]);
  // PyTorch: out[oy, ox] += in[iy, ix] * W[ky, kx] where oy = 2 iy - 1 + ky (padding 1 crops the first
  // row of the full result, output_padding 1 keeps its last); its kernel is the tfjs one unflipped
  const [xv, kv, bv] = [x.arraySync() as number[][][][], kernel.arraySync() as number[][][][], bias.dataSync()];
  const want = Array.from({ length: 2 * h }, () => Array.from({ length: 2 * w }, () => Array.from(bv)));
  for (let iy = 0; iy < h; iy++) for (let ix = 0; ix < w; ix++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
    const [oy, ox] = [2 * iy - 1 + ky, 2 * ix - 1 + kx];
    if (oy < 0 || ox < 0 || oy >= 2 * h || ox >= 2 * w) continue;
    for (let co = 0; co < cout; co++) for (let ci = 0; ci < cin; ci++) want[oy][ox][co] += xv[0][iy][ix][ci] * kv[ky][kx][co][ci];
  }
  const gv = (got.arraySync() as number[][][][])[0];
  for (let oy = 0; oy < 2 * h; oy++) for (let ox = 0; ox < 2 * w; ox++) for (let co = 0; co < cout; co++) {
    assert.ok(Math.abs(gv[oy][ox][co] - want[oy][ox][co]) < 1e-5, `(${oy}, ${ox}, ${co}): ${gv[oy][ox][co]} vs ${want[oy][ox][co]}`);
  }
  g.dispose();
});
