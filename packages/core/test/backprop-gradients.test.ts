// Core alone (no torch backend in this process, as in a browser) differentiates twice through a critic's
// average pooling: StyleGAN's R1 and ProGAN's gradient penalty need the gradient of AvgPoolGrad, which tfjs
// 4.22 lacks ("gradient function not found for AvgPoolGrad") and core registers from @gantry/kernels'
// BACKPROP_GRADIENTS. Reference: the same pooling as a reshape and a mean, whose gradients are tfjs's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { FIXED_GRADIENT_KERNELS } from '../src/index.js';
import { assertClose, tensor } from './tensor-fixtures.js';

/** 2 x 2 average pooling of [N, H, W, C] (H, W even) from reshape and mean. */
function composedPool(x: tf.Tensor): tf.Tensor {
  const [n, h, w, c] = x.shape;
  return tf.mean(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [2, 4]);
}

/** The gradient in x of an R1-style penalty |d critic / d x|^2 for critic = sum(weights * tanh(pool(x))). */
function penaltyGradient(pool: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  const critic = (v: tf.Tensor) => tf.sum(tf.mul(tf.tanh(pool(v)), weights));
  return tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad(critic)(v))))(x);
}

test('a second derivative through avgPool and averagePooling2d on cpu with core alone, as through reshape and mean', async () => {
  await tf.setBackend('cpu');
  assert.ok(!tf.engine().registryFactory.torch, 'this test must run without the torch backend loaded');
  assert.ok(FIXED_GRADIENT_KERNELS.includes('AvgPoolGrad'));
  tf.tidy(() => {
    const x = tensor([2, 6, 4, 3], 7);
    const weights = tensor([2, 3, 2, 3], 8);
    const want = penaltyGradient(composedPool, x, weights);
    assertClose(penaltyGradient((v) => tf.avgPool(v as tf.Tensor4D, 2, 2, 'valid'), x, weights), want, 'tf.avgPool');
    const layer = tfl.layers.averagePooling2d({ poolSize: 2 });
    assertClose(penaltyGradient((v) => layer.apply(v) as tf.Tensor, x, weights), want, 'averagePooling2d');
  });
});
