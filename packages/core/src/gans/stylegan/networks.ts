// StyleGAN's three networks at CPU-sized widths (the papers: 512 channels, 8-layer 512-wide mapping).
// mapping:   z [N, Z] -> pixel norm -> depth x (equalised dense, lrelu; learning rate x 0.01) -> w [N, W],
//            through WAverage, which holds the tracked mean of w for truncation
// synthesis: [styles [N, L, W], noise_4 [N, 4, 4, 2], noise_8, ..., noise_R] -> image [N, R, R, 3]:
//            the learned 4 x 4 constant, two StyleConvs per resolution (the first of each after 4 x 4
//            upsamples), each with its own style row and noise channel; a 1x1 conv to RGB (linear, as the papers)
// discriminator: image -> 1x1 conv, per resolution two 3x3 convs and 2x average pooling down to 4 x 4,
//            minibatch standard deviation, a 3x3 conv, dense, dense logit (leaky ReLU 0.2 throughout).
//            Plain layers (He-normal init), not equalised: the equalised rate is kept for G's own layers; each
//            convolution and its leaky ReLU are one DiscriminatorConv (layers.ts), tfjs-layers' conv2d and
//            leakyReLU in one kernel.
// With numClasses (conditional, ../class-conditioning.ts): mapping takes [z, one-hot class] and pixel-normalises
// z and the class embedding apart before concatenating them (StyleGAN2-ADA's conditional mapping); D adds the
// projection term <E(y), phi(x)> to its logit, phi(x) the features before the logit layer.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { requireOneOf, requirePositiveInteger, SeededInit } from '../../models/common.js';
import { MinibatchStdDev } from '../../layers/minibatch-stddev.js';
import { CLASS_EMBEDDING, CLASS_PROJECTION, classEmbedding, classInput, projectLogit } from '../class-conditioning.js';
import { ConstantInput, DiscriminatorConv, EqualDense, PixelNorm, StyleConv, WAverage, type StyleMode } from './layers.js';

export const STYLEGAN_RESOLUTIONS = [16, 32, 64] as const;
export type StyleganResolution = (typeof STYLEGAN_RESOLUTIONS)[number];

export interface StyleganNetworkOptions {
  /** output side: 16, 32 or 64 (8 too, for tests) */
  resolution: number;
  /** z and w size, default 64 (the papers: 512) */
  latentDim?: number;
  /** mapping layers, default 8 (the paper's) */
  mappingDepth?: number;
  /** channels at resolution r: min(maxChannels, channelBase / r); defaults 64 and 1024 */
  maxChannels?: number;
  channelBase?: number;
  /** 'adain' (StyleGAN, default) or 'modulated' (StyleGAN2 weight modulation and demodulation) */
  mode?: StyleMode;
  /** classes of a conditional model; absent (or 0): unconditional */
  numClasses?: number;
  seed?: number;
}

export function resolveNetworks(o: StyleganNetworkOptions) {
  const resolution = o.resolution;
  if (![8, ...STYLEGAN_RESOLUTIONS].includes(resolution)) {
    throw new Error(`StyleGAN: resolution must be one of ${STYLEGAN_RESOLUTIONS.join(', ')}, got ${resolution}`);
  }
  return {
    resolution,
    latentDim: requirePositiveInteger(o.latentDim ?? 64, 'StyleGAN latentDim'),
    mappingDepth: requirePositiveInteger(o.mappingDepth ?? 8, 'StyleGAN mappingDepth'),
    maxChannels: requirePositiveInteger(o.maxChannels ?? 64, 'StyleGAN maxChannels'),
    channelBase: requirePositiveInteger(o.channelBase ?? 1024, 'StyleGAN channelBase'),
    mode: requireOneOf<StyleMode>(o.mode, ['adain', 'modulated'], 'adain', 'StyleGAN mode'),
  };
}

/** The synthesis resolutions, 4 up to the output. */
export function resolutionsOf(resolution: number): number[] {
  const out: number[] = [];
  for (let r = 4; r <= resolution; r *= 2) out.push(r);
  return out;
}

/** Number of style rows L the synthesis network reads: two per resolution. */
export function styleLayers(resolution: number): number {
  return 2 * resolutionsOf(resolution).length;
}

