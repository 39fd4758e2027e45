// DiscoGAN (Kim et al. 2017): unpaired translation, encoder-decoder generators, GAN loss plus reconstruction.
export { discoGanTrainable, resumeDiscoGan, trainDiscoGan, DISCOGAN_KIND, type DiscoGanConfig, type DiscoGanOptions } from './trainer.js';
export { discoganDiscriminator, discoganGenerator, discoganStages, type DiscoganNetworkOptions } from './networks.js';
