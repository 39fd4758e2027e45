// PatchGAN discriminator (Isola et al. 2017, pix2pix; CycleGAN's too): a fully convolutional critic
// whose output is a grid of logits, each judging one overlapping patch of the input, as the authors'
// NLayerDiscriminator: conv 4x4 stride 2 + LeakyReLU(0.2); (layers - 1) x [conv 4x4 stride 2, norm,
// LeakyReLU]; conv 4x4 stride 1, norm, LeakyReLU; conv 4x4 stride 1 to one channel. Every conv pads 1
// pixel of zeros as theirs do (explicit padding + 'valid', since tfjs's 'same' pads stride-1 4x4
// convolutions unevenly). With 3 layers each logit sees 70 x 70 input pixels (the "70 x 70 PatchGAN").
// Weights start from N(0, 0.02), batch norm's gamma from N(1, 0.02) (their init_type 'normal'); biases
// only where the norm is not batch norm, as theirs. With conditionChannels the model takes
// [condition, image] and judges their channel-wise concatenation (pix2pix's conditional D on pairs).
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../layers/conv2d.js';
import { normalizationLayer, type BlockNormalization } from '../layers/residual-block.js';
import { optionalPositiveInteger, requirePositiveInteger, SeededInit } from './common.js';

/** The pix2pix authors' init_weights for batch norm: gamma from N(1, 0.02) (beta 0). */
export function batchNormGamma(init: SeededInit): ReturnType<typeof tfl.initializers.randomNormal> {
  return tfl.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: init.next() });
}

export interface PatchGanOptions {
  /** image [height, width, channels] */
  inputShape: [number, number, number];
  /** pix2pix: channels of the condition image; the model then takes [condition, image] */
  conditionChannels?: number;
  /** strided layers after the first conv (the authors' n_layers), default 3 */
  layers?: number;
  /** filters of the first conv (ndf), default 64, doubling per layer up to 8x */
  baseFilters?: number;
  /** 'instance' (default; CycleGAN), 'batch' (pix2pix's default) or 'none' */
  normalization?: BlockNormalization;
  seed?: number;
  name?: string;
}

/** The side of the input square one output logit depends on, for a PatchGAN with n layers. */
export function patchGanReceptiveField(layers: number): number {
  // Walking back from one output pixel: two stride-1 4x4 convs, then n stride-2 4x4 convs.
  let field = 1;
  for (let i = 0; i < 2; i++) field += 3;
  for (let i = 0; i < layers; i++) field = field * 2 + 2;
  return field;
}

/** Output grid side for an input side s: the stride-2 convs give floor(s / 2) each, the stride-1 ones s - 1. */
export function patchGanOutputSize(side: number, layers: number): number {
  let s = side;
  for (let i = 0; i < layers; i++) s = Math.floor((s + 2 - 4) / 2) + 1;
  return s - 2;
}

export function patchGanDiscriminator(o: PatchGanOptions): tfl.LayersModel {
  const [h, w, c] = o.inputShape.map((v, i) => requirePositiveInteger(v, `patchGanDiscriminator inputShape[${i}]`));
  const layers = requirePositiveInteger(o.layers ?? 3, 'patchGanDiscriminator layers');
  const base = requirePositiveInteger(o.baseFilters ?? 64, 'patchGanDiscriminator baseFilters');
  const conditionChannels = optionalPositiveInteger(o.conditionChannels, 'patchGanDiscriminator conditionChannels');
  const normalization = o.normalization ?? 'instance';
  if (patchGanOutputSize(Math.min(h, w), layers) < 1) {
    throw new Error(`patchGanDiscriminator: ${h} x ${w} images are too small for ${layers} layers (at least ${3 * 2 ** layers} pixels a side)`);
  }
  const name = o.name ?? 'patchgan';
  const init = new SeededInit(o.seed);
  const image = tfl.input({ shape: [h, w, c], name: `${name}_image` });
  const condition = conditionChannels === undefined ? undefined : tfl.input({ shape: [h, w, conditionChannels], name: `${name}_condition` });
  let x = condition ? tfl.layers.concatenate({ name: `${name}_pair` }).apply([condition, image]) as tfl.SymbolicTensor : image;

  const block = (filters: number, stride: number, i: number, norm: boolean, activation: boolean) => {
    x = tfl.layers.zeroPadding2d({ padding: 1, name: `${name}_pad${i}` }).apply(x) as tfl.SymbolicTensor;
    x = conv2d({
      filters, kernelSize: 4, strides: stride, padding: 'valid', name: `${name}_conv${i}`,
      useBias: !norm || normalization !== 'batch', kernelInitializer: init.normal(0.02),
    }).apply(x) as tfl.SymbolicTensor;
    const n = norm ? normalizationLayer(normalization, `${name}_norm${i}`, normalization === 'batch' ? batchNormGamma(init) : undefined) : null;
    if (n) x = n.apply(x) as tfl.SymbolicTensor;
    if (activation) x = tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_lrelu${i}` }).apply(x) as tfl.SymbolicTensor;
  };
  const filters = (k: number) => base * Math.min(2 ** k, 8);
  block(base, 2, 0, false, true);
  for (let k = 1; k < layers; k++) block(filters(k), 2, k, true, true);
  block(filters(layers), 1, layers, true, true);
  block(1, 1, layers + 1, false, false);
  return tfl.model({ inputs: condition ? [condition, image] : image, outputs: x, name });
}
