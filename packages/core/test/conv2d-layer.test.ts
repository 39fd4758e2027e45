// core's Conv2D (layers/conv2d.ts: the FusedConv2D kernel with its registered gradient) against tfjs-layers' own
// Conv2D with the same weights: output, the gradients in the input, kernel and bias, a gradient penalty's gradient
// through the layer, for fused (relu), following (tanh, sigmoid) and no activations, both paddings and strides (a
// dilated one: the output, tfjs having no gradient for it); that a gradient in the input alone runs no filter
// gradient; and that it saves as a plain 'Conv2D'. On cpu and, where it loads, torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { conv2d, FusedConv2D } from '../src/index.js';
import { assertClose, tensor } from './tensor-fixtures.js';

const torch = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);
const BACKENDS = torch ? ['cpu', 'torch'] : ['cpu'];

/** The output, d/dx and the weights' gradients of sum(w y), and d/dx of the squared norm of d/dx sum((w y)^2). */
function probe(layer: tfl.layers.Layer, x: tf.Tensor, w: tf.Tensor): tf.Tensor[] {
  const run = (v: tf.Tensor) => layer.apply(v) as tf.Tensor;
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(run(v), w)))(x);
  const variables = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(run(x), w)) as tf.Scalar, variables);
  const penalty = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mul(run(u), w))))(v))))(x);
  return [run(x), dx, ...variables.map((v) => grads[v.name]), penalty];
}

type Case = Parameters<typeof tfl.layers.conv2d>[0];
const CASES: Array<[string, Case]> = [
  ['3x3 same, linear', { filters: 4, kernelSize: 3, padding: 'same' }],
  ['4x4 stride 2 valid, relu', { filters: 5, kernelSize: 4, strides: 2, padding: 'valid', activation: 'relu' }],
  ['3x3 same, tanh, no bias', { filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', useBias: false }],
  ['1x1, sigmoid', { filters: 2, kernelSize: 1, activation: 'sigmoid' }],
];

for (const backend of BACKENDS) {
  test(`conv2d on ${backend}: output and gradients (first and second order) as tfjs-layers' Conv2D`, async () => {
    await tf.setBackend(backend);
    for (const [i, [what, args]] of CASES.entries()) {
      tf.tidy(() => {
        const ours = conv2d(args);
        const theirs = tfl.layers.conv2d(args);
        const x = tensor([2, 9, 8, 3], 11 + i);
        const shape = (theirs.apply(x) as tf.Tensor).shape;
        ours.apply(x);
        ours.setWeights(theirs.getWeights().map((t, k) => tensor(t.shape, 21 + i + k, 0.3)));
        theirs.setWeights(ours.getWeights());
        const w = tensor(shape, 31 + i);
        const got = probe(ours, x, w);
        const want = probe(theirs, x, w);
        const names = ['value', 'd x', 'd kernel', 'd bias', 'd penalty / d x'].filter((n) => n !== 'd bias' || args.useBias !== false);
        want.forEach((t, k) => assertClose(got[k], t, `${what}: ${names[k]}`, k === want.length - 1 ? 2e-4 : 2e-5));
      });
    }
  });

  test(`conv2d on ${backend}: a dilated convolution's output as tfjs-layers' Conv2D`, async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const args: Case = { filters: 3, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'relu' };
      const [ours, theirs] = [conv2d(args), tfl.layers.conv2d(args)];
      const x = tensor([2, 9, 8, 3], 41);
      theirs.apply(x);
      ours.apply(x);
      ours.setWeights(theirs.getWeights());
      assertClose(ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor, 'dilated', 2e-5);
    });
  });

  test(`conv2d on ${backend}: a gradient in the input alone computes no filter gradient`, async () => {
    await tf.setBackend(backend);
    const layer = conv2d({ filters: 4, kernelSize: 3, padding: 'same' });
    const x = tensor([1, 6, 6, 2], 5);
    layer.apply(x);
    const kernels = async (fn: () => tf.Tensor) => (await tf.profile(() => { fn(); })).kernels.map((k) => k.name);
    const inputOnly = await kernels(() => tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v) as tf.Tensor))(x));
    assert.ok(inputOnly.includes('Conv2DBackpropInput') && !inputOnly.includes('Conv2DBackpropFilter'), inputOnly.join(' '));
    const theirs = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' });
    const theirsInputOnly = await kernels(() => tf.grad((v: tf.Tensor) => tf.sum(theirs.apply(v) as tf.Tensor))(x));
    assert.ok(theirsInputOnly.includes('Conv2DBackpropFilter'), 'tfjs-layers\' Conv2D computes it (what this layer is for)');
  });
}

test('conv2d saves as tfjs-layers\' Conv2D and loads back as the fused one', async () => {
  const input = tfl.input({ shape: [5, 5, 2] });
  const model = tfl.model({ inputs: input, outputs: conv2d({ filters: 3, kernelSize: 3, name: 'c' }).apply(input) as tfl.SymbolicTensor });
  const saved = model.toJSON(undefined, false) as unknown as { config: { layers: Array<{ class_name: string }> } };
  assert.deepEqual(saved.config.layers.map((l) => l.class_name), ['InputLayer', 'Conv2D']);
  const restored = await tfl.models.modelFromJSON({ modelTopology: saved as unknown as tf.io.ModelJSON['modelTopology'] });
  assert.ok(restored.getLayer('c') instanceof FusedConv2D);
});
