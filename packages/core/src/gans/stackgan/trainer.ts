// StackGAN (Zhang et al. 2017) as two runs of the one training loop, as the paper trains it:
//   stage 1 (kind 'stackgan-1'): G1 draws 16 px images from [z, c1], c1 = mu1 + sigma1 * eps (CA1(phi(t)))
//   stage 2 (kind 'stackgan-2'): G1 and CA1 frozen; G2 refines G1's image with c2 from CA2 to 64 px
// Each stage's objective, with BCE the non-saturating loss of losses.ts on D's logits:
//   lossD = BCE(D(real, phi), 1) + 0.5 * (BCE(D(fake, phi), 0) + BCE(D(real, phi_wrong), 0))   matching-aware
//   lossG = BCE(D(fake, phi), 1) + klWeight * KL(N(mu, sigma^2) || N(0, I))
// phi(t) is the trained matcher's text embedding (matcher.ts), fixed during both stages; phi_wrong is the
// embedding of another training text. Adam(2e-4, 0.5, 0.999) as the authors.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ArrayDataset } from '../../data/dataset.js';
import { nonSaturating } from '../../losses.js';
import { adam } from '../../optimizers.js';
import { createRng, randomNormal, type Rng } from '../../random.js';
import type { Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { resumeVariant, trainVariant, type VariantRunOptions } from '../variant-run.js';
import { batchOf, drawRows, rowsDataset } from './matcher.js';
import {
  conditioningAugmentation, resolveSizes, stackDiscriminator, stage1Generator, stage2Generator, STAGE1_SIZE, STAGE2_SIZE, type StackGanSizes,
} from './networks.js';
import { requireIntegerAtLeast } from '../../models/common.js';

export const STACKGAN_KINDS = { 1: 'stackgan-1', 2: 'stackgan-2' } as const;

export interface StackGanOptions extends Omit<StackGanSizes, 'textDim' | 'channels'> {
  seed: number;
  /** steps of this stage, default 2000 */
  steps?: number;
  /** default 32 (the paper: 64) */
  batchSize?: number;
  /** weight of the KL term, default 1 (the paper's lambda) */
  klWeight?: number;
  learningRate?: number;
  checkpointEvery?: number;
}

/** What a stage trains on: phi(t) for every text, row-paired with its images at the stage's size. */
export interface StackGanData {
  phi: Float32Array;
  textDim: number;
  /** 16 px for stage 1, 64 px for stage 2 */
  images: ArrayDataset;
}

export interface StackGanConfig extends StackGanOptions { stage: 1 | 2; textDim: number; channels: number; count: number }

function resolve(o: StackGanOptions) {
  const r = { steps: o.steps ?? 2000, batchSize: o.batchSize ?? 32, klWeight: o.klWeight ?? 1, learningRate: o.learningRate ?? 2e-4, checkpointEvery: o.checkpointEvery ?? 0 };
  for (const [name, v, min] of [['steps', r.steps, 0], ['batchSize', r.batchSize, 2], ['checkpointEvery', r.checkpointEvery, 0]] as const) {
    requireIntegerAtLeast('StackGAN', name, v, min);
  }
  if (!(r.klWeight >= 0) || !(r.learningRate > 0)) throw new Error(`StackGAN: klWeight must be >= 0 and learningRate > 0, got ${r.klWeight} and ${r.learningRate}`);
  return r;
}

function configOf(data: StackGanData, options: StackGanOptions, stage: 1 | 2): StackGanConfig {
  const size = stage === 1 ? STAGE1_SIZE : STAGE2_SIZE;
  const [h, w, c] = data.images.itemShape;
  if (h !== size || w !== size) throw new Error(`StackGAN stage ${stage}: images must be ${size} x ${size}, got [${data.images.itemShape}]`);
  if (data.phi.length !== data.images.count * data.textDim) {
    throw new Error(`StackGAN: ${data.phi.length / data.textDim} text embeddings for ${data.images.count} images`);
  }
  return { ...options, stage, textDim: data.textDim, channels: c, count: data.images.count };
}

/** c = mu + exp(logvar / 2) * eps, and the KL divergence of N(mu, sigma^2) from N(0, I), averaged over rows. */
export function augmentCondition(ca: tfl.LayersModel, phi: tf.Tensor, eps: tf.Tensor, training: boolean): { c: tf.Tensor; kl: tf.Scalar } {
  const [mu, logvar] = ca.apply(phi, { training }) as tf.Tensor[];
  const c = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), eps));
  const kl = tf.mean(tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.exp(logvar), tf.square(mu)), tf.add(1, logvar)), 1))) as tf.Scalar;
  return { c, kl };
}

