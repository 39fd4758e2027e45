// StyleGAN at 16 px with tiny widths: every kernel of a step (both style modes, lazy R1, style mixing and
// DiffAugment) runs natively on the torch backend; a run stopped at step 2 and resumed ends bit for bit as an
// uninterrupted one (EMA copies and the tracked mean of w included); truncation, style mixing and the
// refusals of bad input; the layers written for speed (upsampling, AdaIN and mapping with the lrelu gain
// folded away) against the papers' plain formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import {
  memoryRunStore, mixStyles, resumeStylegan, styleganGenerator, trainStylegan, truncate, type StyleganOptions,
} from '../src/index.js';
import { modelFromBlob, modelToBlob } from '../src/train/checkpoint.js';
import { DiscriminatorConv, EqualDense, StyleConv, upsample2x } from '../src/gans/stylegan/layers.js';
import { weightValues } from './pix2pix-fixtures.js';
import { tinyRgbImages } from './train-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);
await tf.setBackend(engine ? 'torch' : 'cpu');

const images = tinyRgbImages;

const options: StyleganOptions = {
  seed: 4, steps: 4, batchSize: 4, resolution: 16, latentDim: 8, mappingDepth: 2, maxChannels: 4, channelBase: 32,
  r1Every: 2, emaDecay: 0.9, augment: ['color', 'translation', 'cutout'],
};

test('StyleGAN steps on torch use no cpu fallback, in both style modes', { skip: !engine }, async () => {
  for (const mode of ['adain', 'modulated'] as const) {
    engine!.resetFallbackCounts();
    const r = await trainStylegan(images(8, 16), { ...options, mode, steps: 2, r1Every: 1 }, { store: memoryRunStore() });
    assert.deepEqual(engine!.fallbackCounts(), {}, mode);
    assert.deepEqual(Object.keys(r.losses).sort(), ['d/adversarial', 'd/r1', 'g/adversarial']);
    assert.ok(Object.values(r.losses).every(Number.isFinite), JSON.stringify(r.losses));
  }
});

test('a run stopped at step 2 and resumed ends bit for bit as an uninterrupted one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-stylegan-resume-'));
  const stop = new AbortController();
  const first = await trainStylegan(images(8, 16), { ...options, mode: 'modulated' }, {
    runDir: dir, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === 2) stop.abort(); } },
  });
  assert.equal(first.step, 2);
  const resumed = await resumeStylegan(images(8, 16), { runDir: dir });
  const straight = await trainStylegan(images(8, 16), { ...options, mode: 'modulated' }, { store: memoryRunStore() });
  assert.equal(resumed.step, 4);
  for (const part of ['mapping', 'synthesis'] as const) {
    assert.deepEqual(await weightValues(resumed.generator[part]), await weightValues(straight.generator[part]), part);
    assert.deepEqual(await weightValues(resumed.averaged[part]), await weightValues(straight.averaged[part]), `averaged ${part}`);
  }
  assert.deepEqual(await weightValues(resumed.discriminator), await weightValues(straight.discriminator), 'discriminator');
  const wAvg = straight.averaged.mapping.getLayer('w').getWeights()[0];
  assert.ok(tf.max(tf.abs(wAvg)).dataSync()[0] > 0, 'the tracked mean of w moved');
  await assert.rejects(resumeStylegan(images(6, 16), { runDir: dir, steps: 6 }), /trained on 8 images/);
});

test('the generator survives serialisation; truncation and style mixing pick the right w', async () => {
  const g = styleganGenerator({ ...options, resolution: 16 });
  const copy = await modelFromBlob(await modelToBlob(g.synthesis));
  const styles = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
  const noise = [4, 8, 16].map((r) => tf.randomNormal([2, r, r, 2], 0, 1, 'float32', r));
  const a = g.synthesis.predict([styles, ...noise]) as tf.Tensor;
  const b = copy.predict([styles, ...noise]) as tf.Tensor;
  assert.deepEqual(Array.from(await b.data()), Array.from(await a.data()));

  const average = g.mapping.getLayer('w');
  average.setWeights([tf.fill([8], 2)]);
  const w = tf.zeros([1, 8]);
  assert.deepEqual(Array.from(await truncate(g.mapping, w, 0.25).data()), new Array(8).fill(1.5));
  assert.deepEqual(Array.from(await truncate(g.mapping, w, 1).data()), new Array(8).fill(0));
  assert.throws(() => truncate(g.mapping, w, 0), /truncation psi must lie in \(0, 1\], got 0/);
  assert.throws(() => truncate(g.mapping, w, 1.5), /truncation psi must lie in \(0, 1\], got 1.5/);

  const mixed = await mixStyles(tf.ones([1, 8]), tf.zeros([1, 8]), 6, 2).array();
  assert.deepEqual(mixed[0].map((row) => row[0]), [1, 1, 0, 0, 0, 0]);
});

test('bad input is refused with the offending value named', async () => {
  await assert.rejects(trainStylegan(images(4, 8), { ...options }), /holds 8 x 8 images, too small for the requested resolution 16/);
  await assert.rejects(trainStylegan(images(4, 16), { ...options, resolution: 24 }), /resolution must be one of 16, 32, 64, got 24/);
  await assert.rejects(trainStylegan(images(4, 16), { ...options, mixing: 2 }), /mixing must lie in \[0, 1\], got 2/);
});

/** x's values as nested arrays [N][H][W][C]. */
const nested = (t: tf.Tensor) => t.arraySync() as number[][][][];

