// SRGAN x4 (16 -> 64 px, tiny nets, cpu backend): the upsampling floors against loop transcriptions, the
// networks' shapes and the paper's parameter count, the content network cut from the emoji classifier,
// step 1's loss terms of both phases against a hand computation, the weights of lossG, and both phases
// stopped at step 2 and resumed from their run directories ending bit for bit where uninterrupted runs end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { readClassifierJson } from '../src/node.js';
import {
  applyClassifierLayer, areaDownsample, classifierNetwork, contentLoss, contentNetwork, createRng, cubicKernel, featureExtractorFromJson, resumeSrgan, resumeSrResNet, samplePairs,
  srDiscriminator, srganTrainable, srResNet, srResNetTrainable, superResolutionPairs, trainSrgan, trainSrResNet, upsampleImages,
  type SrganConfig, type SrganOptions,
} from '../src/index.js';
import { tinyPairs, weightValues } from './pix2pix-fixtures.js';

// the torch backend where it is built (the cpu backend's 64 px convolutions take minutes here), else cpu
const engine = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);
await tf.setBackend(engine ? 'torch' : 'cpu');

const emoji = readClassifierJson('emoji');
const options: SrganOptions = {
  seed: 4, steps: 4, batchSize: 2, blocks: 1, filters: 4, discriminatorFilters: 2, discriminatorDense: 4, learningRate: 1e-3,
};
const pairs = () => superResolutionPairs(tinyPairs(5, 3, 64).source, 4);
const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Upscaling written out per output pixel: weights k(centre - i) over the neighbours, indices clamped. */
function loopResize(x: Float32Array, h: number, w: number, c: number, s: number, k: (t: number) => number, support: number): Float32Array {
  const out = new Float32Array(h * s * w * s * c);
  for (let oy = 0; oy < h * s; oy++) {
    for (let ox = 0; ox < w * s; ox++) {
      const [cy, cx] = [(oy + 0.5) / s - 0.5, (ox + 0.5) / s - 0.5];
      for (let ch = 0; ch < c; ch++) {
        let v = 0;
        for (let iy = Math.floor(cy) - support + 1; iy <= Math.floor(cy) + support; iy++) {
          for (let ix = Math.floor(cx) - support + 1; ix <= Math.floor(cx) + support; ix++) {
            const [yy, xx] = [Math.min(Math.max(iy, 0), h - 1), Math.min(Math.max(ix, 0), w - 1)];
            v += k(cy - iy) * k(cx - ix) * x[(yy * w + xx) * c + ch];
          }
        }
        out[(oy * w * s + ox) * c + ch] = v;
      }
    }
  }
  return out;
}

test('upsampling floors: bicubic and bilinear equal a loop transcription, bilinear equals tf.image.resizeBilinear, area repeats; areaDownsample is the block mean', () => {
  assert.equal(cubicKernel(0), 1);
  assert.equal(cubicKernel(1), 0);
  assert.equal(cubicKernel(2), 0);
  assert.ok(close(cubicKernel(0.5), 0.5625) && close(cubicKernel(1.5), -0.0625), 'Keys a = -0.5');
  const [h, w, c] = [5, 4, 2];
  const values = Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i * 1.7) + (i % 3) * 0.1);
  const x = tf.tensor4d(values, [1, h, w, c]);
  const cubic = upsampleImages(x, 4, 'bicubic').dataSync();
  const want = loopResize(values, h, w, c, 4, (t) => cubicKernel(t), 2);
  want.forEach((v, i) => assert.ok(close(cubic[i], v), `bicubic ${i}: ${cubic[i]} vs ${v}`));
  const linear = upsampleImages(x, 3, 'bilinear').dataSync();
  const tfLinear = tf.image.resizeBilinear(x, [h * 3, w * 3], false, true).dataSync();
  tfLinear.forEach((v, i) => assert.ok(close(linear[i], v), `bilinear ${i}: ${linear[i]} vs ${v}`));
  const area = upsampleImages(x, 2, 'area');
  assert.deepEqual(area.shape, [1, 10, 8, 2]);
  assert.equal(area.dataSync()[((3 * 8) + 5) * 2 + 1], values[((1 * 4) + 2) * 2 + 1]);
  // a constant image stays constant (the cubic weights sum to 1 at every offset)
  upsampleImages(tf.fill([2, 3, 3, 1], 0.25) as tf.Tensor4D, 4, 'bicubic').dataSync().forEach((v) => assert.ok(close(v, 0.25)));
  const hr = tinyPairs(2, 1, 8).source;
  const lr = areaDownsample(hr, 4);
  assert.deepEqual(lr.itemShape, [2, 2, 3]);
  let mean = 0;
  for (let y = 4; y < 8; y++) for (let xx = 0; xx < 4; xx++) mean += hr.values[8 * 8 * 3 + (y * 8 + xx) * 3 + 2] / 16;
  assert.ok(close(lr.values[2 * 2 * 3 + (1 * 2 + 0) * 3 + 2], mean), 'image 1, block (1, 0), blue');
  assert.throws(() => areaDownsample(tinyPairs(1, 1, 6).source, 4), /divisible by 4/);
});

