// core's BatchNormalization (layers/batch-norm.ts: instance norm's kernels on the input viewed as [1, rows, 1, C] in
// training) against tfjs-layers' own BatchNormalization with the same weights: the training output, the gradients
// in the input, gamma and beta, a gradient penalty's gradient through the layer, the moving averages after the calls,
// inference, and that it saves as a plain 'BatchNormalization'. On cpu (tfjs's own call) and, where it loads, torch
// (the native pass), for convolution and dense inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { batchNormalization, NativeBatchNormalization } from '../src/index.js';
import { assertClose, tensor } from './tensor-fixtures.js';

const torch = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);
const BACKENDS = torch ? ['cpu', 'torch'] : ['cpu'];

/** The training output, d/dx, d/dgamma, d/dbeta of sum(w y), and d/dx of the squared norm of d/dx sum((w y)^2). */
function probe(layer: tfl.layers.Layer, x: tf.Tensor, w: tf.Tensor): tf.Tensor[] {
  const train = (v: tf.Tensor) => layer.apply(v, { training: true }) as tf.Tensor;
  const value = train(x);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(train(v), w)))(x);
  const variables = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(train(x), w)) as tf.Scalar, variables);
  const penalty = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mul(train(u), w))))(v))))(x);
  return [value, dx, ...variables.map((v) => grads[v.name]), penalty];
}

for (const backend of BACKENDS) {
  test(`batchNormalization on ${backend}: training pass, gradients, moving averages and inference as tfjs-layers' BatchNormalization`, async () => {
    await tf.setBackend(backend);
    // a 4-D input whose rows span several of the native kernel's chunks (8,192 rows of 4 channels), one small, a dense one
    const cases: number[][] = [[2, 72, 64, 4], [3, 5, 4, 6], [16, 7]];
    for (const [i, shape] of cases.entries()) {
      tf.tidy(() => {
        const args = { momentum: 0.9, epsilon: 1e-5 };
        const ours = batchNormalization(args);
        const theirs = tfl.layers.batchNormalization(args);
        assert.ok(ours instanceof NativeBatchNormalization && !(theirs instanceof NativeBatchNormalization));
        const channels = shape[shape.length - 1];
        for (const layer of [ours, theirs]) {
          layer.apply(tf.zeros(shape));
          layer.setWeights([tensor([channels], 3 + i, 0.5, 1), tensor([channels], 5 + i, 0.5), tensor([channels], 7 + i), tensor([channels], 9 + i, 0.4, 1)]);
        }
        const x = tensor(shape, 11 + i, 1.5, 0.3);
        const w = tensor(shape, 13 + i);
        const got = probe(ours, x, w);
        const want = probe(theirs, x, w);
        const names = ['value', 'd x', 'd gamma', 'd beta', 'd penalty / d x'];
        want.forEach((t, k) => assertClose(got[k], t, `[${shape}] ${names[k]}`, k === want.length - 1 ? 5e-4 : 5e-5));
        // every training call above updated the moving averages (the same number of calls on each layer)
        ours.getWeights().slice(2).forEach((t, k) => assertClose(t, theirs.getWeights()[2 + k], `[${shape}] moving ${k ? 'variance' : 'mean'}`, 1e-5));
        assertClose(ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor, `[${shape}] inference`, 1e-5);
      });
    }
  });
}

test('batchNormalization saves as tfjs-layers\' BatchNormalization and loads back as the native one', async () => {
  const input = tfl.input({ shape: [4, 4, 3] });
  const model = tfl.model({ inputs: input, outputs: batchNormalization({ name: 'bn' }).apply(input) as tfl.SymbolicTensor });
  const saved = model.toJSON(undefined, false) as unknown as { config: { layers: Array<{ class_name: string }> } };
  assert.deepEqual(saved.config.layers.map((l) => l.class_name), ['InputLayer', 'BatchNormalization']);
  const restored = await tfl.models.modelFromJSON({ modelTopology: saved as unknown as tf.io.ModelJSON['modelTopology'] });
  assert.ok(restored.getLayer('bn') instanceof NativeBatchNormalization);
});

test('on torch a training pass is the instance-norm kernels, one each way', { skip: !torch }, async () => {
  await tf.setBackend('torch');
  const layer = batchNormalization();
  const x = tensor([2, 6, 6, 5], 1);
  layer.apply(x);
  const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v, { training: true }) as tf.Tensor))(x));
  const names = info.kernels.map((k) => k.name);
  assert.equal(names.filter((n) => n === 'GantryInstanceNorm').length, 1, names.join(' '));
  assert.equal(names.filter((n) => n === 'GantryInstanceNormGrad').length, 1, names.join(' '));
  assert.ok(!names.includes('FusedBatchNorm'), names.join(' '));
});
