export { dense, FusedDense } from './dense.js';
export { conv2d, FusedConv2D } from './conv2d.js';
export { Maxout } from './maxout.js';
export { MinibatchDiscrimination, type MinibatchDiscriminationArgs } from './minibatch-discrimination.js';
export { MinibatchStdDev, type MinibatchStdDevArgs } from './minibatch-stddev.js';
export { PackSamples } from './pack-samples.js';
export { SNDense, SNConv2D, type SNDenseArgs, type SNConv2DArgs } from './spectral-norm.js';
export { batchNormalization, NativeBatchNormalization } from './batch-norm.js';
export { InstanceNormalization, instanceNorm, type InstanceNormalizationArgs } from './instance-norm.js';
export { ReflectionPadding2D, reflectPad2d, type ReflectionPadding2DArgs, type Padding2D } from './reflection-pad.js';
export { PixelShuffle, pixelShuffle, type PixelShuffleArgs } from './pixel-shuffle.js';
export {
  residualBlock, paddedConv, normalizationLayer, type ResidualBlockOptions, type BlockNormalization, type BlockPadding,
} from './residual-block.js';
export { upsample, NearestUpsampling2D, type UpsampleOptions } from './upsample.js';
export { ImagePool, type ImagePoolOptions, type ImagePoolState } from './image-pool.js';
export { TimeConv, type TimeConvArgs } from './time-conv.js';
