// Training defaults per kind of data: the policy gantry train applies when a flag is not given
// (documented in docs/cli.md). Browser-safe.
import type { DataKind } from './format.js';

export interface TrainingDefaults {
  steps: number;
  batch: number;
  latentDim: number;
  /** both networks' learning rate (non-Wasserstein losses; WGAN keeps its preset's) */
  lr: number;
  /** learningRateDecay */
  lrDecay: number;
  /** R1 weight for non-Wasserstein losses */
  r1: number;
}

// points: the "fast-unit-scale" recipe of docs/mode-collapse.md (lr decay, R1 and nets at the data's scale: ring8
// 8/8 modes, 81% high quality in about a minute; the previous default gave 7/8, 35%); table: lr 1e-3 beat 2e-4 on
// letter.csv in every fidelity measure (docs/cli.md).
export const TRAINING_DEFAULTS: Readonly<Record<DataKind, TrainingDefaults>> = {
  points: { steps: 2500, batch: 256, latentDim: 2, lr: 1e-3, lrDecay: 0.4, r1: 1 },
  table: { steps: 2000, batch: 128, latentDim: 16, lr: 1e-3, lrDecay: 0, r1: 0 },
  image: { steps: 3000, batch: 64, latentDim: 64, lr: 2e-4, lrDecay: 0, r1: 0 },
};
