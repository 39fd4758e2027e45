// @gantry/core: the public API. Each area keeps its own index; this file only re-exports.
export * from './data/index.js';
export * from './metrics/index.js';
