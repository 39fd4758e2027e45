// The text-image matcher trained here (issue 17), in place of the pretrained char-CNN-RNN text encoder that
// StackGAN's authors used (nothing can be downloaded): a text branch (bag of words, text.ts -> ReLU layer ->
// linear) and an image branch (a small conv net on the 16 px image), both ending in unit vectors, trained
// with the symmetric contrastive loss over a batch (each image against every text of the batch, and back):
//   loss = 0.5 * (CE(softmax_rows(T I^T / tau), diag) + CE(softmax_cols(T I^T / tau), diag))
// Its text branch is StackGAN's phi(t); the pair also gives the retrieval score of generated images.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { datasetToTensors, subsetDataset, type ArrayDataset } from '../../data/dataset.js';
import { dense } from '../../layers/dense.js';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';
import { adam } from '../../optimizers.js';
import { createRng, type Rng } from '../../random.js';
import type { Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { resumeVariant, trainVariant, type VariantRunOptions } from '../variant-run.js';
import { STAGE1_SIZE } from './networks.js';

export const MATCHER_KIND = 'text-image-matcher';

export interface MatcherOptions {
  seed: number;
  /** default 1500 */
  steps?: number;
  /** pairs per step (each the others' negatives), default 64 */
  batchSize?: number;
  /** embedding width, default 64 */
  dim?: number;
  /** softmax temperature, default 0.1 */
  temperature?: number;
  learningRate?: number;
  /** default 0: only the final checkpoint */
  checkpointEvery?: number;
}

/** Texts as bags of words (text.ts) and their images at 16 px. */
export interface TextImagePairs { bags: Float32Array; vocabularySize: number; images: ArrayDataset }

function resolve(o: MatcherOptions) {
  return {
    steps: requirePositiveInteger(o.steps ?? 1500, 'matcher steps'), batchSize: requirePositiveInteger(o.batchSize ?? 64, 'matcher batchSize'),
    dim: requirePositiveInteger(o.dim ?? 64, 'matcher dim'), temperature: o.temperature ?? 0.1, learningRate: o.learningRate ?? 1e-3,
    checkpointEvery: o.checkpointEvery ?? 0,
  };
}

export function matcherTextModel(vocabularySize: number, dim: number, seed: number): tfl.LayersModel {
  const init = new SeededInit(seed);
  const bag = tfl.input({ shape: [vocabularySize], name: 'text_bag' });
  const h = dense({ units: 128, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'text_hidden' }).apply(bag) as tfl.SymbolicTensor;
  return tfl.model({ inputs: bag, outputs: dense({ units: dim, kernelInitializer: init.glorotUniform(), name: 'text_out' }).apply(h) as tfl.SymbolicTensor, name: 'text_encoder' });
}

export function matcherImageModel(channels: number, dim: number, seed: number): tfl.LayersModel {
  const init = new SeededInit(seed);
  const x = tfl.input({ shape: [STAGE1_SIZE, STAGE1_SIZE, channels], name: 'match_image' });
  let h: tfl.SymbolicTensor = x;
  for (const [i, filters] of [32, 64].entries()) {
    h = conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init.glorotUniform(), name: `image_conv${i}` }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.leakyReLU({ alpha: 0.2, name: `image_lrelu${i}` }).apply(h) as tfl.SymbolicTensor;
  }
  h = tfl.layers.flatten({ name: 'image_flat' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: dense({ units: dim, kernelInitializer: init.glorotUniform(), name: 'image_out' }).apply(h) as tfl.SymbolicTensor, name: 'image_encoder' });
}

/** Rows scaled to unit length. */
export function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.add(tf.norm(x, 'euclidean', 1, true), 1e-8)) as tf.Tensor2D);
}

/** The symmetric contrastive loss of matched rows (row i of each is a pair). */
export function contrastiveLoss(texts: tf.Tensor2D, images: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.div(tf.matMul(unitRows(texts), unitRows(images), false, true), temperature);
    const eye = tf.oneHot(tf.range(0, texts.shape[0], 1, 'int32'), texts.shape[0]);
    return tf.mul(0.5, tf.add(tf.losses.softmaxCrossEntropy(eye, logits), tf.losses.softmaxCrossEntropy(eye, tf.transpose(logits)))) as tf.Scalar;
  });
}

/** A matrix [count, width] as a dataset of its rows, so that batches come from subsetDataset like any dataset's. */
export function rowsDataset(name: string, values: Float32Array, width: number): ArrayDataset {
  return { name, itemShape: [width], count: values.length / width, values };
}

