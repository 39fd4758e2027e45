// CTGAN-style tabular synthesizer (browser-safe: no node:* imports). The networks and the cond-vector
// sampler (networks.ts, conditional.ts) are internals, imported by path where needed.
export * from './gmm.js';
export * from './transformer.js';
export * from './synthesizer.js';
export * from './fidelity.js';
export { conditionLoss, fitSynthesizer, resumeSynthesizer, SYNTH_KIND } from './trainer.js';
