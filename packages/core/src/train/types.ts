// Shapes of the things the trainer passes around. Browser-safe.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LossName } from '../losses.js';
import type { DiffAugmentTransform } from '../augment/diff-augment.js';
import type { Rng, RngState } from '../random.js';

/** One batch of training data: examples and, for conditional GANs, int32 class labels [N] or [N, 1]. */
export interface Batch { x: tf.Tensor; labels?: tf.Tensor }

/** Where batches come from. Sampling must depend only on the rng so that runs replay and resume exactly. */
export interface DataSource {
  /** number of examples (informational) */
  size: number;
  sampleBatch(rng: Rng, batchSize: number): Batch;
}

/** A serialisable optimizer description, so that a resumed run rebuilds the same optimizer. */
export type OptimizerSpec =
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number }
  | { kind: 'rmsprop'; learningRate: number; decay?: number; momentum?: number; epsilon?: number }
  | { kind: 'sgd'; learningRate: number };

export type PresetName = 'dcgan' | 'wgan' | 'wgan-gp';

export interface PenaltyConfig { kind: 'gp' | 'r1'; weight: number }

export interface GanConfig {
  loss: LossName;
  latentDim: number;
  seed: number;
  batchSize: number;
  /** critic (discriminator) updates per generator update; default from the optimizer preset. */
  criticSteps?: number;
  /** gradient penalty (WGAN-GP) or R1; 'wgan-gp' implies {kind: 'gp', weight: 10}. */
  penalty?: PenaltyConfig;
  /** clip every critic weight to [-clip, clip] after each critic update (WGAN); 'wgan' implies 0.01. */
  clip?: number;
  /** one-sided label smoothing: D's target for real examples (e.g. 0.9) with minimax/nonsaturating/lsgan. */
  realLabel?: number;
  /** number of classes for conditional GANs (cGAN inputs or ACGAN auxiliary head). */
  numClasses?: number;
  /** weight of the ACGAN auxiliary class loss when D has a second (class logits) output; default 1. */
  acganWeight?: number;
  /**
   * fraction of the run, at its end, over which every optimizer's learning rate falls linearly to 0
   * (0 or absent: constant). The trainer sets the rates itself, on resume too.
   */
  learningRateDecay?: number;
  /** exponential moving average of G's weights, e.g. 0.999; off when absent. */
  emaDecay?: number;
  /**
   * DiffAugment (Zhao et al. 2020) transforms D sees real and fake images through, each batch its own draw from
   * the run's RNG, in D's updates (and its penalty) and in G's; image data [N, H, W, C] only; default none.
   */
  augment?: DiffAugmentTransform[];
  /**
   * data-parallel runs: batch norm normalises with all ranks' rows (train/sync-batch-norm.ts), so N ranks
   * match one process; default false (per rank, as DDP without SyncBatchNorm). No effect with one process.
   */
  syncBatchNorm?: boolean;
  /** optimizer preset; default derived from the loss ('wgan', 'wgan-gp', else 'dcgan'). */
  preset?: PresetName;
  /** explicit optimizers; override the preset. */
  optimizers?: { generator: OptimizerSpec; discriminator: OptimizerSpec };
  /** write a sample grid every N steps (0: never); default 0. */
  sampleEvery?: number;
  /** number of images in a sample grid; default 64 (rounded to whole rows of classes when conditional). */
  sampleCount?: number;
  /** shape of one sample image for grids when G outputs flat vectors, e.g. [28, 28, 1] for a 784-wide MLP */
  sampleShape?: number[];
  /** checkpoint every N steps (0: only at the end); default 0. */
  checkpointEvery?: number;
  /** checkpoints to keep on disk; default 3. */
  keepCheckpoints?: number;
  /** append a metrics line every N steps; default 10. */
  logEvery?: number;
  /** check every weight for NaN/Inf every N steps; default 1 (losses are checked every step). */
  guardEvery?: number;
}

/** Loss parts of one training step, by name (e.g. 'd/adversarial', 'd/penalty', 'g/adversarial'). */
export type LossValues = Record<string, number>;

export interface StepInfo {
  step: number;
  totalSteps: number;
  losses: LossValues;
  stepsPerSecond: number;
}

export interface TrainCallbacks {
  onStep?(info: StepInfo): void | Promise<void>;
  onCheckpoint?(info: { step: number; location: string }): void | Promise<void>;
  onSample?(info: { step: number; images: tf.Tensor; location?: string }): void | Promise<void>;
  onEnd?(info: { step: number }): void | Promise<void>;
}

export interface TrainResult {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  /** a copy of G carrying the EMA weights (when emaDecay is set) */
  emaGenerator?: tfl.LayersModel;
  step: number;
  /** true when an AbortSignal ended the run before `steps` */
  stopped: boolean;
  /** losses of the last step */
  losses: LossValues;
  rngState: RngState;
}
