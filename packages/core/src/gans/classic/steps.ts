// One critic update and one generator update, as plain functions the trainer composes.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { diffAugment } from '../../augment/diff-augment.js';
import { auxiliaryClassLoss, type GanLoss } from '../../losses.js';
import { clipWeights, gradientPenalty, r1Penalty, type Critic } from '../../penalties.js';
import { randomInt, randomNormal, type Rng } from '../../random.js';
import type { ResolvedConfig } from './config.js';
import { hasAuxClassifier, runDiscriminator, runGenerator } from '../../train/model-io.js';
import { takeShard, type Replicas } from '../../train/replicas.js';
import { minimize, term } from '../../train/update.js';
import { withSeededMathRandom } from '../../train/seeded-math-random.js';
import type { Batch, LossValues } from '../../train/types.js';

/** What D sees of images: each call its own DiffAugment draw when the config asks for it (x itself otherwise). */
function seenByD(config: ResolvedConfig, rng: Rng, x: tf.Tensor): tf.Tensor {
  return config.augment?.length ? diffAugment(x, rng, config.augment) : x;
}

export interface StepContext {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  loss: GanLoss;
  config: ResolvedConfig;
  rng: Rng;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  /** step number used in divergence errors */
  step: number;
  /** the data-parallel processes: each takes its rows of every full-batch draw, gradients are averaged */
  replicas: Replicas;
}

/**
 * One critic update on a real batch; fakes share the real labels so penalties compare like with like.
 * `fullBatch` is the batch one process would use; it is consumed (this rank's rows kept, the rest disposed).
 */
export function discriminatorStep(ctx: StepContext, fullBatch: Batch): LossValues {
  const { generator, discriminator, config, rng, loss, replicas } = ctx;
  const n = fullBatch.x.shape[0];
  const batch = { x: takeShard(fullBatch.x, replicas), labels: fullBatch.labels && takeShard(fullBatch.labels, replicas) };
  return withSeededMathRandom(rng, () => {
    const fake = tf.tidy(() => runGenerator(generator, takeShard(randomNormal(rng, [n, config.latentDim]), replicas), batch.labels, true));
    // augmented outside the tape: the images D judges are data to D's update, and the penalty is taken at them
    const [realSeen, fakeSeen] = [seenByD(config, rng, batch.x), seenByD(config, rng, fake)];
    try {
      const values = minimize(ctx, discriminator, ctx.discriminatorOptimizer, (parts) => {
        const real = runDiscriminator(discriminator, realSeen, batch.labels, true);
        const fk = runDiscriminator(discriminator, fakeSeen, batch.labels, true);
        let total = term(parts, 'd/adversarial', loss.discriminator(real.logits, fk.logits));
        if (config.penalty) {
          const critic: Critic = (x) => runDiscriminator(discriminator, x, batch.labels, true).logits;
          const penalty = config.penalty.kind === 'gp'
            ? gradientPenalty(critic, realSeen, fakeSeen, rng, config.penalty.weight, replicas)
            : r1Penalty(critic, realSeen, config.penalty.weight);
          total = tf.add(total, term(parts, `d/${config.penalty.kind}`, penalty));
        }
        if (hasAuxClassifier(discriminator) && batch.labels && real.classLogits && fk.classLogits) {
          const aux = tf.mul(config.acganWeight, tf.add(
            auxiliaryClassLoss(real.classLogits, batch.labels), auxiliaryClassLoss(fk.classLogits, batch.labels)));
          total = tf.add(total, term(parts, 'd/aux', aux as tf.Scalar));
        }
        return total;
      });
      if (config.clip !== undefined) clipWeights(discriminator, config.clip);
      return values;
    } finally {
      tf.dispose([...new Set([fake, batch.x, realSeen, fakeSeen]), ...(batch.labels ? [batch.labels] : [])]);
    }
  });
}

/** One generator update on fresh noise (and uniformly drawn labels when conditional). */
export function generatorStep(ctx: StepContext): LossValues {
  const { generator, discriminator, config, rng, loss, replicas } = ctx;
  const n = config.batchSize;
  return withSeededMathRandom(rng, () => {
    const z = takeShard(randomNormal(rng, [n, config.latentDim]), replicas);
    const labels = config.numClasses !== undefined ? takeShard(randomInt(rng, [n], config.numClasses), replicas) : undefined;
    try {
      return minimize(ctx, generator, ctx.generatorOptimizer, (parts) => {
        // G learns through the augmentation (every transform is differentiable), so it is not taught to draw augmented images
        const fake = seenByD(config, rng, runGenerator(generator, z, labels, true));
        const out = runDiscriminator(discriminator, fake, labels, true);
        let total = term(parts, 'g/adversarial', loss.generator(out.logits));
        if (out.classLogits && labels) {
          const aux = tf.mul(config.acganWeight, auxiliaryClassLoss(out.classLogits, labels));
          total = tf.add(total, term(parts, 'g/aux', aux as tf.Scalar));
        }
        return total;
      });
    } finally {
      z.dispose();
      labels?.dispose();
    }
  });
}