test('2x nearest upsampling and its gradient are right for every image of a batch, here and on cpu', async () => {
  const active = tf.getBackend();
  for (const backend of new Set([active, 'cpu'])) {
    await tf.setBackend(backend);
    const x = tf.randomNormal([3, 4, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const dy = tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 2);
    const [xs, dys] = [nested(x), nested(dy)];
    const up = nested(upsample2x(x));
    const dx = nested(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsample2x(t as tf.Tensor4D), dy)))(x));
    for (let b = 0; b < 3; b++) for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) for (let c = 0; c < 2; c++) {
      assert.equal(up[b][i][j][c], xs[b][i >> 1][j >> 1][c], `${backend} value [${b},${i},${j},${c}]`);
    }
    for (let b = 0; b < 3; b++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let c = 0; c < 2; c++) {
      const block = dys[b][2 * i][2 * j][c] + dys[b][2 * i][2 * j + 1][c] + dys[b][2 * i + 1][2 * j][c] + dys[b][2 * i + 1][2 * j + 1][c];
      assert.ok(Math.abs(dx[b][i][j][c] - block) < 1e-5, `${backend} gradient [${b},${i},${j},${c}]: ${dx[b][i][j][c]} vs ${block}`);
    }
    if (backend === 'cpu') {
      // the tfjs defect upsample2x works around; when this fails, tfjs has fixed it and the workaround can go
      const plain = nested(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [8, 8]), dy)))(x));
      assert.notDeepEqual(plain[1], dx[1], 'tfjs cpu gradient of resizeNearestNeighbor is right for the second image now');
    }
  }
  await tf.setBackend(active);
});

/** max |a - b| / max |b| */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(b))).dataSync()[0]);
}

const paperLrelu = (t: tf.Tensor) => tf.mul(tf.leakyRelu(t, 0.2), Math.SQRT2);

test('the AdaIN layer and the mapping network compute the papers\' formulas, the lrelu gain folded away', () => {
  const [n, latent, cin, filters] = [3, 6, 4, 5];
  const x = tf.randomNormal([n, 4, 4, cin], 0, 1, 'float32', 3);
  const styles = tf.randomNormal([n, 2, latent], 0, 1, 'float32', 4);
  const noise = tf.randomNormal([n, 8, 8, 2], 0, 1, 'float32', 5);
  const conv = new StyleConv({ filters, upsample: true, styleIndex: 1, noiseChannel: 1, seed: 6 });
  conv.apply([x, styles, noise]);
  // non-zero noise strength, biases and style biases, so that every term counts
  conv.setWeights(conv.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 1, 'float32', 10 + i)));
  const [kernel, bias, styleKernel, styleBias, strength] = conv.getWeights();
  const up = tf.reshape(tf.tile(tf.reshape(x, [n, 4, 1, 4, 1, cin]), [1, 1, 2, 1, 2, 1]), [n, 8, 8, cin]) as tf.Tensor4D;
  const convolved = tf.conv2d(up, tf.mul(kernel, 1 / Math.sqrt(9 * cin)) as tf.Tensor4D, 1, 'same');
  const y = paperLrelu(tf.add(tf.add(convolved, tf.mul(tf.slice(noise, [0, 0, 0, 1], [-1, -1, -1, 1]), strength)), bias));
  const centred = tf.sub(y, tf.mean(y, [1, 2], true));
  const normed = tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 2], true), 1e-8)));
  const w = tf.reshape(tf.slice(styles, [0, 1, 0], [n, 1, latent]), [n, latent]) as tf.Tensor2D;
  const style = tf.add(tf.matMul(w, tf.mul(styleKernel, 1 / Math.sqrt(latent)) as tf.Tensor2D), styleBias);
  const [scale, shift] = tf.split(style, 2, 1).map((t) => tf.reshape(t, [n, 1, 1, filters]));
  const expected = tf.add(tf.mul(normed, tf.add(scale, 1)), shift);
  assert.ok(relativeError(conv.apply([x, styles, noise]) as tf.Tensor, expected) < 1e-5);

  const g = styleganGenerator({ ...options, mappingDepth: 3 });
  const z = tf.randomNormal([n, 8], 0, 1, 'float32', 7);
  let h: tf.Tensor = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), -1, true), 1e-8)));
  for (const layer of g.mapping.layers.filter((l) => l instanceof EqualDense)) {
    const [k, b] = layer.getWeights();
    h = paperLrelu(tf.add(tf.matMul(h as tf.Tensor2D, tf.mul(k, 0.01 / Math.sqrt(8)) as tf.Tensor2D), tf.mul(b, 0.01)));
  }
  assert.ok(relativeError(g.mapping.predict(z) as tf.Tensor, h) < 1e-5);
});

test("D's fused convolution is tfjs-layers' conv2d and leakyReLU: same initial weights, values and gradients", () => {
  const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 8);
  const fused = new DiscriminatorConv({ filters: 4, kernelSize: 3, seed: 9 });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.heNormal({ seed: 9 }) });
  const act = tfl.layers.leakyReLU({ alpha: 0.2 });
  const plain = (t: tf.Tensor) => act.apply(conv.apply(t)) as tf.Tensor;
  fused.apply(x);
  plain(x);
  assert.deepEqual(fused.getWeights().map((w) => Array.from(w.dataSync())), conv.getWeights().map((w) => Array.from(w.dataSync())));
  const bias = tf.randomNormal([4], 0, 1, 'float32', 10);
  fused.setWeights([fused.getWeights()[0], bias]);
  conv.setWeights([conv.getWeights()[0], bias]);
  const dy = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 11);
  const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), dy));
  assert.ok(relativeError(fused.apply(x) as tf.Tensor, plain(x)) < 1e-6);
  assert.ok(relativeError(tf.grad(loss((t) => fused.apply(t) as tf.Tensor))(x), tf.grad(loss(plain))(x)) < 1e-6);
});
