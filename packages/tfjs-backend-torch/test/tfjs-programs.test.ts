// Whole training programs written only with the public tfjs API (tfjs-core ops and losses, tfjs-layers
// layers, tf.train optimizers, minimize inside tidy), as a tfjs user would write a GAN, run step for
// step on the cpu backend and on torch: every loss of every step must agree. Weights come from seeded
// initializers and every random number from a seed, so both backends start from the same numbers and
// see the same batches; any difference is the kernels' arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fallbackCounts, resetFallbackCounts, setNumThreads } from '@gantry/tfjs-backend-torch';

import { seededRandom } from './engine-helpers.js';

// These tensors are tiny: one ATen thread computes them as fast as two, and on a shared machine a
// second OpenMP thread waiting for a busy core made the DCGAN's steps 4x slower (each test file runs in
// its own process, so this changes nothing elsewhere).
setNumThreads(1);

type Sym = tfl.SymbolicTensor;
const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });
const apply = (layer: tfl.layers.Layer, x: Sym) => layer.apply(x) as Sym;

/** A batch of n rows of `width` values from a seeded generator, written as a tensor. */
function batch(seed: number, shape: number[], scale = 1): tf.Tensor {
  const rand = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => (rand() * 2 - 1) * scale), shape);
}

interface Program {
  /** Builds fresh models and optimizers on the active backend; returns one step (losses) and a disposer. */
  setUp(): { step(i: number): number[]; dispose(): void };
  steps: number;
}

// An MLP GAN on 2D points whose losses are written with tf.logSigmoid (the non-saturating loss as
// -log sigmoid): Dense, LeakyReLU, Dropout, Adam.
const mlpLogSigmoid: Program = {
  steps: 12,
  setUp() {
    const z = tfl.input({ shape: [4] });
    let g = apply(tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: seeded(1) }), z);
    g = apply(tfl.layers.dense({ units: 2, kernelInitializer: seeded(2) }), g);
    const generator = tfl.model({ inputs: z, outputs: g });
    const x = tfl.input({ shape: [2] });
    let d = apply(tfl.layers.dense({ units: 16, kernelInitializer: seeded(3) }), x);
    d = apply(tfl.layers.leakyReLU({ alpha: 0.2 }), d);
    d = apply(tfl.layers.dropout({ rate: 0.25, seed: 4 }), d);
    d = apply(tfl.layers.dense({ units: 1, kernelInitializer: seeded(5) }), d);
    const discriminator = tfl.model({ inputs: x, outputs: d });
    const dOpt = tf.train.adam(1e-2, 0.5), gOpt = tf.train.adam(1e-2, 0.5);
    const D = (t: tf.Tensor) => discriminator.apply(t, { training: true }) as tf.Tensor;
    const G = (t: tf.Tensor) => generator.apply(t, { training: true }) as tf.Tensor;
    return {
      step: (i) => tf.tidy(() => {
        const real = tf.add(batch(100 + i, [32, 2], 0.3), tf.tensor1d([1, -1]));
        const noise = batch(200 + i, [32, 4]);
        const lossD = dOpt.minimize(() => tf.neg(tf.add(tf.mean(tf.logSigmoid(D(real))), tf.mean(tf.logSigmoid(tf.neg(D(G(noise))))))) as tf.Scalar,
          true, discriminator.trainableWeights.map((w) => w.read() as tf.Variable))!;
        const lossG = gOpt.minimize(() => tf.neg(tf.mean(tf.logSigmoid(D(G(noise))))) as tf.Scalar,
          true, generator.trainableWeights.map((w) => w.read() as tf.Variable))!;
        return [lossD.dataSync()[0], lossG.dataSync()[0]];
      }),
      dispose: () => { generator.dispose(); discriminator.dispose(); dOpt.dispose(); gOpt.dispose(); },
    };
  },
};

