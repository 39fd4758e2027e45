// The StyleGAN networks of docs/generation.md's emoji measurements (examples/generation/compare-generators.ts),
// which the PyTorch twin (stylegan_twin.py) builds layer for layer.
export const TWIN_NETWORKS = { resolution: 32, latentDim: 64, mappingDepth: 8, maxChannels: 32, channelBase: 512, mode: 'adain' } as const;
