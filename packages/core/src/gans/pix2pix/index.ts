// pix2pix (Isola et al. 2017): paired image-to-image translation, U-Net G against a PatchGAN on pairs.
export {
  pix2pixGenerator, pix2pixTrainable, requireSamePairs, resumePix2pix, trainPix2pix, PIX2PIX_KIND, PIX2PIX_OBJECTIVES,
  type Pix2pixConfig, type Pix2pixObjective, type Pix2pixOptions, type Pix2pixResult, type Pix2pixRunOptions,
} from './trainer.js';
export { translateImages, translationMetrics, type TranslateOptions } from './translate.js';