// A DCGAN on 8x8 images: Dense, Reshape, Conv2DTranspose, BatchNormalization (training mode, moving
// statistics updated), Conv2D with strides, Dropout; the critic's loss written with tf.softplus, the
// generator's with tf.losses.sigmoidCrossEntropy; RMSProp and Adam.
const dcganSoftplus: Program = {
  steps: 5,
  setUp() {
    const z = tfl.input({ shape: [8] });
    let g = apply(tfl.layers.dense({ units: 4 * 4 * 8, kernelInitializer: seeded(11) }), z);
    g = apply(tfl.layers.reshape({ targetShape: [4, 4, 8] }), g);
    // no bias before batch norm (as DCGAN does): its gradient is zero up to rounding, and Adam turns
    // rounding noise of either sign into full-size steps, so it would differ by backend by design
    g = apply(tfl.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: seeded(12) }), g);
    g = apply(tfl.layers.batchNormalization({ momentum: 0.9 }), g);
    g = apply(tfl.layers.activation({ activation: 'relu' }), g);
    g = apply(tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: seeded(13) }), g);
    const generator = tfl.model({ inputs: z, outputs: g });
    const x = tfl.input({ shape: [8, 8, 1] });
    let d = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(14) }), x);
    d = apply(tfl.layers.leakyReLU({ alpha: 0.2 }), d);
    d = apply(tfl.layers.dropout({ rate: 0.3, seed: 15 }), d);
    d = apply(tfl.layers.flatten(), d);
    d = apply(tfl.layers.dense({ units: 1, kernelInitializer: seeded(16) }), d);
    const discriminator = tfl.model({ inputs: x, outputs: d });
    const dOpt = tf.train.rmsprop(2e-3), gOpt = tf.train.adam(2e-3, 0.5);
    const D = (t: tf.Tensor) => discriminator.apply(t, { training: true }) as tf.Tensor;
    const G = (t: tf.Tensor) => generator.apply(t, { training: true }) as tf.Tensor;
    return {
      step: (i) => tf.tidy(() => {
        const real = tf.tanh(batch(300 + i, [16, 8, 8, 1], 2));
        const noise = batch(400 + i, [16, 8]);
        const lossD = dOpt.minimize(() => tf.add(tf.mean(tf.softplus(tf.neg(D(real)))), tf.mean(tf.softplus(D(G(noise))))) as tf.Scalar,
          true, discriminator.trainableWeights.map((w) => w.read() as tf.Variable))!;
        const lossG = gOpt.minimize(() => {
          const logits = D(G(noise));
          return tf.losses.sigmoidCrossEntropy(tf.onesLike(logits), logits) as tf.Scalar;
        }, true, generator.trainableWeights.map((w) => w.read() as tf.Variable))!;
        // the moving statistics are state too: compare them with the losses
        const movingMean = generator.layers.find((l) => l.name.startsWith('batch_normalization'))!.getWeights()[2];
        return [lossD.dataSync()[0], lossG.dataSync()[0], tf.sum(movingMean).dataSync()[0]];
      }),
      dispose: () => { generator.dispose(); discriminator.dispose(); dOpt.dispose(); gOpt.dispose(); },
    };
  },
};

