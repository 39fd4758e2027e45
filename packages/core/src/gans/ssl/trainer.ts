// Semi-supervised classification on the one training loop: the GAN of Salimans et al. 2016 (a K-logit
// discriminator that is also the classifier, feature matching for G) and, on the same network, labels and
// batches, the two baselines: supervised-only and pseudo-labelling. Each step (losses: ./losses.ts):
//   gan:          classifier <- CE(lab) + w * unsupervised(unl, G(z));  generator <- feature matching
//   supervised:   classifier <- CE(lab)
//   pseudo-label: classifier <- CE(lab) + a(t) * CE(unl, argmax of its own logits)
// The classifier's exponential weight average (the authors test with one too) is a parameter set the loop
// checkpoints; predictions use it.
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../../data/dataset.js';
import { adam } from '../../optimizers.js';
import { createRng, forkRng, type Rng } from '../../random.js';
import type { Checkpoint } from '../../train/checkpoint.js';
import {
  checkpointToResume, continueTraining, restoreParameters, startTraining, type LoopOptions, type ParameterSet, type StepEnv, type Trainable,
} from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import type { LossValues } from '../../train/types.js';
import { SslBatches } from './batches.js';
import { featureMatchingLoss, pseudoLabelLoss, supervisedLoss, unsupervisedLoss } from './losses.js';
import {
  classifierForward, classifierVariables, createClassifier, createGenerator, generate, generatorVariables, initializeFromData,
  type Classifier, type ClassifierShape,
} from './networks.js';
import { SslClassifier } from './predict.js';

export const SSL_KIND = 'ssl';
export const SSL_METHODS = ['gan', 'supervised', 'pseudo-label'] as const;
export type SslMethod = (typeof SSL_METHODS)[number];

export interface SslOptions {
  seed: number;
  /** default 'gan' */
  method?: SslMethod;
  /** rows of each of the labelled, unlabelled and generated batches (authors: 100) */
  batchSize?: number;
  /** Adam (beta1 0.5) step size of both networks (authors: 0.003) */
  learningRate?: number;
  /** weight w of the unsupervised loss (authors: 1) */
  unlabelledWeight?: number;
  /** classifier hidden widths (authors: 1000, 500, 250, 250, 250) */
  classifierHidden?: readonly number[];
  /** generator hidden widths (authors: 500, 500) and latent size (100) */
  generatorHidden?: readonly number[];
  latentDim?: number;
  /** minibatch discrimination kernels in the classifier, 0 = none (default) */
  minibatchKernels?: number;
  /** full weight of the pseudo-label term: 0 for the first 10% of steps, rising linearly to it at 50% (default 1) */
  pseudoLabelWeight?: number;
  /** decay of the classifier's weight average used for predictions (default 0.995; 0: the last weights) */
  classifierAverage?: number;
  checkpointEvery?: number;
  /** generator preview every N steps (gan only; default 0 = never) */
  sampleEvery?: number;
}

/** What a checkpoint keeps: the options, the labelled rows and the data's shape. */
export interface SslConfig extends Required<Omit<SslOptions, 'classifierHidden' | 'generatorHidden'>> {
  classifierHidden: number[];
  generatorHidden: number[];
  labelled: number[];
  rows: number;
  itemShape: number[];
  classes: number;
}

function resolve(data: ArrayDataset, labelled: ArrayLike<number>, o: SslOptions): SslConfig {
  const c: SslConfig = {
    seed: o.seed, method: o.method ?? 'gan', batchSize: o.batchSize ?? 100, learningRate: o.learningRate ?? 0.003,
    unlabelledWeight: o.unlabelledWeight ?? 1, classifierHidden: [...(o.classifierHidden ?? [1000, 500, 250, 250, 250])],
    generatorHidden: [...(o.generatorHidden ?? [500, 500])], latentDim: o.latentDim ?? 100, minibatchKernels: o.minibatchKernels ?? 0,
    pseudoLabelWeight: o.pseudoLabelWeight ?? 1, classifierAverage: o.classifierAverage ?? 0.995, checkpointEvery: o.checkpointEvery ?? 0,
    sampleEvery: o.sampleEvery ?? 0, labelled: Array.from(labelled), rows: data.count, itemShape: [...data.itemShape],
    classes: data.numClasses ?? (data.labels ? Math.max(...data.labels) + 1 : 0),
  };
  const positive = (name: string, v: number) => { if (!Number.isInteger(v) || v < 1) throw new Error(`trainSsl: ${name} must be a positive integer, got ${v}`); };
  if (!SSL_METHODS.includes(c.method)) throw new Error(`trainSsl: method must be one of ${SSL_METHODS.join(', ')}, got ${JSON.stringify(c.method)}`);
  [['batchSize', c.batchSize], ['latentDim', c.latentDim], ...c.classifierHidden.map((h) => ['classifierHidden', h]), ...c.generatorHidden.map((h) => ['generatorHidden', h])]
    .forEach(([name, v]) => positive(name as string, v as number));
  if (c.classifierHidden.length === 0) throw new Error('trainSsl: the classifier needs at least one hidden layer (its features feed feature matching)');
  if (!(c.learningRate > 0)) throw new Error(`trainSsl: learningRate must be > 0, got ${c.learningRate}`);
  if (!(c.unlabelledWeight >= 0) || !(c.pseudoLabelWeight >= 0)) throw new Error('trainSsl: unlabelledWeight and pseudoLabelWeight must be >= 0');
  if (!(c.classifierAverage >= 0 && c.classifierAverage < 1)) throw new Error(`trainSsl: classifierAverage must lie in [0, 1), got ${c.classifierAverage}`);
  if (!Number.isInteger(c.minibatchKernels) || c.minibatchKernels < 0) throw new Error(`trainSsl: minibatchKernels must be a non-negative integer, got ${c.minibatchKernels}`);
  if (c.classes < 2) throw new Error(`trainSsl: ${data.name} needs labels of at least 2 classes`);
  return c;
}