/** The examples at `rows` of a dataset, in that order, as one tensor. */
export function batchOf(ds: ArrayDataset, rows: readonly number[]): tf.Tensor {
  return datasetToTensors(subsetDataset(ds, rows)).x;
}

export function drawRows(rng: Rng, count: number, batch: number): number[] {
  return Array.from({ length: batch }, () => rng.int(count));
}

export function matcherTrainable(pairs: TextImagePairs, options: MatcherOptions): Trainable {
  const o = resolve(options);
  if (pairs.images.itemShape[0] !== STAGE1_SIZE) throw new Error(`matcher: images must be ${STAGE1_SIZE} px, got [${pairs.images.itemShape}]`);
  const seeds = createRng(options.seed);
  const text = matcherTextModel(pairs.vocabularySize, o.dim, seeds.int(2 ** 31));
  const image = matcherImageModel(pairs.images.itemShape[2], o.dim, seeds.int(2 ** 31));
  const optimizers = { matcher: adam(o.learningRate, 0.9, 0.999) };
  const texts = rowsDataset('text bags', pairs.bags, pairs.vocabularySize);
  return {
    kind: MATCHER_KIND,
    config: { ...options, vocabularySize: pairs.vocabularySize, count: pairs.images.count },
    settings: { seed: options.seed, sampleEvery: 0, checkpointEvery: o.checkpointEvery, keepCheckpoints: 1, logEvery: 10, guardEvery: 100, learningRateDecay: 0 },
    models: { text, image },
    optimizers,
    step(env) {
      const rows = drawRows(env.rng, pairs.images.count, o.batchSize);
      const bags = batchOf(texts, rows) as tf.Tensor2D;
      const images = batchOf(pairs.images, rows);
      try {
        return minimize(env, [text, image], optimizers.matcher, (parts) => term(parts, 'matcher/contrastive',
          contrastiveLoss(text.apply(bags, { training: true }) as tf.Tensor2D, image.apply(images, { training: true }) as tf.Tensor2D, o.temperature)));
      } finally {
        tf.dispose([bags, images]);
      }
    },
  };
}

export interface Matcher { text: tfl.LayersModel; image: tfl.LayersModel }

export async function trainMatcher(pairs: TextImagePairs, options: MatcherOptions, run: VariantRunOptions = {}): Promise<Matcher> {
  const r = await trainVariant(matcherTrainable(pairs, options), resolve(options).steps, run);
  return { text: r.models.text, image: r.models.image };
}

/** Continues a matcher's run from its newest checkpoint on the same pairs. */
export async function resumeMatcher(pairs: TextImagePairs, run: VariantRunOptions & { steps?: number }): Promise<Matcher> {
  type Saved = MatcherOptions & { vocabularySize: number; count: number };
  const { result, trainable } = await resumeVariant<Saved>(MATCHER_KIND, 'resumeMatcher', run, (config, where) => {
    if (config.vocabularySize !== pairs.vocabularySize || config.count !== pairs.images.count) {
      throw new Error(`${where} was trained on ${config.count} texts over ${config.vocabularySize} words, not ${pairs.images.count} over ${pairs.vocabularySize}`);
    }
    return matcherTrainable(pairs, config);
  });
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  return { text: result.models.text, image: result.models.image };
}

/** phi(t): the matcher's unit text embeddings of bags [N, V]. */
export function embedTexts(matcher: Matcher, bags: Float32Array, vocabularySize: number): tf.Tensor2D {
  return tf.tidy(() => unitRows(matcher.text.predict(tf.tensor2d(bags, [bags.length / vocabularySize, vocabularySize])) as tf.Tensor2D));
}

/**
 * How often an image matches its own text better than `distractors` texts drawn at random from the others
 * (StackGAN's retrieval check; 99 as the issue asks): images [N, 16, 16, C], text embeddings [N, d] row-paired.
 */
export function retrievalScore(matcher: Matcher, images: tf.Tensor4D, texts: tf.Tensor2D, o: { distractors?: number; seed?: number } = {}): number {
  const n = images.shape[0];
  const k = Math.min(o.distractors ?? 99, n - 1);
  if (k < 1) throw new Error('retrievalScore needs at least two images');
  const scores = tf.tidy(() => tf.matMul(unitRows(matcher.image.predict(images) as tf.Tensor2D), unitRows(texts), false, true).arraySync() as number[][]);
  const rng = createRng(o.seed ?? 0);
  let wins = 0;
  for (let i = 0; i < n; i++) {
    let beaten = true;
    for (let j = 0; j < k && beaten; j++) {
      const other = (i + 1 + rng.int(n - 1)) % n;
      beaten = scores[i][i] > scores[i][other];
    }
    if (beaten) wins++;
  }
  return wins / n;
}
