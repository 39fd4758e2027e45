// RadialGAN: several datasets with different columns pooled through one shared latent space.
export * from './radialgan.js';
export { latentCycleLoss, reconstructionLoss } from './losses.js';

