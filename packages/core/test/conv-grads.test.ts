// tfjs-gradients/conv-grads.ts: conv2d's and the directly called FusedConv2D kernel's gradients, dilated
// and not, against a reference convolution written as a sum over the kernel's taps of strided slices
// times the tap's [ci, co] matrix (gathers and matMuls, whose gradients tfjs has), for several dilations, paddings and
// strides; on cpu (the portable formulation) and, where it loads, on torch (its dilated backprop kernels).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { fusedConv2d, type ConvGeometry, type FusedConvActivation } from '../src/index.js';

const torch = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);

type Pad = ConvGeometry['pad'];
type Pair = [number, number];

/** conv2d as sum over taps (i, j) of x's window (gathered rows and columns) [N, outH, outW, ci] times filter[i, j] [ci, co]. */
function tapConv(x: tf.Tensor4D, filter: tf.Tensor4D, strides: Pair, pad: Pad, dilations: Pair): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, strides, dilations, pad as 'same');
  const { top, bottom, left, right } = info.padInfo;
  const padded = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const [kh, kw, ci, co] = filter.shape;
  const [n, oh, ow] = [x.shape[0], info.outHeight, info.outWidth];
  const terms: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const rows = Array.from({ length: oh }, (_, r) => i * dilations[0] + r * strides[0]);
      const columns = Array.from({ length: ow }, (_, c) => j * dilations[1] + c * strides[1]);
      const window = tf.gather(tf.gather(padded, rows, 1), columns, 2);
      const tap = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, ci, co]), [ci, co]);
      terms.push(tf.matMul(tf.reshape(window, [n * oh * ow, ci]), tap));
    }
  }
  return tf.reshape(tf.addN(terms), [n, oh, ow, co]);
}

const CASES: Array<{ strides: Pair; pad: Pad; dilations: Pair }> = [
  { strides: [1, 1], pad: 'same', dilations: [1, 2] },
  { strides: [1, 1], pad: 'same', dilations: [3, 2] },
  { strides: [1, 1], pad: 'valid', dilations: [2, 1] },
  { strides: [1, 1], pad: [[0, 0], [1, 2], [0, 5], [0, 0]], dilations: [2, 2] }, // 5 > the reach (2 d): columns no window reads
  { strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { strides: [2, 1], pad: 'same', dilations: [1, 1] },
  { strides: [2, 2], pad: 'valid', dilations: [1, 1] },
];

function assertClose(got: tf.Tensor, want: tf.Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const [g, w] = [Array.from(got.dataSync()), Array.from(want.dataSync())];
  const scale = Math.max(1, ...w.map(Math.abs));
  const worst = g.reduce((m, v, k) => Math.max(m, Math.abs(v - w[k])), 0);
  assert.ok(worst <= 2e-5 * scale, `${what}: max difference ${worst} (scale ${scale})`);
}

async function checkBackend(backend: string): Promise<void> {
  await tf.setBackend(backend);
  for (const { strides, pad, dilations } of CASES) {
    tf.tidy(() => {
      const what = `${backend} strides ${strides} pad ${JSON.stringify(pad)} dilations ${dilations}`;
      const x = tf.randomNormal([2, 7, 9, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const filter = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const bias = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
      const mask = tf.randomNormal(tapConv(x, filter, strides, pad, dilations).shape, 0, 1, 'float32', 4);
      const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, mask));
      const want = tf.grads((a: tf.Tensor, f: tf.Tensor) => loss(tapConv(a as tf.Tensor4D, f as tf.Tensor4D, strides, pad, dilations)))([x, filter]);
      const conv = (a: tf.Tensor, f: tf.Tensor) => loss(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, strides, pad as 'same', 'NHWC', dilations));
      tf.grads(conv)([x, filter]).forEach((g, k) => assertClose(g, want[k], `${what}: conv2d d${['x', 'filter'][k]}`));
      for (const activation of ['linear', 'relu', 'leakyrelu'] as FusedConvActivation[]) {
        const act = (y: tf.Tensor) => (activation === 'relu' ? tf.relu(y) : activation === 'leakyrelu' ? tf.leakyRelu(y, 0.3) : y);
        const reference = tf.grads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => loss(act(tf.add(tapConv(a as tf.Tensor4D, f as tf.Tensor4D, strides, pad, dilations), b))))([x, filter, bias]);
        const fused = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
          loss(fusedConv2d(a as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, { strides, pad, dilations, activation, leakyreluAlpha: 0.3 }));
        tf.grads(fused)([x, filter, bias]).forEach((g, k) => assertClose(g, reference[k], `${what}: fused ${activation} d${['x', 'filter', 'bias'][k]}`));
      }
    });
  }
}

test('conv2d and fusedConv2d gradients with dilations, paddings and strides equal the tap-sum reference (cpu)', async () => {
  await checkBackend('cpu');
});

test('the same on torch, whose dilated backprop kernels take the dilations natively', { skip: !torch }, async () => {
  await checkBackend('torch');
  const kernels = ['GantryDilatedConv2DBackpropInput', 'GantryDilatedConv2DBackpropFilter'];
  assert.deepEqual(kernels.map((k) => tf.getKernel(k, 'torch') != null), [true, true]);
});

test('a dilation above 1 at stride above 1 is refused by name', () => {
  const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
  assert.throws(() => tf.grad((a: tf.Tensor) => tf.sum(fusedConv2d(a as tf.Tensor4D, tf.ones([2, 2, 1, 1]), undefined, { strides: 2, pad: 'same', dilations: 2, activation: 'linear' })))(x),
    /strides|dilation/);
});
