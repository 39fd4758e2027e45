// Synchronised batch norm (train/sync-batch-norm.ts) in one process. The real 2-process equivalence is in
// packages/cli/test/distributed.test.ts; here, "2 ranks" that hold identical rows (an all-reduce that changes
// nothing) must compute exactly what tfjs's own BatchNormalization computes on those rows: the output, the
// gradients of the input, gamma, beta and every other weight, and the running statistics. A wrong term in the
// hand-written backward pass fails the gradient comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { SINGLE_PROCESS, type Replicas } from '../src/train/replicas.js';
import { synchroniseBatchNorm, withSyncedBatchNorm } from '../src/train/sync-batch-norm.js';
import { mlpGenerator, ring8, trainGan } from '../src/index.js';

function model(seed: number, imageInput: boolean): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.randomNormal({ stddev: 0.5, seed: seed + s });
  const x = tfl.input({ shape: imageInput ? [3, 3, 2] : [3] });
  let h = (imageInput
    ? tfl.layers.conv2d({ filters: 4, kernelSize: 2, kernelInitializer: init(1) })
    : tfl.layers.dense({ units: 4, kernelInitializer: init(1) })).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ momentum: 0.9, gammaInitializer: init(2), betaInitializer: init(3) }).apply(h) as tfl.SymbolicTensor;
  if (imageInput) h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
  const y = tfl.layers.dense({ units: 1, kernelInitializer: init(4) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: y });
}

interface Pass { out: number[]; dx: number[]; grads: number[][]; running: number[][] }

function pass(m: tfl.LayersModel, x: tf.Tensor): Pass {
  const loss = (input: tf.Tensor) => tf.mean(tf.square(m.apply(input, { training: true }) as tf.Tensor)) as tf.Scalar;
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const out = Array.from((m.apply(x, { training: true }) as tf.Tensor).dataSync());
  const dx = Array.from(tf.grad(loss)(x).dataSync());
  const { grads } = tf.variableGrads(() => loss(x), vars);
  const bn = m.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
  const running = bn.getWeights().slice(2).map((w) => Array.from(w.dataSync()));
  return { out, dx, grads: vars.map((v) => Array.from(grads[v.name].dataSync())), running };
}

function assertClose(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * (1 + Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
}

for (const imageInput of [false, true]) {
  test(`2 ranks with identical rows compute tfjs's batch norm exactly (${imageInput ? 'conv, [N, H, W, C]' : 'dense, [N, C]'})`, () => {
    const calls: number[] = [];
    const identical: Replicas = { rank: 0, worldSize: 2, average: (ts) => { calls.push(ts.length); }, broadcast: () => {} };
    const x = tf.randomNormal(imageInput ? [5, 3, 3, 2] : [6, 3], 0.3, 2, 'float32', 7);
    const plain = pass(model(10, imageInput), x);
    const synced = model(10, imageInput);
    synchroniseBatchNorm(synced);
    const got = withSyncedBatchNorm(identical, () => pass(synced, x));
    // forward: mean and variance; backward: the two sums
    assert.ok(calls.includes(1) && calls.includes(2), `all-reduces made: ${calls.join(',')}`);
    assertClose(got.out, plain.out, 'output');
    assertClose(got.dx, plain.dx, 'd loss / d x');
    got.grads.forEach((g, i) => assertClose(g, plain.grads[i], `gradient of weight ${i}`));
    got.running.forEach((r, i) => assertClose(r, plain.running[i], `running statistic ${i}`));
  });
}

test('outside a synchronised step, in inference and with one process the layer\'s own call runs (no all-reduce)', () => {
  let calls = 0;
  const counting: Replicas = { rank: 0, worldSize: 2, average: () => { calls++; }, broadcast: () => {} };
  const m = model(3, false);
  synchroniseBatchNorm(m);
  synchroniseBatchNorm(m);
  const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
  m.apply(x, { training: true });
  withSyncedBatchNorm(counting, () => m.apply(x, { training: false }));
  withSyncedBatchNorm(SINGLE_PROCESS, () => m.apply(x, { training: true }));
  assert.equal(calls, 0);
  withSyncedBatchNorm(counting, () => m.apply(x, { training: true }));
  assert.equal(calls, 2, 'mean and variance, once each, even though synchroniseBatchNorm ran twice');
});

test('a discriminator with batch norm and a gradient penalty is refused with syncBatchNorm (second derivatives)', async () => {
  const generator = mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [8], seed: 1 });
  const x = tfl.input({ shape: [2] });
  const h = tfl.layers.batchNormalization().apply(tfl.layers.dense({ units: 8 }).apply(x)) as tfl.SymbolicTensor;
  const discriminator = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 1 }).apply(h) as tfl.SymbolicTensor });
  const config = { loss: 'nonsaturating' as const, latentDim: 2, batchSize: 8, seed: 0, penalty: { kind: 'r1' as const, weight: 1 } };
  await assert.rejects(trainGan({ generator, discriminator, data: ring8(), steps: 1, progress: 'off', config: { ...config, syncBatchNorm: true } }),
    /the discriminator has batch norm and the run a gradient penalty \(r1\)/);
  await trainGan({ generator, discriminator, data: ring8(), steps: 1, progress: 'off', config });
});
