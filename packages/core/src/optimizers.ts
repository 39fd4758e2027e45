// Optimizer settings from the papers that introduced each objective.
import * as tf from '@tensorflow/tfjs-core';

export type OptimizerPresetName = 'dcgan' | 'wgan' | 'wgan-gp';

export interface OptimizerPreset {
  generator: () => tf.Optimizer;
  discriminator: () => tf.Optimizer;
  /** Critic updates per generator update. */
  criticSteps: number;
  /** Weight clipping limit for the critic (WGAN). */
  clip?: number;
  /** Gradient-penalty weight lambda (WGAN-GP). */
  gradientPenalty?: number;
}

/**
 * - dcgan: Adam(2e-4, beta1 0.5), one D step (Radford et al. 2016).
 * - wgan: RMSProp(5e-5), clip 0.01, 5 critic steps (Arjovsky et al. 2017, Algorithm 1).
 * - wgan-gp: Adam(1e-4, 0, 0.9), 5 critic steps, lambda 10 (Gulrajani et al. 2017, Algorithm 1).
 */
export function optimizerPreset(name: OptimizerPresetName): OptimizerPreset {
  switch (name) {
    case 'dcgan':
      return { generator: () => tf.train.adam(2e-4, 0.5, 0.999), discriminator: () => tf.train.adam(2e-4, 0.5, 0.999), criticSteps: 1 };
    case 'wgan':
      return { generator: () => tf.train.rmsprop(5e-5), discriminator: () => tf.train.rmsprop(5e-5), criticSteps: 5, clip: 0.01 };
    case 'wgan-gp':
      return {
        generator: () => tf.train.adam(1e-4, 0, 0.9), discriminator: () => tf.train.adam(1e-4, 0, 0.9),
        criticSteps: 5, gradientPenalty: 10,
      };
    default:
      throw new Error(`unknown optimizer preset '${String(name)}'; expected 'dcgan', 'wgan' or 'wgan-gp'`);
  }
}
