// RadialGAN: several datasets with different columns pooled through one shared latent space.
export { RadialGan, stackLabelledRows, translateInto, type RadialDomain, type RadialGanOptions, type RadialGanProgress } from './radialgan.js';
export { RADIALGAN_KIND, resumeRadialGan, trainRadialGan } from './trainer.js';
export { latentCycleLoss, reconstructionLoss } from './losses.js';
export type { RadialScaling } from './columns.js';
