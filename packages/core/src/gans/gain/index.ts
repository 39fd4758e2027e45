// GAIN (Yoon et al. 2018): imputation of missing entries by a generator against a mask-guessing discriminator.
export * from './losses.js';
export { GainImputer } from './imputer.js';
export { gainTrainable, resumeGain, trainGain, GAIN_KIND, type GainOptions, type GainProgress, type GainRunOptions } from './trainer.js';
