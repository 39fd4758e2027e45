// The four benchmark workloads in public tfjs (tfjs-layers models, optimizer.minimize, tf.grad for the
// gradient penalty) with gantry's dense layer (@gantry/core `dense`: tfjs-layers Dense whose forward is
// one fused kernel on backends that have it, plain Dense elsewhere), so that any backend runs them.
// bench/torch_peer.py builds the same architectures, batch sizes, losses and optimizers in PyTorch. As
// there, the critic's update sees the generator's samples detached: they are computed outside the
// gradient tape (PyTorch: .detach() / no_grad()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { adam, batchNormalization, conv2d, dense } from '@gantry/core';

import { stylegan64 } from './generation-workloads.js';
import { gantts, video } from './sequence-workloads.js';
import { cyclegan64, pix2pix64 } from './translation-workloads.js';

/** One training step; resolves once its results are computed (the loss is read back). */
export type Step = () => Promise<number>;

/** One network, or a player made of several (StyleGAN's G: mapping and synthesis). */
export type Networks = tfl.LayersModel | tfl.LayersModel[];

/** A built workload: its step and its two players' networks (for parameter-count checks against PyTorch). */
export interface Workload { step: Step; generator: Networks; discriminator: Networks }

export function trainableParameterCount(networks: Networks): number {
  return [networks].flat().reduce((total, model) =>
    total + model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1)!, 0), 0);
}

export const WORKLOADS = ['mlp2d', 'dcgan28', 'wgangp28', 'gain16', 'pix2pix64', 'cyclegan64', 'stylegan64', 'gantts', 'video'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Kernels a workload needs that some backends lack (the runner reports n/a instead of failing). */
export const REQUIRED_KERNELS: Record<WorkloadName, string[]> = {
  mlp2d: [],
  dcgan28: ['Conv2DBackpropFilter'],
  wgangp28: ['Conv2DBackpropFilter'],
  gain16: [],
  pix2pix64: ['Conv2DBackpropFilter'],
  cyclegan64: ['Conv2DBackpropFilter'],
  stylegan64: ['Conv2DBackpropFilter'],
  gantts: ['Conv2DBackpropFilter'],
  video: ['Conv2DBackpropFilter'],
};

const bceWithLogits = (logits: tf.Tensor, label: 1 | 0): tf.Scalar =>
  // -log(sigmoid(l)) = softplus(-l);  -log(1 - sigmoid(l)) = softplus(l)
  tf.mean(tf.softplus(label === 1 ? tf.neg(logits) : logits));

export function trainableOf(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

export async function minimizeAndRead(opt: tf.Optimizer, loss: () => tf.Scalar, vars: tf.Variable[]): Promise<number> {
  const cost = opt.minimize(loss, true, vars);
  if (cost == null) throw new Error('optimizer.minimize returned no cost');
  const value = (await cost.data())[0];
  cost.dispose();
  return value;
}

// ---------------------------------------------------------------- mlp2d
function mlp2d(): Workload {
  const batch = 256;
  const g = tfl.sequential({
    layers: [
      dense({ units: 128, activation: 'relu', inputShape: [16] }),
      dense({ units: 128, activation: 'relu' }),
      dense({ units: 2 }),
    ],
  });
  const d = tfl.sequential({
    layers: [
      dense({ units: 128, inputShape: [2] }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      dense({ units: 128 }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      dense({ units: 1 }),
    ],
  });
  return nonSaturatingWorkload(g, d, () => tf.randomNormal([batch, 2]), [batch, 16]);
}

// One D and one G update per step with the non-saturating loss and Adam(2e-4, 0.5): mlp2d and dcgan28.
function nonSaturatingWorkload(g: tfl.LayersModel, d: tfl.LayersModel, realBatch: () => tf.Tensor, zShape: number[]): Workload {
  const gOpt = adam(2e-4, 0.5, 0.999);
  const dOpt = adam(2e-4, 0.5, 0.999);
  const gVars = trainableOf(g);
  const dVars = trainableOf(d);
  const step: Step = async () => {
    const real = realBatch();
    const z2 = tf.randomNormal(zShape);
    const fake = tf.tidy(() => g.apply(tf.randomNormal(zShape), { training: true }) as tf.Tensor);
    await minimizeAndRead(dOpt, () =>
      tf.add(bceWithLogits(d.apply(real, { training: true }) as tf.Tensor, 1),
        bceWithLogits(d.apply(fake, { training: true }) as tf.Tensor, 0)), dVars);
    const gLoss = await minimizeAndRead(gOpt, () =>
      bceWithLogits(d.apply(g.apply(z2, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor, 1), gVars);
    tf.dispose([real, fake, z2]);
    return gLoss;
  };
  return { step, generator: g, discriminator: d };
}

// ---------------------------------------------------------------- 28x28 image GAN nets
function imageGenerator(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      dense({ units: 7 * 7 * 128, useBias: false, inputShape: [100] }),
      batchNormalization(),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.reshape({ targetShape: [7, 7, 128] }),
      tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      batchNormalization(),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
    ],
  });
}

function imageDiscriminator(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.flatten(),
      dense({ units: 1 }),
    ],
  });
}

