export * from './mlp.js';
export * from './dcgan.js';
export * from './dense-network.js';
export * from './patchgan.js';
export * from './unet.js';
export * from './resnet-generator.js';