// A WGAN-GP critic step: the gradient penalty is tf.grad inside optimizer.minimize (a second
// derivative through Dense and ReLU); a learnt shift of the fake batch trained on
// -mean(logSigmoid(critic(fake))); momentum and SGD.
let shiftCount = 0;
const wganGp: Program = {
  steps: 8,
  setUp() {
    const x = tfl.input({ shape: [3] });
    let d = apply(tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: seeded(21) }), x);
    d = apply(tfl.layers.dense({ units: 1, kernelInitializer: seeded(22) }), d);
    const critic = tfl.model({ inputs: x, outputs: d });
    const shift = tf.variable(tf.zeros([3]), true, `wgan-shift-${++shiftCount}`);
    const cOpt = tf.train.momentum(5e-3, 0.9), gOpt = tf.train.sgd(5e-2);
    const C = (t: tf.Tensor) => critic.apply(t) as tf.Tensor;
    return {
      step: (i) => tf.tidy(() => {
        const real = tf.add(batch(500 + i, [24, 3], 0.5), 1);
        const fake = tf.add(batch(600 + i, [24, 3], 0.5), shift);
        const alpha = tf.abs(batch(700 + i, [24, 1]));
        const lossC = cOpt.minimize(() => {
          const mixed = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
          const gradient = tf.grad((m) => tf.sum(C(m)))(mixed);
          const norm = tf.sqrt(tf.add(tf.sum(tf.square(gradient), 1), 1e-12));
          const penalty = tf.mean(tf.square(tf.sub(norm, 1)));
          return tf.add(tf.sub(tf.mean(C(fake)), tf.mean(C(real))), tf.mul(10, penalty)) as tf.Scalar;
        }, true, critic.trainableWeights.map((w) => w.read() as tf.Variable))!;
        const lossG = gOpt.minimize(() => tf.neg(tf.mean(tf.logSigmoid(C(tf.add(batch(600 + i, [24, 3], 0.5), shift))))) as tf.Scalar,
          true, [shift])!;
        return [lossC.dataSync()[0], lossG.dataSync()[0]];
      }),
      dispose: () => { critic.dispose(); shift.dispose(); cOpt.dispose(); gOpt.dispose(); },
    };
  },
};

function run(program: Program): number[][] {
  const { step, dispose } = program.setUp();
  const history = Array.from({ length: program.steps }, (_, i) => step(i));
  // minimize inside tidy keeps nothing but the optimizers' state (created on the first step)
  const afterFirst = tf.memory().numTensors;
  step(program.steps);
  assert.equal(tf.memory().numTensors, afterFirst, `${tf.getBackend()}: a training step leaked tensors`);
  dispose();
  return history;
}

// float32 on both sides, but ATen and tfjs's cpu kernels sum in different orders (blocked BLAS, vector
// lanes): about 1e-7 relative per reduction, a few 1e-6 on a loss after a forward and backward pass.
// Adam and RMSProp divide by sqrt(v), which lifts differences in tiny gradients, so they grow with the
// steps. Measured here (2026-12-03): at most 1e-7 (MLP), 4e-7 (DCGAN), 9e-7 (WGAN-GP) relative. 1e-4
// relative (1e-5 absolute near zero) leaves a hundredfold room while a wrong gradient or kernel, which
// changes a loss at the 1e-2 level within a step or two, cannot pass.
const RELATIVE = 1e-4, ABSOLUTE = 1e-5;

const PROGRAMS: Record<string, Program> = { 'MLP GAN, logSigmoid losses': mlpLogSigmoid, 'DCGAN, softplus and sigmoidCrossEntropy': dcganSoftplus, 'WGAN-GP': wganGp };

for (const [name, program] of Object.entries(PROGRAMS)) {
  test(`${name}: the losses on torch match cpu step for step`, async () => {
    await tf.setBackend('cpu');
    const expected = run(program);
    await tf.setBackend('torch');
    resetFallbackCounts();
    const actual = run(program);
    for (let s = 0; s < expected.length; s++) {
      for (let k = 0; k < expected[s].length; k++) {
        const e = expected[s][k], a = actual[s][k];
        assert.ok(Number.isFinite(e), `cpu step ${s} value ${k} is ${e}`);
        assert.ok(Math.abs(a - e) <= ABSOLUTE + RELATIVE * Math.abs(e), `step ${s} value ${k}: torch ${a}, cpu ${e}`);
      }
    }
    // the programs train: the first loss is not the last (else the comparison would prove little)
    assert.notEqual(expected[0][0], expected[expected.length - 1][0]);
    const fallbacks = fallbackCounts();
    if (Object.keys(fallbacks).length > 0) console.log(`${name}: kernels that ran through the cpu fallback`, fallbacks);
  });
}
