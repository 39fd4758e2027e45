// SRGAN (Ledig et al. 2017): x4 super-resolution, SRResNet trained on MSE, then fine-tuned adversarially
// with a content loss in the features of core's emoji classifier (docs/translation.md#srgan).
export { srDiscriminator, srResNet, upscaleStages, type SrDiscriminatorOptions, type SrResNetOptions } from './networks.js';
export { contentLoss, contentNetwork, pixelMse, type ContentNetwork } from './content.js';
export {
  areaDownsample, cubicKernel, resampleMatrix, superResolutionPairs, upsampleImages, UPSAMPLING_FLOORS, type UpsamplingFloor,
} from './resample.js';
export {
  resolveSrganOptions, resumeSrgan, resumeSrResNet, srganGenerator, srganTrainable, srResNetTrainable, trainSrgan, trainSrResNet, SRGAN_KIND, SRRESNET_KIND,
  type SrganConfig, type SrganOptions, type SrganPhase, type SrganResult, type SrganRunOptions,
} from './trainer.js';
export { comparisonRows, superResolutionScores, upsampleDataset, upscaleImages, type SuperResolutionScores } from './upscale.js';