test('SRResNet: 16 -> 64 and any size, the paper\'s parameter count at B = 16, 64 filters; D: one logit per image', () => {
  const g = srResNet({ seed: 1, blocks: 1, filters: 4 });
  assert.deepEqual((g.predict(tf.zeros([2, 16, 16, 3])) as tf.Tensor).shape, [2, 64, 64, 3]);
  assert.deepEqual((g.predict(tf.zeros([1, 5, 7, 3])) as tf.Tensor).shape, [1, 20, 28, 3]);
  assert.ok(g.layers.some((l) => l.getClassName() === 'PixelShuffle'));
  const paper = srResNet({ blocks: 16, filters: 64 });
  const conv = (k: number, i: number, o: number) => k * k * i * o + o;
  const bn = 4 * 64;   // gamma, beta, moving mean, moving variance
  const want = conv(9, 3, 64) + 64 + 16 * (2 * conv(3, 64, 64) + 2 * bn + 64) + conv(3, 64, 64) + bn + 2 * (conv(3, 64, 256) + 64) + conv(9, 64, 3);
  assert.equal(paper.countParams(), want);
  assert.equal(want, 1554883);
  const d = srDiscriminator({ inputShape: [64, 64, 3], filters: 2, denseUnits: 4, seed: 2 });
  assert.deepEqual((d.predict(tf.zeros([3, 64, 64, 3])) as tf.Tensor).shape, [3, 1]);
  assert.throws(() => srResNet({ scale: 3 }), /power of 2/);
  assert.throws(() => srDiscriminator({ inputShape: [40, 40, 3] }), /divisible by 16/);
  tf.dispose([g, paper, d].flatMap((m) => m.weights.map((v) => v.read())));
});

test('ICNR: at initialisation every 2 x 2 block after each pixel shuffle is constant (random input), without it not; other layers\' draws unchanged', () => {
  const x = tf.randomNormal([2, 5, 6, 3], 0, 1, 'float32', 7);
  const build = (icnr: boolean) => srResNet({ seed: 5, blocks: 1, filters: 4, icnr });
  /** Per shuffle: the largest (max - min) inside an aligned 2 x 2 block over the map's whole range. */
  const blockSpreads = (g: tfl.LayersModel) => tf.tidy(() => {
    const taps = [0, 1].map((s) => g.getLayer(`srresnet_up${s}_shuffle`).output as tfl.SymbolicTensor);
    const maps = tfl.model({ inputs: g.inputs, outputs: taps }).predict(x) as tf.Tensor4D[];
    return maps.map((m) => {
      const [n, h, w, c] = m.shape;
      const blocks = tf.reshape(m, [n, h / 2, 2, w / 2, 2, c]);
      const within = tf.max(tf.sub(tf.max(blocks, [2, 4]), tf.min(blocks, [2, 4])));
      return tf.div(within, tf.sub(tf.max(m), tf.min(m))).dataSync()[0];
    });
  });
  const [withIcnr, without] = [build(true), build(false)];
  for (const spread of blockSpreads(withIcnr)) assert.ok(spread < 1e-6, `ICNR: a 2 x 2 block spans ${spread} of the map's range`);
  for (const spread of blockSpreads(without)) assert.ok(spread > 0.05, `plain init: 2 x 2 blocks span only ${spread} of the range`);
  // every other layer draws what it drew before; the up convs keep sub-pixel 0's filters (the first 4 x 4 / 4 channels)
  for (const layer of without.layers) {
    const [a, b] = [withIcnr.getLayer(layer.name).getWeights(), layer.getWeights()];
    if (/_up\d$/.test(layer.name)) {
      const out = (b[0].shape[3] ?? 0) / 4;
      assert.deepEqual(tf.slice(a[0], [0, 0, 0, 0], [-1, -1, -1, out]).dataSync(), tf.slice(b[0], [0, 0, 0, 0], [-1, -1, -1, out]).dataSync());
      assert.deepEqual(tf.slice(a[0], [0, 0, 0, 3 * out], [-1, -1, -1, out]).dataSync(), tf.slice(b[0], [0, 0, 0, 0], [-1, -1, -1, out]).dataSync());
    } else {
      a.forEach((w, i) => assert.deepEqual(w.dataSync(), b[i].dataSync(), `${layer.name} weight ${i}`));
    }
  }
  tf.dispose([x, ...[withIcnr, without].flatMap((m) => m.weights.map((v) => v.read()))]);
});