export function classifierShapeOf(c: SslConfig): ClassifierShape {
  return {
    inputs: c.itemShape.reduce((a, b) => a * b, 1), hidden: c.classifierHidden, classes: c.classes, inputNoise: 0.3, hiddenNoise: 0.5,
    minibatchKernels: c.minibatchKernels,
  };
}

/** The weight average's variables: copies of the classifier's, not trained (the step moves them). */
function averageOf(classifier: Classifier): tf.Variable[] {
  return classifierVariables(classifier).map((v) => tf.variable(v.clone(), false));
}

interface SslParts {
  trainable: Trainable;
  /** the run's RNG, after the initial weights were drawn from it */
  rng: Rng;
  /** the trained classifier (the weight average when kept); releases everything else */
  classifier(): SslClassifier;
  /** releases everything (a failed run) */
  release(): void;
}

/** A semi-supervised run as the loop sees it, with the RNG the weights were drawn from first. */
export function sslTrainable(data: ArrayDataset, labelled: ArrayLike<number>, options: SslOptions): SslParts {
  const config = resolve(data, labelled, options);
  const { method, batchSize } = config;
  const batches = new SslBatches(data, Int32Array.from(config.labelled), batchSize);
  const rng = createRng(config.seed);
  const initRng = forkRng(rng);
  const classifier = createClassifier(initRng, classifierShapeOf(config));
  const initBatch = batches.unlabelledBatch(initRng, 500);
  initializeFromData(classifier, initBatch, initRng);
  initBatch.dispose();
  const generator = method === 'gan'
    ? createGenerator(initRng, { latent: config.latentDim, hidden: config.generatorHidden, outputs: batches.pixels }) : undefined;
  const trained: ParameterSet = { variables: classifierVariables(classifier) };
  const average: ParameterSet | undefined = config.classifierAverage > 0 ? { variables: averageOf(classifier) } : undefined;
  const generatorSet: ParameterSet | undefined = generator && { variables: generatorVariables(generator) };
  const optimizers: Record<string, tf.Optimizer> = { classifier: adam(config.learningRate, 0.5) };
  if (generator) optimizers.generator = adam(config.learningRate, 0.5);
  const logits = (x: tf.Tensor2D, noise: Rng) => classifierForward(classifier, x, noise).logits;

  const classifierStep = (env: StepEnv): LossValues => {
    const { step, totalSteps, rng: r } = env;
    const lab = batches.labelledBatch(r);
    const unlabelled = method === 'supervised' ? undefined : batches.unlabelledBatch(r);
    // G's update comes after the classifier's, so its images for the classifier are made outside that gradient
    const generated = generator && tf.tidy(() => generate(generator, batchSize, r));
    const progress = step / totalSteps;
    const pseudoWeight = config.pseudoLabelWeight * Math.min(1, Math.max(0, (progress - 0.1) / 0.4));
    try {
      return minimize(env, trained, optimizers.classifier, (parts) => {
        const supervised = term(parts, 'classifier/supervised', supervisedLoss(logits(lab.x, r), lab.labels));
        if (!unlabelled) return supervised;
        if (generated) {
          const unsupervised = term(parts, 'classifier/unsupervised', unsupervisedLoss(logits(unlabelled, r), logits(generated, r)));
          return tf.add(supervised, tf.mul(config.unlabelledWeight, unsupervised));
        }
        return tf.add(supervised, tf.mul(pseudoWeight, term(parts, 'classifier/pseudo-label', pseudoLabelLoss(logits(unlabelled, r)))));
      });
    } finally {
      tf.dispose([lab.x, lab.labels, unlabelled ?? [], generated ?? []]);
    }
  };

  const generatorStep = (env: StepEnv): LossValues => {
    const r = env.rng;
    const real = batches.unlabelledBatch(r);
    try {
      return minimize(env, generatorSet!, optimizers.generator, (parts) => term(parts, 'generator/feature-matching', featureMatchingLoss(
        classifierForward(classifier, real, r).features, classifierForward(classifier, generate(generator!, batchSize, r), r).features)));
    } finally {
      real.dispose();
    }
  };

  const decay = config.classifierAverage;
  const trainable: Trainable = {
    kind: SSL_KIND,
    config,
    settings: {
      seed: config.seed, sampleEvery: generator ? config.sampleEvery : 0, checkpointEvery: config.checkpointEvery, keepCheckpoints: 3,
      logEvery: 50, guardEvery: 100, learningRateDecay: 0,
    },
    models: {},
    parameters: { classifier: trained, ...(average ? { classifierAverage: average } : {}), ...(generatorSet ? { generator: generatorSet } : {}) },
    optimizers,
    step(env) {
      const losses = { ...classifierStep(env), ...(generator ? generatorStep(env) : {}) };
      if (average) {
        tf.tidy(() => average.variables.forEach((a, i) => a.assign(tf.add(tf.mul(a, decay), tf.mul(trained.variables[i], 1 - decay)))));
      }
      return losses;
    },
    preview: generator && (() => {
      const images = generate(generator, 64, createRng(config.seed + 1));
      return tf.sub(tf.mul(tf.reshape(images, [64, ...config.itemShape]), 2), 1);
    }),
  };
  return {
    trainable, rng,
    classifier() {
      // predictions use the average when one was kept
      if (average) classifierVariables(classifier).forEach((v, i) => v.assign(average.variables[i]));
      releaseTraining([...(average?.variables ?? [])]);
      return new SslClassifier(classifier, config);
    },
    release() {
      releaseTraining([...trained.variables, ...(average?.variables ?? [])]);
    },
  };

  function releaseTraining(also: tf.Variable[]): void {
    tf.dispose([...also, ...(generatorSet?.variables ?? [])]);
    for (const optimizer of Object.values(optimizers)) optimizer.dispose();
  }
}