// ---------------------------------------------------------------- dcgan28
function dcgan28(): Workload {
  const batch = 64;
  const g = imageGenerator();
  const d = imageDiscriminator();
  return nonSaturatingWorkload(g, d, () => tf.randomUniform([batch, 28, 28, 1], -1, 1), [batch, 100]);
}

// ---------------------------------------------------------------- wgangp28
function wgangp28(): Workload {
  const batch = 64;
  const criticSteps = 5;
  const lambda = 10;
  const g = imageGenerator();
  const d = imageDiscriminator();
  const gOpt = adam(1e-4, 0, 0.9);
  const dOpt = adam(1e-4, 0, 0.9);
  const gVars = trainableOf(g);
  const dVars = trainableOf(d);
  const critic = (x: tf.Tensor): tf.Tensor => d.apply(x, { training: true }) as tf.Tensor;
  const inputGrad = tf.grad((x: tf.Tensor) => tf.sum(critic(x)));
  const step: Step = async () => {
    for (let i = 0; i < criticSteps; i++) {
      const real = tf.randomUniform([batch, 28, 28, 1], -1, 1);
      const fake = tf.tidy(() => g.apply(tf.randomNormal([batch, 100]), { training: true }) as tf.Tensor);
      const eps = tf.randomUniform([batch, 1, 1, 1]);
      await minimizeAndRead(dOpt, () => {
        const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
        const grad = inputGrad(xHat);
        const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2, 3]), 1e-12));
        const penalty = tf.mean(tf.square(tf.sub(norm, 1)));
        const wasserstein = tf.sub(tf.mean(critic(fake)), tf.mean(critic(real)));
        return tf.add(wasserstein, tf.mul(lambda, penalty)) as tf.Scalar;
      }, dVars);
      tf.dispose([real, fake, eps]);
    }
    const z = tf.randomNormal([batch, 100]);
    const gLoss = await minimizeAndRead(gOpt, () =>
      tf.neg(tf.mean(critic(g.apply(z, { training: true }) as tf.Tensor))) as tf.Scalar, gVars);
    z.dispose();
    return gLoss;
  };
  return { step, generator: g, discriminator: d };
}

// ---------------------------------------------------------------- gain16
/** letter.csv's 16 numeric columns scaled to [0, 1] (the GAIN paper's first data set). */
export function loadLetterFeatures(repoRoot: string): { values: Float32Array; rows: number; cols: number } {
  const file = join(repoRoot, '..', 'shared', 'datasets', 'letter.csv');
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const cols = 16;
  const values = new Float32Array(lines.length * cols);
  lines.forEach((line, r) => {
    const cells = line.split(',').slice(1);
    if (cells.length !== cols) throw new Error(`${file}:${r + 2}: expected ${cols + 1} columns, got ${cells.length + 1}`);
    cells.forEach((c, j) => { values[r * cols + j] = Number(c); });
  });
  for (let j = 0; j < cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < lines.length; r++) { lo = Math.min(lo, values[r * cols + j]); hi = Math.max(hi, values[r * cols + j]); }
    for (let r = 0; r < lines.length; r++) values[r * cols + j] = (values[r * cols + j] - lo) / (hi - lo + 1e-6);
  }
  return { values, rows: lines.length, cols };
}

