export { dense, FusedDense } from './dense.js';
export { Maxout } from './maxout.js';
export { MinibatchDiscrimination, type MinibatchDiscriminationArgs } from './minibatch-discrimination.js';
export { MinibatchStdDev, type MinibatchStdDevArgs } from './minibatch-stddev.js';
export { PackSamples } from './pack-samples.js';
export { SNDense, SNConv2D, type SNDenseArgs, type SNConv2DArgs } from './spectral-norm.js';
