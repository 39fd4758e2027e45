// @gantry/core: the public API. Each area keeps its own index; this file only re-exports.
export * from './data/index.js';
export * from './metrics/index.js';

export * from './tfjs-gradients/index.js';
export * from './random.js';
export * from './losses.js';
export * from './penalties.js';
export * from './models/index.js';
export * from './layers/index.js';
export * from './train/index.js';
export * from './run/index.js';
export * from './tabular/index.js';
export * from './optimizers.js';
export * from './mixtures/index.js';
export * from './gans/pix2pix/index.js';
export * from './gans/cyclegan/index.js';
export * from './gans/discogan/index.js';
export * from './gans/ssl/index.js';
export * from './gans/srgan/index.js';
export * from './gans/stackgan/index.js';
export * from './audio/index.js';
export * from './gans/gantts/index.js';
export * from './gans/stylegan/index.js';
export * from './gans/progan/index.js';
export * from './augment/diff-augment.js';
export * from './image/gif.js';
export * from './gans/video/index.js';
