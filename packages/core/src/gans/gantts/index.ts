// GAN-TTS (Binkowski et al. 2020) at small scale on espeak-ng machine speech (docs/audio.md).
export { ConditionalBatchNormRelu } from './conditional-norm.js';
export { DEFAULT_WINDOWS, discriminatorNames, ganttsDiscriminators, ganttsGenerator, resolveNetworks, type GanttsNetworkOptions } from './networks.js';
export {
  clipTensors, ganttsConfig, ganttsGeneratorOf, ganttsTrainable, GANTTS_KIND, resumeGantts, synthesize, trainGantts,
  type GanttsConfig, type GanttsOptions, type GanttsResult, type GanttsRunOptions,
} from './trainer.js';
