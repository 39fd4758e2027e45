// Tabular GANs and their tools (browser-safe: no node:* imports).
export * from './matrix.js';
export * from './scaling.js';
export * from './missingness.js';
export * from './baselines.js';
export * from '../gans/gain/index.js';
export * from './mlp.js';
export * from './impute-csv.js';
export * from './anomaly.js';
export * from './classifier.js';
export * from './synth/index.js';
export * from './radialgan/index.js';
