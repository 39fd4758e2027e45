// The native tensor store and the backend's data lifecycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import { nativeTensorCount, numThreads, setNumThreads } from '@gantry/tfjs-backend-torch';
import { addon, DTYPE_CODE } from '../src/addon.js';
import { seededRandom } from './engine-helpers.js';

test('torch is the default backend after import', async () => {
  await tf.ready();
  assert.equal(tf.getBackend(), 'torch');
});

test('upload/download round-trips every native dtype and releases handles', () => {
  const rand = seededRandom(1);
  const before = addon.liveCount();
  const cases: Array<[keyof typeof DTYPE_CODE, Float32Array | Int32Array | Uint8Array]> = [
    ['float32', Float32Array.from({ length: 24 }, () => rand() * 10 - 5)],
    ['int32', Int32Array.from({ length: 24 }, () => Math.floor(rand() * 2000 - 1000))],
    ['bool', Uint8Array.from({ length: 24 }, () => (rand() < 0.5 ? 1 : 0))],
  ];
  for (const [dtype, values] of cases) {
    const handle = addon.upload(values, [2, 3, 4], DTYPE_CODE[dtype]);
    assert.deepEqual(addon.shapeOf(handle), [2, 3, 4]);
    assert.equal(addon.dtypeOf(handle), DTYPE_CODE[dtype]);
    const back = addon.download(handle);
    assert.equal(back.constructor, values.constructor, dtype);
    assert.deepEqual(Array.from(back), Array.from(values), dtype);
    addon.release(handle);
  }
  assert.equal(addon.liveCount(), before);
  assert.throws(() => addon.upload(new Float32Array(3), [2, 2], 0), /bytes/);
  assert.throws(() => addon.download(-5), /unknown tensor handle/);
});

test('tensors of every dtype survive write, native kernels and read', async () => {
  await tf.setBackend('torch');
  const startNative = nativeTensorCount();
  const startTensors = tf.memory().numTensors;
  tf.engine().startScope();
  const f = tf.tensor2d([[1.5, -2], [3, 4.25]]);
  const i = tf.tensor1d([7, -8, 9], 'int32');
  const b = tf.tensor1d([true, false, true], 'bool');
  const s = tf.tensor1d(['x', 'yz']);
  const c = tf.complex([1, 2], [3, -4]);
  assert.deepEqual(Array.from(tf.neg(f).dataSync()), [-1.5, 2, -3, -4.25]);
  assert.deepEqual(Array.from(tf.add(i, tf.scalar(1, 'int32')).dataSync()), [8, -7, 10]);
  assert.equal(tf.add(i, tf.scalar(1, 'int32')).dtype, 'int32');
  assert.deepEqual(Array.from(tf.logicalNot(b).dataSync()), [0, 1, 0]);
  assert.deepEqual(s.dataSync(), ['x', 'yz']);
  assert.deepEqual(Array.from(tf.real(c).dataSync()), [1, 2]);
  assert.deepEqual(Array.from(tf.imag(c).dataSync()), [3, -4]);
  assert.deepEqual(await tf.reshape(f, [4]).data(), new Float32Array([1.5, -2, 3, 4.25]));
  tf.engine().endScope();
  assert.equal(tf.memory().numTensors, startTensors);
  assert.equal(nativeTensorCount(), startNative);
});

test('identity shares data and disposeData frees only at the last reference', async () => {
  await tf.setBackend('torch');
  const x = tf.tensor1d([1, 2, 3]);
  tf.neg(x).dispose(); // upload x
  const live = nativeTensorCount();
  const y = tf.clone(x);
  assert.equal(nativeTensorCount(), live, 'clone (Identity) must not copy');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  assert.equal(nativeTensorCount(), live);
  y.dispose();
  assert.equal(nativeTensorCount(), live - 1);
});

test('thread count is configurable', () => {
  const original = numThreads();
  assert.ok(original >= 1);
  setNumThreads(1);
  assert.equal(numThreads(), 1);
  setNumThreads(original);
  assert.equal(numThreads(), original);
  assert.throws(() => setNumThreads(0), /at least 1/);
});

test('threads default to all cores and GANTRY_TORCH_THREADS overrides', () => {
  const binary = fileURLToPath(new URL('../native/build/Release/gantry_torch.node', import.meta.url));
  const threadsIn = (env: Record<string, string>) => Number(execFileSync(process.execPath,
    ['-e', `console.log(require(${JSON.stringify(binary)}).numThreads())`],
    { env: { ...process.env, GANTRY_TORCH_THREADS: '', ...env }, encoding: 'utf8' }).trim());
  assert.equal(threadsIn({}), availableParallelism());
  assert.equal(threadsIn({ GANTRY_TORCH_THREADS: '3' }), 3);
});
