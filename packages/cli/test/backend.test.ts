// The CLI's cpu fallback: the flag it sets to quiet tfjs-backend-cpu's banner must not be IS_TEST, whose per-kernel
// leak check stops any custom gradient that saves its own intermediates (instance norm's does), so a cpu-only
// machine could not train CycleGAN, StyleGAN or GAN-TTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { instanceNorm } from '@gantry/core';
import { selectBackend } from '../src/backend.js';

test('the cpu fallback trains through a custom gradient that saves intermediates (instance norm)', async () => {
  assert.equal(await selectBackend('cpu'), 'cpu');
  assert.equal(tf.env().getBool('IS_TEST'), false);
  const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.square(instanceNorm(v))))(x);
  assert.equal(dx.shape.join(), '2,4,4,3');
});