test('content network: the classifier cut after a conv; after conv4 + its head it gives the extractor\'s features; the loss is the MSE of the maps', () => {
  const images = tf.tensor4d(pairs().target.values, [5, 64, 64, 3]);
  const net = contentNetwork(emoji, 'conv4');
  const maps = net.features(images);
  assert.deepEqual(maps.shape, [5, 4, 4, 64]);
  const extractor = featureExtractorFromJson(emoji);
  const want = extractor.extract(images).features.data;
  const { weights } = classifierNetwork(emoji);
  const got = applyClassifierLayer(tf.mean(maps, [1, 2]), { op: 'dense', name: 'dense1', relu: true }, weights).dataSync();
  want.forEach((v, i) => assert.ok(close(got[i], v, 1e-4), `feature ${i}: ${got[i]} vs ${v}`));
  const other = tf.reverse(images, 2);
  const loss = contentLoss(net, other, images).dataSync()[0];
  const byHand = tf.mean(tf.square(tf.sub(net.features(other), maps))).dataSync()[0];
  assert.ok(close(loss, byHand) && loss > 0);
  assert.equal(contentLoss(net, images, images).dataSync()[0], 0);
  assert.notEqual(contentNetwork(emoji, 'conv3').fingerprint, '');
  assert.throws(() => contentNetwork(emoji, 'conv9'), /no conv layer "conv9" \(it has conv1, conv2, conv3, conv4\)/);
  extractor.dispose();
});

const run = (m: tfl.LayersModel, x: tf.Tensor) => m.apply(x, { training: true }) as tf.Tensor;
// -log sigmoid(x) = softplus(-x), -log(1 - sigmoid(x)) = softplus(x)
const bce = (logits: tf.Tensor, label: 0 | 1) => tf.mean(tf.softplus(label === 1 ? tf.neg(logits) : logits));

test('step 1\'s terms equal the hand computation: phase mse (pixel MSE), phase gan (content, adversarial, D\'s BCE)', async () => {
  const first = () => samplePairs(pairs(), createRng(options.seed), options.batchSize!);
  const mseTwin = srResNetTrainable(pairs(), options).models.generator;
  const { source, target } = first();
  const mse = tf.mean(tf.square(tf.sub(run(mseTwin, source), target))).dataSync()[0];
  const pre = await trainSrResNet(pairs(), { ...options, steps: 1 });
  assert.deepEqual(Object.keys(pre.losses), ['g/mse']);
  assert.ok(close(pre.losses['g/mse'], mse), `${pre.losses['g/mse']} vs ${mse}`);

  const content = contentNetwork(emoji, 'conv3');
  const paper = { ...options, pixelWeight: 0 };   // the paper's lossG, without our default pixel term
  const twin = srganTrainable(pairs(), paper, content, pre.generator).models;
  const sr = run(twin.generator, source);
  const want: Record<string, number> = {
    'g/content': tf.mean(tf.square(tf.sub(content.features(sr), content.features(target)))).dataSync()[0],
    'g/adversarial': bce(run(twin.discriminator, sr), 1).dataSync()[0],
    'd/adversarial': tf.add(bce(run(twin.discriminator, target), 1), bce(run(twin.discriminator, sr), 0)).dataSync()[0],
  };
  const got = (await trainSrgan(pairs(), { ...paper, steps: 1 }, content, pre.generator)).losses;
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  for (const k of Object.keys(want)) assert.ok(close(got[k], want[k]), `${k}: ${got[k]} vs ${want[k]}`);
  const withPixels = await trainSrgan(pairs(), { ...options, steps: 1 }, content, pre.generator);   // pixelWeight 1 by default
  assert.ok(close(withPixels.losses['g/mse'], tf.mean(tf.square(tf.sub(sr, target))).dataSync()[0]));
  assert.equal((srganTrainable(pairs(), options, content).config as SrganConfig).pixelWeight, 1, 'the default is kept in the config, for resumes');
  assert.throws(() => srganTrainable(pairs(), { ...options, contentLayer: 'conv2' }, content), /contentLayer is conv2 but the content network was cut after conv3/);
});

