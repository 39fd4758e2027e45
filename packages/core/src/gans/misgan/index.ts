// MisGAN (Li, Jiang & Marlin, ICLR 2019): learning from incomplete data with a data generator, a mask generator
// and an imputer, each against its own critic.
export * from './losses.js';
export { MisganImputer, observedAndMask } from './imputer.js';
export { MISGAN_ARCHITECTURES, misganModels, runNetwork, type MisganArchitecture, type MisganModels } from './models.js';
export { misganTrainable, resumeMisgan, trainMisgan, MISGAN_KIND, type MisganOptions, type MisganRunOptions } from './trainer.js';
