// Custom layers against plain-JS reference computations, and their serialisation round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { MinibatchDiscrimination, MinibatchStdDev, SNConv2D, SNDense } from '../src/index.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, what: string, tol = 1e-4) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('MinibatchDiscrimination matches the paper formula computed in JS', () => {
  const layer = new MinibatchDiscrimination({ kernels: 3, dims: 2, seed: 1 });
  const xs = [[0.5, -1, 2], [0.1, 0.3, -0.7], [1.5, 0, 0.2], [-0.4, 0.9, 0.6]];
  const out = layer.apply(tf.tensor2d(xs)) as tf.Tensor;
  assert.deepEqual(out.shape, [4, 6]);
  const T = layer.getWeights()[0].arraySync() as number[][]; // [3, 6]
  const M = xs.map((x) => Array.from({ length: 6 }, (_, j) => x.reduce((s, v, a) => s + v * T[a][j], 0)));
  const got = out.arraySync() as number[][];
  for (let i = 0; i < 4; i++) {
    for (let a = 0; a < 3; a++) close(got[i][a], xs[i][a], `passthrough ${i},${a}`);
    for (let b = 0; b < 3; b++) {
      let o = 0;
      for (let j = 0; j < 4; j++) o += Math.exp(-(Math.abs(M[i][2 * b] - M[j][2 * b]) + Math.abs(M[i][2 * b + 1] - M[j][2 * b + 1])));
      close(got[i][3 + b], o, `o(x_${i})_${b}`);
    }
  }
  assert.throws(() => new MinibatchDiscrimination({ kernels: 0, dims: 2 }), /kernels must be a positive integer/);
});

test('MinibatchStdDev appends the mean within-group standard deviation (features and images)', () => {
  const layer = new MinibatchStdDev({ groupSize: 2 });
  const xs = [[1, 2], [3, 5], [0, 0], [4, 1]];
  const got = (layer.apply(tf.tensor2d(xs)) as tf.Tensor).arraySync() as number[][];
  // groups pair sample i with sample i + 2
  const stdOf = (a: number, b: number) => Math.sqrt(((a - b) / 2) ** 2 + 1e-8);
  const g0 = (stdOf(1, 0) + stdOf(2, 0)) / 2, g1 = (stdOf(3, 4) + stdOf(5, 1)) / 2;
  [g0, g1, g0, g1].forEach((v, i) => close(got[i][2], v, `sample ${i}`));
  const images = (layer.apply(tf.ones([4, 3, 3, 2])) as tf.Tensor);
  assert.deepEqual(images.shape, [4, 3, 3, 3]);
  // an odd batch falls back to the largest divisor of the batch that is <= groupSize (here 1: std 1e-4)
  assert.deepEqual((layer.apply(tf.ones([3, 2])) as tf.Tensor).shape, [3, 3]);
});

test('spectral normalisation converges to the largest singular value and normalises the kernel', () => {
  const layer = new SNDense({ units: 2, seed: 3 });
  const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [2] }), layer] });
  // singular values of [[3, 1], [1, 3]] are 4 and 2
  const [, bias, u] = model.getWeights();
  model.setWeights([tf.tensor2d([[3, 1], [1, 3]]), bias, u]);
  for (let i = 0; i < 30; i++) model.apply(tf.ones([1, 2]), { training: true });
  close(layer.sigma(), 4, 'sigma', 1e-3);
  const y = (model.apply(tf.tensor2d([[1, 1]]), { training: false }) as tf.Tensor).dataSync();
  close(y[0], 1, 'normalised output', 1e-3); // [1,1] W / 4 = [1, 1]
  const conv = new SNConv2D({ filters: 2, kernelSize: 3, seed: 1 });
  assert.deepEqual((conv.apply(tf.ones([1, 5, 5, 1]), { training: true }) as tf.Tensor).shape, [1, 5, 5, 2]);
  assert.throws(() => new SNConv2D({ filters: 2, kernelSize: 3, padding: 'full' as never }), /padding/);
});

test('models with the custom layers round-trip through toJSON and a memory IOHandler', async () => {
  const input = tfl.input({ shape: [3] });
  let h = new SNDense({ units: 4, seed: 1, name: 'sn' }).apply(input) as tfl.SymbolicTensor;
  h = new MinibatchDiscrimination({ kernels: 2, dims: 3, seed: 2, name: 'mbd' }).apply(h) as tfl.SymbolicTensor;
  h = new MinibatchStdDev({ groupSize: 2, name: 'mbstd' }).apply(h) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: h });
  const json = model.toJSON(null, false) as { config: { layers: Array<{ class_name: string }> } };
  assert.deepEqual(json.config.layers.map((l) => l.class_name).slice(1), ['SNDense', 'MinibatchDiscrimination', 'MinibatchStdDev']);

  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  const x = tf.tensor2d([[0.1, 0.2, 0.3], [1, -1, 0], [0.5, 0.5, 0.5], [2, 0, -2]]);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.predict(x) as tf.Tensor).dataSync();
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) close(b[i], a[i], `output ${i}`, 1e-6);
});
