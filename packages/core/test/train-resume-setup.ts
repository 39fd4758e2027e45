// Shared by resume.test.ts and its child process: same models, same config.
import type { GanConfig } from '../src/train/types.js';
import { tinyDiscriminator, tinyGenerator } from './train-fixtures.js';

// beta1 0.8 and beta2 0.999: their running products differ from pow() within a few steps, so a
// resume that restored Adam's beta powers inexactly would fail this test.
export const resumeConfig: GanConfig = {
  loss: 'wgan-gp', latentDim: 3, seed: 11, batchSize: 16, criticSteps: 2, emaDecay: 0.9,
  optimizers: { generator: { kind: 'adam', learningRate: 1e-3, beta1: 0.8, beta2: 0.999 }, discriminator: { kind: 'adam', learningRate: 1e-3, beta1: 0.8, beta2: 0.999 } },
};

export function resumeModels() {
  return {
    generator: tinyGenerator({ latentDim: 3, outputDim: 1, seed: 21 }),
    discriminator: tinyDiscriminator({ inputDim: 1, seed: 31, dropout: 0.2 }),
  };
}
