// The anomaly model as a variant of the one training loop: a non-saturating GAN (Goodfellow et al. 2014) on
// complete normal rows scaled to [0, 1], one D update then one G update on the same noise per step:
//   lossD = -log D(real) - log(1 - D(G(z)))        lossG = -log D(G(z))
// Its discriminator then scores rows (./scorer.ts).
import * as tf from '@tensorflow/tfjs-core';
import { applyDenseNetwork, denseNetwork, denseNetworkWithFeatures } from '../../models/dense-network.js';
import { adam } from '../../optimizers.js';
import { createRng, forkRng, randomNormal, type Rng } from '../../random.js';
import { checkMatrix, type NumericMatrix } from '../../tabular/matrix.js';
import { fitMinMax, scaleMinMax } from '../../tabular/scaling.js';
import {
  checkpointToResume, continueTraining, requireSameShape, startTraining, type LoopOptions, type Trainable,
} from '../../train/loop.js';
import { takeShard } from '../../train/replicas.js';
import { minimize, term } from '../../train/update.js';
import { AnomalyScorer, requireComplete } from './scorer.js';

export const ANOMALY_KIND = 'anomaly-gan';

export interface AnomalyGanOptions {
  seed: number;
  iterations?: number;
  batchSize?: number;
  latentDim?: number;
  /** Hidden widths of both networks (default [64, 64]). */
  hidden?: number[];
  learningRate?: number;
  beta1?: number;
  /** Checkpoint every N iterations when training into a runDir or store (default: only at the end). */
  checkpointEvery?: number;
}

/** The anomaly GAN's config as checkpoints keep it: the options and the shape of the normal rows. */
interface AnomalyConfig extends AnomalyGanOptions { rows: number; cols: number }

// -log sigmoid(l) = softplus(-l); -log(1 - sigmoid(l)) = softplus(l).
const realLoss = (logits: tf.Tensor): tf.Scalar => tf.mean(tf.softplus(tf.neg(logits)));
const fakeLoss = (logits: tf.Tensor): tf.Scalar => tf.mean(tf.softplus(logits));

/** The anomaly GAN as the loop sees it, the run's RNG after the weights were drawn, and the scorer it ends in. */
function anomalyTrainable(normal: NumericMatrix, options: AnomalyGanOptions): { trainable: Trainable; rng: Rng; scorer(): AnomalyScorer } {
  checkMatrix(normal, 'trainAnomalyGan');
  requireComplete(normal, 'trainAnomalyGan');
  const batchSize = options.batchSize ?? 128;
  const latentDim = options.latentDim ?? 16;
  const hidden = options.hidden ?? [64, 64];
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const scaler = fitMinMax(normal);
  const data = Float32Array.from(scaleMinMax(scaler, normal).values);
  const dim = normal.cols;
  const generator = denseNetwork(initRng, [latentDim, ...hidden, dim]);
  const discriminator = denseNetwork(initRng, [dim, ...hidden, 1]);
  const lr = options.learningRate ?? 2e-4;
  const beta1 = options.beta1 ?? 0.5;
  const optimizers = { generator: adam(lr, beta1, 0.999, 1e-8), discriminator: adam(lr, beta1, 0.999, 1e-8) };
  const generate = (z: tf.Tensor) => tf.sigmoid(applyDenseNetwork(generator, z as tf.Tensor2D));
  const D = (x: tf.Tensor) => applyDenseNetwork(discriminator, x as tf.Tensor2D);
  const realBuf = new Float32Array(batchSize * dim);
  const config: AnomalyConfig = { ...options, rows: normal.rows, cols: dim };
  const trainable: Trainable = {
    kind: ANOMALY_KIND,
    config,
    settings: {
      seed: options.seed, sampleEvery: 0, checkpointEvery: options.checkpointEvery ?? 0, keepCheckpoints: 3, logEvery: 100, guardEvery: 100,
      learningRateDecay: 0,
    },
    models: { generator, discriminator },
    optimizers,
    step(env) {
      const { rng: batchRng, replicas } = env;
      for (let r = 0; r < batchSize; r++) {
        const row = batchRng.int(normal.rows);
        realBuf.set(data.subarray(row * dim, (row + 1) * dim), r * dim);
      }
      // every rank draws the full batch and keeps its rows
      const real = takeShard(tf.tensor2d(realBuf, [batchSize, dim]), replicas);
      const z = takeShard(randomNormal(batchRng, [batchSize, latentDim]), replicas);
      // the D update sees G's current fakes as constants; then the non-saturating G update on the same z
      const fake = tf.tidy(() => generate(z));
      try {
        const d = minimize(env, discriminator, optimizers.discriminator, (parts) => term(parts, 'd/adversarial', tf.add(realLoss(D(real)), fakeLoss(D(fake)))));
        const g = minimize(env, generator, optimizers.generator, (parts) => term(parts, 'g/adversarial', realLoss(D(generate(z)))));
        return { ...d, ...g };
      } finally {
        tf.dispose([real, z, fake]);
      }
    },
  };
  const scorer = () => {
    generator.dispose();
    for (const o of Object.values(optimizers)) o.dispose();
    const featureMean = tf.tidy(() => tf.mean(denseNetworkWithFeatures(discriminator, tf.tensor2d(data, [normal.rows, dim])).features, 0));
    const result = new AnomalyScorer(discriminator, scaler, featureMean.dataSync() as Float32Array);
    featureMean.dispose();
    return result;
  };
  return { trainable, rng, scorer };
}

async function scorerAfter(parts: ReturnType<typeof anomalyTrainable>, train: () => Promise<unknown>): Promise<AnomalyScorer> {
  try {
    await train();
  } catch (e) {
    for (const model of Object.values(parts.trainable.models)) model.dispose();
    throw e;
  }
  return parts.scorer();
}

/** Trains the anomaly GAN on normal rows (no missing values) and returns the scorer built on its discriminator. */
export async function trainAnomalyGan(normal: NumericMatrix, options: AnomalyGanOptions, run: LoopOptions = {}): Promise<AnomalyScorer> {
  const parts = anomalyTrainable(normal, options);
  const steps = options.iterations ?? 3000;
  return scorerAfter(parts, () => startTraining(parts.trainable, { ...run, progress: run.progress ?? 'off', steps, rng: parts.rng }));
}

/** Continues an anomaly GAN run from its newest checkpoint on the same normal rows. */
export async function resumeAnomalyGan(normal: NumericMatrix, run: LoopOptions & { iterations?: number }): Promise<AnomalyScorer> {
  const { store, checkpoint } = await checkpointToResume(ANOMALY_KIND, run, 'resumeAnomalyGan');
  const config = checkpoint.state.config as AnomalyConfig;
  requireSameShape(config, normal, store.location);
  const parts = anomalyTrainable(normal, config);
  return scorerAfter(parts, () => continueTraining(parts.trainable, checkpoint, { ...run, store, runDir: undefined, progress: run.progress ?? 'off', steps: run.iterations }));
}
