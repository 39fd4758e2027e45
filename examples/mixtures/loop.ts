// A minimal GAN training loop for the 2D study, composed from @gantry/core's losses, penalties and
// optimizer presets. (The full trainer, trainGan, adds checkpoints, EMA, logging and guards; this loop
// keeps per-step overhead low because the study runs 50 trainings on a shared CPU.)
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  clipWeights, gradientPenalty, randomNormal, type DataSource, type GanLoss, type Rng,
} from '../../packages/core/src/index.js';

export interface LoopConfig {
  loss: GanLoss;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  criticSteps: number;
  clip?: number;
  gradientPenaltyWeight?: number;
  latentDim: number;
  batchSize: number;
}

function variablesOf(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

export function trainSteps(generator: tfl.LayersModel, discriminator: tfl.LayersModel, data: DataSource,
  c: LoopConfig, steps: number, rng: Rng): void {
  const gVars = variablesOf(generator);
  const dVars = variablesOf(discriminator);
  const critic = (x: tf.Tensor) => discriminator.apply(x, { training: true }) as tf.Tensor;
  for (let step = 0; step < steps; step++) {
    for (let k = 0; k < c.criticSteps; k++) {
      tf.tidy(() => {
        const real = data.sampleBatch(rng, c.batchSize).x;
        const fake = generator.apply(randomNormal(rng, [c.batchSize, c.latentDim]), { training: true }) as tf.Tensor;
        const { grads } = tf.variableGrads(() => {
          const adversarial = c.loss.discriminator(critic(real), critic(fake));
          return c.gradientPenaltyWeight
            ? tf.add(adversarial, gradientPenalty(critic, real, fake, rng, c.gradientPenaltyWeight)) as tf.Scalar
            : adversarial;
        }, dVars);
        c.discriminatorOptimizer.applyGradients(grads);
      });
      if (c.clip !== undefined) clipWeights(discriminator, c.clip);
    }
    tf.tidy(() => {
      const z = randomNormal(rng, [c.batchSize, c.latentDim]);
      const { grads } = tf.variableGrads(
        () => c.loss.generator(critic(generator.apply(z, { training: true }) as tf.Tensor)), gVars);
      c.generatorOptimizer.applyGradients(grads);
    });
  }
}