/** The stage-1 image of [z, eps] for phi, as stage 2 and sampling draw it. */
export function stage1Images(models: Record<string, tfl.LayersModel>, phi: tf.Tensor, z: tf.Tensor, eps: tf.Tensor, training: boolean): tf.Tensor {
  const { c } = augmentCondition(models.ca1, phi, eps, training);
  return models.g1.apply([z, c], { training }) as tf.Tensor;
}

interface Draw { phi: tf.Tensor; wrong: tf.Tensor; real: tf.Tensor; z: tf.Tensor; eps: tf.Tensor; eps2: tf.Tensor }

function draw(data: StackGanData, texts: ArrayDataset, rng: Rng, batch: number, sizes: ReturnType<typeof resolveSizes>): Draw {
  const n = data.images.count;
  const rows = drawRows(rng, n, batch);
  const wrongRows = rows.map((r) => (r + 1 + rng.int(n - 1)) % n);
  return {
    phi: batchOf(texts, rows), wrong: batchOf(texts, wrongRows), real: batchOf(data.images, rows),
    z: randomNormal(rng, [batch, sizes.noiseDim]), eps: randomNormal(rng, [batch, sizes.conditionDim]), eps2: randomNormal(rng, [batch, sizes.conditionDim]),
  };
}

/**
 * Stage 1, or stage 2 on top of a trained stage 1 (`stage1`: its g1 and ca1, whose weights are copied and
 * kept fixed). Per step: D's update on this step's fakes, then G's (and CA's) on the same draws.
 */
export function stackGanTrainable(data: StackGanData, options: StackGanOptions, stage: 1 | 2, stage1?: { g1: tfl.LayersModel; ca1: tfl.LayersModel } | 'from-checkpoint'): Trainable {
  const config = configOf(data, options, stage);
  const o = resolve(options);
  const sizes = resolveSizes({ ...options, textDim: config.textDim, channels: config.channels });
  const seeds = createRng(options.seed);
  const g1 = stage1Generator(sizes, seeds.int(2 ** 31));
  const ca1 = conditioningAugmentation(sizes, seeds.int(2 ** 31), 'ca1');
  if (stage === 2) {
    if (!stage1) throw new Error('StackGAN stage 2 needs the trained stage-1 generator and conditioning augmentation');
    if (stage1 !== 'from-checkpoint') {
      g1.setWeights(stage1.g1.getWeights());
      ca1.setWeights(stage1.ca1.getWeights());
    }
  }
  const second = stage === 2 ? { g2: stage2Generator(sizes, seeds.int(2 ** 31)), ca2: conditioningAugmentation(sizes, seeds.int(2 ** 31), 'ca2') } : undefined;
  const d = stackDiscriminator(sizes, stage === 1 ? STAGE1_SIZE : STAGE2_SIZE, seeds.int(2 ** 31), `d${stage}`);
  const [g, ca] = second ? [second.g2, second.ca2] : [g1, ca1];
  const optimizers = { generator: adam(o.learningRate, 0.5, 0.999), discriminator: adam(o.learningRate, 0.5, 0.999) };
  const gan = nonSaturating();
  const texts = rowsDataset('phi', data.phi, data.textDim);
  const judge = (x: tf.Tensor, phi: tf.Tensor) => d.apply([x, phi], { training: true }) as tf.Tensor;
  const models = { g1, ca1, ...(second ?? {}), [`d${stage}`]: d };
  // stage 2's input image comes from the frozen stage 1, once per step, in inference mode (its batch-norm statistics)
  const generate = (b: Draw, low: tf.Tensor | undefined) => {
    const augmented = augmentCondition(ca, b.phi, stage === 2 ? b.eps2 : b.eps, true);
    return { image: g.apply([low ?? b.z, augmented.c], { training: true }) as tf.Tensor, kl: augmented.kl };
  };
  return {
    kind: STACKGAN_KINDS[stage], config,
    settings: { seed: options.seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100, learningRateDecay: 0 },
    models, optimizers,
    step(env) {
      const b = draw(data, texts, env.rng, o.batchSize, sizes);
      const low = stage === 2 ? tf.tidy(() => stage1Images(models, b.phi, b.z, b.eps, false)) : undefined;
      const fake = tf.tidy(() => generate(b, low).image);
      try {
        const dLosses = minimize(env, d, optimizers.discriminator, (parts) => term(parts, 'd/matching-aware', tf.mul(0.5,
          tf.add(gan.discriminator(judge(b.real, b.phi), judge(fake, b.phi)), gan.discriminator(judge(b.real, b.phi), judge(b.real, b.wrong))))));
        const gLosses = minimize(env, [g, ca], optimizers.generator, (parts) => {
          const out = generate(b, low);
          const adv = term(parts, 'g/adversarial', gan.generator(judge(out.image, b.phi)));
          return tf.add(adv, tf.mul(o.klWeight, term(parts, 'g/kl', out.kl))) as tf.Scalar;   // lossG = adv + klWeight * kl
        });
        return { ...dLosses, ...gLosses };
      } finally {
        tf.dispose([...Object.values(b), fake, ...(low ? [low] : [])]);
      }
    },
  };
}