async function finish(parts: SslParts, train: () => Promise<unknown>): Promise<SslClassifier> {
  try {
    await train();
  } catch (e) {
    parts.release();
    throw e;
  }
  return parts.classifier();
}

/**
 * Trains a classifier on `data` (images in [-1, 1], all rows used unlabelled) of which only the rows
 * `labelled` keep their labels (see balancedLabelDraw).
 */
export async function trainSsl(data: ArrayDataset, labelled: ArrayLike<number>, options: SslOptions, run: LoopOptions & { steps: number }): Promise<SslClassifier> {
  const parts = sslTrainable(data, labelled, options);
  return finish(parts, () => startTraining(parts.trainable, { ...run, progress: run.progress ?? 'off', rng: parts.rng }));
}

/** Continues a run from its newest checkpoint on the same data; it ends where an uninterrupted run ends. */
export async function resumeSsl(data: ArrayDataset, run: LoopOptions & { steps?: number }): Promise<SslClassifier> {
  const { store, checkpoint } = await checkpointToResume(SSL_KIND, run, 'resumeSsl');
  const config = checkpoint.state.config as SslConfig;
  if (config.rows !== data.count || config.itemShape.join(',') !== data.itemShape.join(',')) {
    throw new Error(`${store.location} was trained on ${config.rows} images of [${config.itemShape}], not ${data.count} of [${data.itemShape}]`);
  }
  const parts = sslTrainable(data, config.labelled, config);
  return finish(parts, () => continueTraining(parts.trainable, checkpoint, { ...run, store, runDir: undefined, progress: run.progress ?? 'off' }));
}

/** The classifier of a semi-supervised run's checkpoint (its weight average when the run kept one). */
export function sslClassifierFromCheckpoint(checkpoint: Checkpoint): SslClassifier {
  if (checkpoint.state.kind !== SSL_KIND) throw new Error(`the checkpoint holds a "${checkpoint.state.kind}" run, not a semi-supervised classifier ("${SSL_KIND}")`);
  const config = checkpoint.state.config as SslConfig;
  const network = createClassifier(createRng(0), classifierShapeOf(config));
  const name = checkpoint.parameters.classifierAverage ? 'classifierAverage' : 'classifier';
  restoreParameters({ variables: classifierVariables(network) }, checkpoint.parameters[name], name);
  return new SslClassifier(network, config);
}
