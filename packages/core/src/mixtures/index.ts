export * from './sources.js';
export * from './metrics.js';
