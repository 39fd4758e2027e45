// StyleGAN (Karras et al. 2019) with the StyleGAN2 weight (de)modulation as an option, style mixing, the
// truncation trick, R1 (lazy) and DiffAugment, at CPU-sized widths (docs/generation.md).
export { ConstantInput, EqualDense, PixelNorm, StyleConv, WAverage, type StyleMode } from './layers.js';
export {
  mappingNetwork, resolutionsOf, styleganDiscriminator, styleLayers, synthesisNetwork, STYLEGAN_RESOLUTIONS,
  type StyleganNetworkOptions, type StyleganResolution,
} from './networks.js';
export {
  broadcastStyles, checkPsi, drawNoise, latentDimOf, mapZ, mixStyles, resolutionOf, styleRowsOf, synthesizeImages, truncate, type StyleGenerator,
} from './generate.js';
export {
  resumeStylegan, styleganGenerator, styleganTrainable, trainStylegan, STYLEGAN_KIND,
  type StyleganConfig, type StyleganOptions, type StyleganResult,
} from './trainer.js';
export { styleGeneratorFromCheckpoint } from './from-checkpoint.js';
export { interpolate, styleganSample, styleMixGrid, type StyleMixOptions, type StyleToolOptions } from './tools.js';
