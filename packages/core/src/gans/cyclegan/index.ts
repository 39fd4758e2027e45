// CycleGAN (Zhu et al. 2017): unpaired translation, two ResNet generators tied by cycle consistency.
export {
  cycleGanTrainable, resumeCycleGan, trainCycleGan, CYCLEGAN_KIND, type CycleGanConfig, type CycleGanOptions,
} from './trainer.js';
export {
  requireSameImages, type TwoWayData, type TwoWayOptions, type TwoWayResult, type TwoWayRunOptions,
} from '../two-way/trainer.js';