function channelsAt(r: ReturnType<typeof resolveNetworks>, size: number): number {
  return Math.max(1, Math.min(r.maxChannels, Math.floor(r.channelBase / size)));
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

export function mappingNetwork(o: StyleganNetworkOptions, name = 'mapping'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed);
  const z = tfl.input({ shape: [r.latentDim], name: 'z' });
  let h = apply(new PixelNorm({ name: 'normalise_z' }), z);
  const inputs = [z];
  if (o.numClasses) {
    const label = classInput(o.numClasses);
    const embedded = apply(classEmbedding(r.latentDim, o.seed === undefined ? undefined : o.seed + 101, CLASS_EMBEDDING), label);
    h = apply(tfl.layers.concatenate({ name: 'z_and_class' }), [h, apply(new PixelNorm({ name: 'normalise_class' }), embedded)]);
    inputs.push(label);
  }
  for (let i = 0; i < r.mappingDepth; i++) {
    // lrelu's gain sqrt(2) of every layer but the last rides in the next layer's weight scale; w keeps it
    const last = i === r.mappingDepth - 1;
    h = apply(new EqualDense({
      units: r.latentDim, lrMultiplier: 0.01, activation: 'lrelu', activationGain: last ? Math.SQRT2 : 1, inputGain: i > 0 ? Math.SQRT2 : 1,
      seed: init.next(), name: `dense${i}`,
    }), h);
  }
  return tfl.model({ inputs: inputs.length === 1 ? z : inputs, outputs: apply(new WAverage({ name: 'w' }), h), name });
}

export function synthesisNetwork(o: StyleganNetworkOptions, name = 'synthesis'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed === undefined ? undefined : o.seed + 17);
  const sizes = resolutionsOf(r.resolution);
  const styles = tfl.input({ shape: [styleLayers(r.resolution), r.latentDim], name: 'styles' });
  const noises = sizes.map((s) => tfl.input({ shape: [s, s, 2], name: `noise${s}` }));
  let x = apply(new ConstantInput({ size: 4, channels: channelsAt(r, 4), seed: init.next(), name: 'constant' }), styles);
  sizes.forEach((s, i) => {
    for (const half of [0, 1]) {
      const layer = new StyleConv({
        filters: channelsAt(r, s), upsample: i > 0 && half === 0, styleIndex: 2 * i + half, noiseChannel: half, mode: r.mode,
        seed: init.next(), name: `conv${s}_${half}`,
      });
      x = apply(layer, [x, styles, noises[i]]);
    }
  });
  const rgb = apply(conv2d({ filters: 3, kernelSize: 1, kernelInitializer: init.glorotUniform(), name: 'to_rgb' }), x);
  return tfl.model({ inputs: [styles, ...noises], outputs: rgb, name });
}

export function styleganDiscriminator(o: StyleganNetworkOptions, name = 'discriminator'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed === undefined ? undefined : o.seed + 31);
  const he = () => tfl.initializers.heNormal({ seed: init.next() });
  const conv = (filters: number, kernelSize: number, layerName: string) =>
    new DiscriminatorConv({ filters, kernelSize, seed: init.next(), name: layerName });
  const act = (n: string) => tfl.layers.leakyReLU({ alpha: 0.2, name: n });
  const image = tfl.input({ shape: [r.resolution, r.resolution, 3], name: 'image' });
  let h = apply(conv(channelsAt(r, r.resolution), 1, 'from_rgb'), image);
  for (let s = r.resolution; s > 4; s /= 2) {
    h = apply(conv(channelsAt(r, s), 3, `conv${s}_0`), h);
    h = apply(conv(channelsAt(r, s / 2), 3, `conv${s}_1`), h);
    h = apply(tfl.layers.averagePooling2d({ poolSize: 2, name: `pool${s}` }), h);
  }
  h = apply(new MinibatchStdDev({ groupSize: 4, name: 'minibatch_stddev' }), h);
  h = apply(conv(channelsAt(r, 4), 3, 'conv4'), h);
  h = apply(tfl.layers.flatten({ name: 'flatten' }), h);
  h = apply(act('dense_act'), apply(tfl.layers.dense({ units: channelsAt(r, 4), kernelInitializer: he(), name: 'dense' }), h));
  const logit = apply(tfl.layers.dense({ units: 1, kernelInitializer: init.glorotUniform(), name: 'logit' }), h);
  if (!o.numClasses) return tfl.model({ inputs: image, outputs: logit, name });
  const label = classInput(o.numClasses);
  const embedded = apply(classEmbedding(channelsAt(r, 4), o.seed === undefined ? undefined : o.seed + 131, CLASS_PROJECTION), label);
  return tfl.model({ inputs: [image, label], outputs: projectLogit(logit, h, embedded, 'projected_logit'), name });
}
