// Tabular GANs and their tools (browser-safe: no node:* imports).
export * from './matrix.js';
export * from './scaling.js';
export * from './missingness.js';
export * from './baselines.js';
export * from './knn-impute.js';
export * from './impute.js';
export * from '../gans/gain/index.js';
export * from '../gans/misgan/index.js';
export * from './impute-csv.js';
export * from '../gans/anomaly/index.js';
export * from './table-classifier.js';
export * from '../gans/synth/index.js';
export * from '../gans/radialgan/index.js';
