// The image-to-image translation workloads: @gantry/core's own networks (U-Net, ResNet generator,
// PatchGAN) and losses, each step the one core's trainer takes (gans/pix2pix/trainer.ts,
// gans/two-way/trainer.ts), on 64 x 64 RGB images at batch 1 as the authors train. bench/translation_peer.py
// holds their layer-for-layer PyTorch twins, whose steps are the authors' optimize_parameters.
// One difference is the API's, not the engine's: tfjs has no retained graph, so pix2pix's G runs twice
// (once for D's update on its detached output, once inside G's update), where PyTorch runs it once.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { adam, leastSquares, nonSaturating, patchGanDiscriminator, resnetGenerator, unetGenerator } from '@gantry/core';

import { minimizeAndRead, trainableOf, type Step, type Workload } from './workloads.js';

const SIDE = 64;
const IMAGE = [1, SIDE, SIDE, 3];

const randomImage = () => tf.randomUniform(IMAGE, -1, 1);
const l1 = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar;

/**
 * pix2pix at 64 px: U-Net of depth 6 (ngf 64, batch norm, one dropout layer), conditional PatchGAN with 3
 * strided layers (ndf 64, batch norm), non-saturating loss with D's halved, lambda 100, Adam(2e-4, 0.5).
 */
export function pix2pix64(): Workload {
  const generator = unetGenerator({ inputShape: [SIDE, SIDE, 3], seed: 1, name: 'generator' });
  const discriminator = patchGanDiscriminator({
    inputShape: [SIDE, SIDE, 3], conditionChannels: 3, layers: 3, normalization: 'batch', seed: 2, name: 'discriminator',
  });
  const [gOpt, dOpt] = [adam(2e-4, 0.5, 0.999), adam(2e-4, 0.5, 0.999)];
  const [gVars, dVars] = [trainableOf(generator), trainableOf(discriminator)];
  const gan = nonSaturating();
  const generate = (source: tf.Tensor) => generator.apply(source, { training: true }) as tf.Tensor;
  const judge = (source: tf.Tensor, image: tf.Tensor) => discriminator.apply([source, image], { training: true }) as tf.Tensor;
  const step: Step = async () => {
    const [source, target] = [randomImage(), randomImage()];
    const fake = tf.tidy(() => generate(source));
    await minimizeAndRead(dOpt, () => tf.mul(0.5, gan.discriminator(judge(source, target), judge(source, fake))), dVars);
    const gLoss = await minimizeAndRead(gOpt, () => {
      const output = generate(source);
      return tf.add(gan.generator(judge(source, output)), tf.mul(100, l1(output, target)));
    }, gVars);
    tf.dispose([source, target, fake]);
    return gLoss;
  };
  return { step, generator, discriminator };
}

/**
 * CycleGAN at 64 px: two ResNet generators (ngf 64, 2 downsamplings, 6 blocks, instance norm), two
 * PatchGANs (3 layers, ndf 64, instance norm), least squares, cycle 10, identity 5, Adam(2e-4, 0.5);
 * the critics see this step's fakes (a history pool only chooses which stored images they see).
 */
export function cyclegan64(): Workload {
  const generator = (name: string, seed: number) => resnetGenerator({ inputShape: [SIDE, SIDE, 3], seed, name });
  const critic = (name: string, seed: number) => patchGanDiscriminator({ inputShape: [SIDE, SIDE, 3], layers: 3, normalization: 'instance', seed, name });
  const [gAB, gBA, dA, dB] = [generator('gAB', 1), generator('gBA', 2), critic('dA', 3), critic('dB', 4)];
  const [gOpt, dOpt] = [adam(2e-4, 0.5, 0.999), adam(2e-4, 0.5, 0.999)];
  const gVars = [...trainableOf(gAB), ...trainableOf(gBA)];
  const dVars = [...trainableOf(dA), ...trainableOf(dB)];
  const lsgan = leastSquares();
  const run = (net: tfl.LayersModel, x: tf.Tensor) => net.apply(x, { training: true }) as tf.Tensor;
  const step: Step = async () => {
    const [a, b] = [randomImage(), randomImage()];
    let fakes: tf.Tensor[] = [];
    const gLoss = await minimizeAndRead(gOpt, () => {
      const [fakeB, fakeA] = [run(gAB, a), run(gBA, b)];
      fakes = [tf.keep(fakeA), tf.keep(fakeB)];
      // the authors' MSE(D(G(x)), 1): twice losses.ts's least-squares G loss
      const adversarial = tf.mul(2, tf.add(lsgan.generator(run(dB, fakeB)), lsgan.generator(run(dA, fakeA))));
      const cycle = tf.add(l1(run(gBA, fakeB), a), l1(run(gAB, fakeA), b));
      const identity = tf.add(l1(run(gAB, b), b), l1(run(gBA, a), a));
      return tf.addN([adversarial, tf.mul(10, cycle), tf.mul(5, identity)]) as tf.Scalar;
    }, gVars);
    const [fakeA, fakeB] = fakes;
    await minimizeAndRead(dOpt, () => tf.add(
      lsgan.discriminator(run(dA, a), run(dA, fakeA)), lsgan.discriminator(run(dB, b), run(dB, fakeB))), dVars);
    tf.dispose([a, b, ...fakes]);
    return gLoss;
  };
  return { step, generator: gAB, discriminator: dA };
}