export interface StackGanResult { models: Record<string, tfl.LayersModel>; step: number; stopped: boolean; losses: Record<string, number> }

export async function trainStackGan(data: StackGanData, options: StackGanOptions, stage: 1 | 2,
  stage1?: { g1: tfl.LayersModel; ca1: tfl.LayersModel }, run: VariantRunOptions = {}): Promise<StackGanResult> {
  const r = await trainVariant(stackGanTrainable(data, options, stage, stage1), resolve(options).steps, run);
  return { models: r.models, step: r.step, stopped: r.stopped, losses: r.losses };
}

/** Continues a stage's run from its newest checkpoint on the same data (stage 2's frozen stage 1 comes with it). */
export async function resumeStackGan(data: StackGanData, stage: 1 | 2, run: VariantRunOptions & { steps?: number }): Promise<StackGanResult> {
  const { result, trainable } = await resumeVariant<StackGanConfig>(STACKGAN_KINDS[stage], 'resumeStackGan', run, (config, where) => {
    if (config.count !== data.images.count || config.textDim !== data.textDim) {
      throw new Error(`${where} was trained on ${config.count} texts with ${config.textDim}-wide embeddings, not ${data.images.count} with ${data.textDim}`);
    }
    return stackGanTrainable(data, config, stage, stage === 2 ? 'from-checkpoint' : undefined);
  });
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  return { models: result.models, step: result.step, stopped: result.stopped, losses: result.losses };
}

/** Images for text embeddings phi [N, textDim]: stage 1's 16 px, or stage 2's 64 px when models hold g2. */
export function stackGanSample(models: Record<string, tfl.LayersModel>, phi: tf.Tensor2D, o: { seed: number; noiseDim: number; conditionDim: number }): tf.Tensor4D {
  const rng = createRng(o.seed);
  return tf.tidy(() => {
    const n = phi.shape[0];
    const [z, eps, eps2] = [randomNormal(rng, [n, o.noiseDim]), randomNormal(rng, [n, o.conditionDim]), randomNormal(rng, [n, o.conditionDim])];
    const low = stage1Images(models, phi, z, eps, false);
    if (!models.g2) return low as tf.Tensor4D;
    const { c } = augmentCondition(models.ca2, phi, eps2, false);
    return models.g2.apply([low, c], { training: false }) as tf.Tensor4D;
  });
}
