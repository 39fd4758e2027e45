// ProGAN (Karras et al. 2018): growing from 4 x 4 with fade-in, equalised learning rate, pixel norm,
// minibatch std-dev, WGAN-GP with drift, at CPU-sized widths (docs/generation.md).
export { EqualConv2d, type EqualConv2dArgs } from './layers.js';
export { proganDiscriminator, proganGenerator, stagesOf, PROGAN_RESOLUTIONS, type ProganNetworkOptions } from './networks.js';
export { discriminateAt, generateAt, proganPhase, realAt, showAt, type ProganPhase, type ProganSchedule } from './grow.js';
export {
  proganPhaseOf, proganTrainable, resumeProgan, trainProgan, PROGAN_KIND, type ProganConfig, type ProganOptions, type ProganResult,
} from './trainer.js';
export { proganGeneratorFromCheckpoint, proganInterpolate, proganLatents, proganResolutionOf, proganSample } from './tools.js';
export { FadeIn, proganFixedPhaseModel } from './fixed-phase.js';