test('phase gan\'s first G update descends the default content + 1e-3 * adversarial + pixel MSE (Adam\'s first step: -lr * sign of its gradient)', async () => {
  const content = contentNetwork(emoji, 'conv3');
  const twin = srganTrainable(pairs(), options, content).models;
  const before = twin.generator.trainableWeights.map((w) => w.read().clone());
  const variables = twin.generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const grads = tf.tidy(() => {
    const { source, target } = samplePairs(pairs(), createRng(options.seed), options.batchSize!);
    const f = () => {
      const sr = run(twin.generator, source);
      const c = tf.mean(tf.square(tf.sub(content.features(sr), content.features(target))));
      const pixels = tf.mean(tf.square(tf.sub(sr, target)));
      return tf.addN([c, tf.mul(1e-3, bce(run(twin.discriminator, sr), 1)), pixels]) as tf.Scalar;
    };
    const { grads: g } = tf.variableGrads(f, variables);
    return variables.map((v) => tf.keep(g[v.name]));
  });
  const fresh = srganTrainable(pairs(), options, content).models.generator;
  const after = (await trainSrgan(pairs(), { ...options, steps: 1 }, content, fresh)).generator.trainableWeights.map((w) => w.read());
  let checked = 0;
  after.forEach((w, i) => {
    const [step, g] = [tf.sub(w, before[i]).dataSync(), grads[i].dataSync()];
    g.forEach((gj, j) => {
      if (Math.abs(gj) < 1e-5) return;
      checked++;
      assert.ok(Math.abs(step[j] + 1e-3 * Math.sign(gj)) < 2e-5, `weight ${i}[${j}]: moved ${step[j]} for a gradient ${gj}`);
    });
  });
  assert.ok(checked > 50, `${checked} weights checked`);
});

test('both phases stopped at step 2 and resumed from their run directories end bit for bit as uninterrupted runs', async () => {
  const content = contentNetwork(emoji, 'conv3');
  const stopAt2 = () => {
    const stop = new AbortController();
    return { signal: stop.signal, callbacks: { onStep: ({ step }: { step: number }) => { if (step === 2) stop.abort(); } } };
  };
  const mseDir = mkdtempSync(join(tmpdir(), 'gantry-srresnet-resume-'));
  assert.equal((await trainSrResNet(pairs(), options, { runDir: mseDir, ...stopAt2() })).step, 2);
  const pre = await resumeSrResNet(pairs(), { runDir: mseDir });
  const preStraight = await trainSrResNet(pairs(), options);
  assert.equal(pre.step, 4);
  assert.deepEqual(await weightValues(pre.generator), await weightValues(preStraight.generator), 'srresnet');

  const ganDir = mkdtempSync(join(tmpdir(), 'gantry-srgan-resume-'));
  assert.equal((await trainSrgan(pairs(), options, content, pre.generator, { runDir: ganDir, ...stopAt2() })).step, 2);
  const resumed = await resumeSrgan(pairs(), content, { runDir: ganDir });
  const straight = await trainSrgan(pairs(), options, content, pre.generator);
  assert.equal(resumed.step, 4);
  for (const model of ['generator', 'discriminator'] as const) {
    assert.deepEqual(await weightValues(resumed[model]), await weightValues(straight[model]), `srgan ${model}`);
  }
  await assert.rejects(resumeSrgan(pairs(), contentNetwork(emoji, 'conv2'), { runDir: ganDir, steps: 6 }), /content network emoji conv3 .* not emoji conv2/);
  await assert.rejects(resumeSrResNet(superResolutionPairs(tinyPairs(4, 3, 64).source, 4), { runDir: mseDir, steps: 6 }), /was trained on 5 pairs/);
});
