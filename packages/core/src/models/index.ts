export * from './mlp.js';
export * from './dcgan.js';
