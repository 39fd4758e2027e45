// The image-to-image building blocks against plain references (loops, or plain tf ops by another route),
// gradients included, and their serialisation round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  InstanceNormalization, NearestUpsampling2D, PixelShuffle, ReflectionPadding2D, instanceNorm, pixelShuffle, reflectPad2d, residualBlock, upsample,
} from '../src/index.js';

await tf.setBackend('cpu');

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${what} [${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/** Deterministic values in (-2, 2). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);
}
const tensor = (shape: number[], seed: number) => tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
const idx = (shape: number[], n: number, y: number, x: number, c: number) => ((n * shape[1] + y) * shape[2] + x) * shape[3] + c;

test('instanceNorm: per image and channel over H and W, as loops compute it; gradient as the closed form', () => {
  const shape = [2, 3, 4, 2];
  const x = tensor(shape, 1);
  const xs = x.dataSync();
  const gamma = [1.5, -0.5];
  const beta = [0.25, 2];
  const w = values(48, 2); // upstream gradient: d/dx sum(w * IN(x))
  const want = new Float32Array(48);
  const wantGrad = new Float32Array(48);
  const eps = 1e-5;
  for (let n = 0; n < 2; n++) for (let c = 0; c < 2; c++) {
    const at: number[] = [];
    for (let y = 0; y < 3; y++) for (let xx = 0; xx < 4; xx++) at.push(idx(shape, n, y, xx, c));
    const mean = at.reduce((s, i) => s + xs[i], 0) / at.length;
    const variance = at.reduce((s, i) => s + (xs[i] - mean) ** 2, 0) / at.length;
    const sd = Math.sqrt(variance + eps);
    for (const i of at) want[i] = ((xs[i] - mean) / sd) * gamma[c] + beta[c];
    // dx = (g - mean(g) - xhat * mean(g * xhat)) / sd with g = w * gamma
    const g = at.map((i) => w[i] * gamma[c]);
    const xhat = at.map((i) => (xs[i] - mean) / sd);
    const gMean = g.reduce((a, b) => a + b, 0) / g.length;
    const gxMean = g.reduce((s, v, k) => s + v * xhat[k], 0) / g.length;
    at.forEach((i, k) => (wantGrad[i] = (g[k] - gMean - xhat[k] * gxMean) / sd));
  }
  const g = tf.tensor1d(gamma), b = tf.tensor1d(beta);
  assertClose(instanceNorm(x, eps, g, b).dataSync(), want, 'forward');
  const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(instanceNorm(v, eps, g, b), tf.tensor(w, shape))))(x);
  assertClose(grad.dataSync(), wantGrad, 'gradient');

  const layer = new InstanceNormalization({ affine: true });
  layer.apply(x);
  layer.setWeights([g, b]);
  assertClose((layer.apply(x) as tf.Tensor).dataSync(), want, 'layer');
  const plain = new InstanceNormalization();
  plain.apply(x);
  assert.equal(plain.getWeights().length, 0, 'affine is off by default, as pix2pix / CycleGAN');
  assert.throws(() => instanceNorm(tf.ones([2, 3])), /expects \[N, H, W, C\] input/);
});

// Reflection of index i into [0, n): -1 -> 1, n -> n - 2.
const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);

test('reflectPad2d: reflected rows and columns, as loops index them; its gradient adds up every copy (tfjs 4.22\'s MirrorPad gradient does not)', () => {
  const shape = [2, 4, 5, 3];
  const [pr, pc] = [2, 1];
  const x = tensor(shape, 3);
  const xs = x.dataSync();
  const out = [2, 4 + 2 * pr, 5 + 2 * pc, 3];
  const w = values(out.reduce((a, b) => a * b, 1), 4);
  const want = new Float32Array(w.length);
  const wantGrad = new Float32Array(xs.length);
  for (let n = 0; n < 2; n++) for (let y = 0; y < out[1]; y++) for (let xx = 0; xx < out[2]; xx++) for (let c = 0; c < 3; c++) {
    const src = idx(shape, n, reflect(y - pr, 4), reflect(xx - pc, 5), c);
    want[idx(out, n, y, xx, c)] = xs[src];
    wantGrad[src] += w[idx(out, n, y, xx, c)];
  }
  const padded = reflectPad2d(x, [pr, pc]);
  assert.deepEqual(padded.shape, out);
  assert.deepEqual(Array.from(padded.dataSync()), Array.from(want));
  assert.deepEqual(Array.from(tf.mirrorPad(x, [[0, 0], [pr, pr], [pc, pc], [0, 0]], 'reflect').dataSync()), Array.from(want));
  const loss = (pad: (v: tf.Tensor) => tf.Tensor) => (v: tf.Tensor) => tf.sum(tf.mul(pad(v), tf.tensor(w, out)));
  assertClose(tf.grad(loss((v) => reflectPad2d(v, [pr, pc])))(x).dataSync(), wantGrad, 'gradient', 1e-5);
  // tfjs 4.22's own MirrorPad gradient is dy's interior alone, which drops the reflected copies; core registers one that adds them
  assertClose(tf.grad(loss((v) => tf.mirrorPad(v, [[0, 0], [pr, pr], [pc, pc], [0, 0]], 'reflect')))(x).dataSync(), wantGrad, 'tf.mirrorPad gradient', 1e-5);
  const interior = tf.slice(tf.tensor(w, out), [0, pr, pc, 0], shape).dataSync();
  assert.ok(interior.some((v, i) => Math.abs(v - wantGrad[i]) > 1e-3), 'the interior alone would be right here: the case does not test the borders');

  const layer = new ReflectionPadding2D({ padding: [pr, pc] });
  assert.deepEqual(layer.computeOutputShape([null, 4, 5, 3]), [null, 8, 7, 3]);
  assert.throws(() => reflectPad2d(x, 4), /reflection padding 4 needs more than 4 pixels along axis 1, got 4/);
  assert.throws(() => new ReflectionPadding2D({ padding: -1 }), /padding must be a non-negative integer/);
});

test('pixelShuffle: depth to space as loops place it and as tf.depthToSpace; the gradient is the inverse shuffle', () => {
  const [n, h, w, r, c] = [2, 3, 2, 2, 3];
  const shape = [n, h, w, c * r * r];
  const x = tensor(shape, 5);
  const xs = x.dataSync();
  const out = [n, h * r, w * r, c];
  const wts = values(xs.length, 6);
  const want = new Float32Array(xs.length);
  const wantGrad = new Float32Array(xs.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) for (let k = 0; k < c; k++) {
      const src = idx(shape, b, y, xx, (i * r + j) * c + k);
      const dst = idx(out, b, y * r + i, xx * r + j, k);
      want[dst] = xs[src];
      wantGrad[src] = wts[dst];
    }
  }
  const y = pixelShuffle(x, r);
  assert.deepEqual(y.shape, out);
  assert.deepEqual(Array.from(y.dataSync()), Array.from(want));
  assert.deepEqual(Array.from(tf.depthToSpace(x as tf.Tensor4D, r).dataSync()), Array.from(want));
  const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(pixelShuffle(v, r), tf.tensor(wts, out))))(x);
  assert.deepEqual(Array.from(grad.dataSync()), Array.from(wantGrad));
  assert.throws(() => pixelShuffle(tf.ones([1, 2, 2, 6]), 2), /6 channels are not a multiple of scale\^2 = 4/);
  assert.throws(() => new PixelShuffle({ scale: 2 }).computeOutputShape([null, 2, 2, 3]), /expects \[N, H, W, C \* 4\]/);
});

// Reflection padding by another route: gather with reflected indices (whose gradient is a scatter-add).
function gatherPad(x: tf.Tensor, p: number): tf.Tensor {
  const [, h, w] = x.shape as number[];
  const rows = Array.from({ length: h + 2 * p }, (_, i) => reflect(i - p, h));
  const cols = Array.from({ length: w + 2 * p }, (_, i) => reflect(i - p, w));
  return tf.gather(tf.gather(x, rows, 1), cols, 2);
}

function plainInstanceNorm(x: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, [1, 2], true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), [1, 2], true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

test('residualBlock: x + IN(conv(pad(relu(IN(conv(pad(x))))))) as plain tf ops compute it, gradients included', () => {
  const input = tfl.input({ shape: [5, 6, 4] });
  const model = tfl.model({ inputs: input, outputs: residualBlock(input, { name: 'res' }) });
  const names = model.layers.map((l) => l.getClassName());
  assert.deepEqual(names.slice(1), ['ReflectionPadding2D', 'Conv2D', 'InstanceNormalization', 'ReLU', 'ReflectionPadding2D', 'Conv2D', 'InstanceNormalization', 'Add']);
  const x = tensor([2, 5, 6, 4], 7);
  const [k1, b1, k2, b2] = model.getWeights();
  const reference = (v: tf.Tensor, ws: tf.Tensor[]) => {
    const conv = (h: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.add(tf.conv2d(gatherPad(h, 1) as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid'), b);
    const h = tf.relu(plainInstanceNorm(conv(v, ws[0], ws[1])));
    return tf.add(v, plainInstanceNorm(conv(h, ws[2], ws[3])));
  };
  assertClose((model.apply(x) as tf.Tensor).dataSync(), reference(x, [k1, b1, k2, b2]).dataSync(), 'forward');
  const wts = tensor([2, 5, 6, 4], 8);
  const vars = model.trainableWeights.map((v) => v.read());
  // the model's gradient through tfjs-layers (variables) against the reference's through plain ops
  const modelGrads = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x) as tf.Tensor, wts)) as tf.Scalar);
  const refGrads = tf.grads((k1r: tf.Tensor, b1r: tf.Tensor, k2r: tf.Tensor, b2r: tf.Tensor) => tf.sum(tf.mul(reference(x, [k1r, b1r, k2r, b2r]), wts)))(vars);
  model.trainableWeights.forEach((v, i) => assertClose(modelGrads.grads[v.originalName].dataSync(), refGrads[i].dataSync(), `d/d${v.originalName}`, 1e-3));
  const inputGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.apply(v) as tf.Tensor, wts)))(x);
  const refInputGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(reference(v, vars), wts)))(x);
  assertClose(inputGrad.dataSync(), refInputGrad.dataSync(), 'd/dx', 1e-3);
});

test('upsample: transposed (4x4, stride 2) is PyTorch\'s ConvTranspose2d(k=4, s=2, p=1); resize-conv is nearest repeat, reflection pad and conv', () => {
  const input = tfl.input({ shape: [3, 4, 2] });
  const transposed = tfl.model({ inputs: input, outputs: upsample(input, { filters: 3, name: 'up' }) });
  const x = tensor([2, 3, 4, 2], 9);
  const y = transposed.apply(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 6, 8, 3]);
  const [kernel, bias] = transposed.getWeights();
  const py = execFileSync('/usr/bin/python3', ['-c', `
import json, sys, torch
import torch.nn.functional as F
d = json.loads(sys.stdin.read())
x = torch.tensor(d['x'], dtype=torch.float64).reshape(2, 3, 4, 2).permute(0, 3, 1, 2)
k = torch.tensor(d['k'], dtype=torch.float64).reshape(4, 4, 3, 2).permute(3, 2, 0, 1)  # [in, out, kh, kw]
y = F.conv_transpose2d(x, k, torch.tensor(d['b'], dtype=torch.float64), stride=2, padding=1)
print(json.dumps(y.permute(0, 2, 3, 1).reshape(-1).tolist()))
`], { input: JSON.stringify({ x: [...x.dataSync()], k: [...kernel.dataSync()], b: [...bias.dataSync()] }), encoding: 'utf8' });
  assertClose(y.dataSync(), JSON.parse(py) as number[], 'transposed vs torch', 1e-4);

  const resized = tfl.model({ inputs: input, outputs: upsample(input, { filters: 3, mode: 'resize-conv', name: 'rc' }) });
  const [k, b] = resized.getWeights();
  const repeated = tf.gather(tf.gather(x, [0, 0, 1, 1, 2, 2], 1), [0, 0, 1, 1, 2, 2, 3, 3], 2);
  const want = tf.add(tf.conv2d(gatherPad(repeated, 1) as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid'), b);
  assertClose((resized.apply(x) as tf.Tensor).dataSync(), want.dataSync(), 'resize-conv');
  // the gradient for every image of the batch (tfjs's UpSampling2D gets the second one wrong on cpu)
  const wts = tensor([2, 6, 8, 2], 10);
  const repeat = (v: tf.Tensor) => tf.gather(tf.gather(v, [0, 0, 1, 1, 2, 2], 1), [0, 0, 1, 1, 2, 2, 3, 3], 2);
  const nearest = new NearestUpsampling2D({ scale: 2 });
  const gradOf = (f: (v: tf.Tensor) => tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), wts)))(x).dataSync();
  const wantGrad = gradOf(repeat);
  assertClose(gradOf((v) => nearest.apply(v) as tf.Tensor), wantGrad, 'nearest gradient', 1e-5);
  const layersGrad = gradOf((v) => tfl.layers.upSampling2d({ size: [2, 2] }).apply(v) as tf.Tensor);
  assert.ok(layersGrad.some((v, i) => Math.abs(v - wantGrad[i]) > 1e-2), 'tfjs\'s resizeNearestNeighbor gradient is right on cpu now: NearestUpsampling2D could go');
  assert.throws(() => upsample(input, { filters: 3, mode: 'resize-conv', kernelSize: 4, name: 'even' }), /kernelSize must be odd/);
});

test('a model of the new layers round-trips through save and load', async () => {
  const input = tfl.input({ shape: [4, 4, 3] });
  let h = new ReflectionPadding2D({ padding: [1, 2], name: 'pad' }).apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ filters: 8, kernelSize: 3, name: 'conv' }).apply(h) as tfl.SymbolicTensor; // [4, 6, 8]
  h = new InstanceNormalization({ affine: true, name: 'in' }).apply(h) as tfl.SymbolicTensor;
  h = residualBlock(h, { name: 'res', dropout: 0.5 });
  h = new PixelShuffle({ scale: 2, name: 'shuffle' }).apply(h) as tfl.SymbolicTensor; // [8, 12, 2]
  h = upsample(h, { filters: 3, mode: 'resize-conv', name: 'up' });
  const model = tfl.model({ inputs: input, outputs: h });
  assert.deepEqual(model.outputs[0].shape, [null, 16, 24, 3]);
  // non-trivial affine weights, so that a load that dropped them would show
  const inLayer = model.getLayer('in');
  inLayer.setWeights([tf.tensor1d(values(8, 11)), tf.tensor1d(values(8, 12))]);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  assert.deepEqual(loaded.layers.map((l) => l.getClassName()), model.layers.map((l) => l.getClassName()));
  const x = tensor([2, 4, 4, 3], 13);
  assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
});