function gain16(repoRoot: string): Workload {
  const batch = 128;
  const hintRate = 0.9;
  const alpha = 100;
  const missingRate = 0.2;
  const { values, rows, cols } = loadLetterFeatures(repoRoot);
  const data = tf.tensor2d(values, [rows, cols]);
  const mlp = (outActivation: 'sigmoid'): tfl.Sequential => tfl.sequential({
    layers: [
      dense({ units: cols, activation: 'relu', inputShape: [2 * cols] }),
      dense({ units: cols, activation: 'relu' }),
      dense({ units: cols, activation: outActivation }),
    ],
  });
  const g = mlp('sigmoid');
  const d = mlp('sigmoid');
  const gOpt = adam();
  const dOpt = adam();
  const gVars = trainableOf(g);
  const dVars = trainableOf(d);
  const logEps = (t: tf.Tensor): tf.Tensor => tf.log(tf.add(t, 1e-8));
  const step: Step = async () => {
    const { x, m, h, xTilde } = tf.tidy(() => {
      const idx = tf.tensor1d(Array.from({ length: batch }, () => Math.floor(Math.random() * rows)), 'int32');
      const x = tf.gather(data, idx);
      const m = tf.cast(tf.greater(tf.randomUniform([batch, cols]), missingRate), 'float32');
      const z = tf.randomUniform([batch, cols], 0, 0.01);
      const h = tf.mul(m, tf.cast(tf.less(tf.randomUniform([batch, cols]), hintRate), 'float32'));
      return { x, m, h, xTilde: tf.add(tf.mul(m, x), tf.mul(tf.sub(1, m), z)) };
    });
    const impute = (): { gSample: tf.Tensor; xHat: tf.Tensor } => {
      const gSample = g.apply(tf.concat([xTilde, m], 1), { training: true }) as tf.Tensor;
      return { gSample, xHat: tf.add(tf.mul(m, xTilde), tf.mul(tf.sub(1, m), gSample)) };
    };
    const xHatDetached = tf.tidy(() => impute().xHat);
    await minimizeAndRead(dOpt, () => {
      const dProb = d.apply(tf.concat([xHatDetached, h], 1), { training: true }) as tf.Tensor;
      return tf.neg(tf.mean(tf.add(tf.mul(m, logEps(dProb)), tf.mul(tf.sub(1, m), logEps(tf.sub(1, dProb)))))) as tf.Scalar;
    }, dVars);
    const gLoss = await minimizeAndRead(gOpt, () => {
      const { gSample, xHat } = impute();
      const dProb = d.apply(tf.concat([xHat, h], 1), { training: true }) as tf.Tensor;
      const adversarial = tf.neg(tf.mean(tf.mul(tf.sub(1, m), logEps(dProb))));
      const reconstruction = tf.div(tf.mean(tf.square(tf.sub(tf.mul(m, x), tf.mul(m, gSample)))), tf.mean(m));
      return tf.add(adversarial, tf.mul(alpha, reconstruction));
    }, gVars);
    tf.dispose([x, m, h, xTilde, xHatDetached]);
    return gLoss;
  };
  return { step, generator: g, discriminator: d };
}

export function buildWorkload(name: WorkloadName, repoRoot: string): Workload {
  switch (name) {
    case 'mlp2d': return mlp2d();
    case 'dcgan28': return dcgan28();
    case 'wgangp28': return wgangp28();
    case 'gain16': return gain16(repoRoot);
    case 'pix2pix64': return pix2pix64();
    case 'cyclegan64': return cyclegan64();
    case 'stylegan64': return stylegan64();
    case 'gantts': return gantts();
    case 'video': return video();
  }
}
