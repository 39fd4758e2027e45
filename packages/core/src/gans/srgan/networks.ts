// SRGAN's networks (Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution Using a GAN", fig. 4).
// The generator is SRResNet: a 9x9 conv and PReLU, B residual blocks (core's residualBlock with zero
// padding, batch norm and PReLU: conv 3x3, BN, PReLU, conv 3x3, BN, + x), a 3x3 conv and BN added to the
// first conv's output (the long skip), log2(scale) upsampling stages (3x3 conv to 4x the filters, pixel
// shuffle x2, PReLU) and a 9x9 conv to the image, tanh (images here are in [-1, 1]). It is fully
// convolutional, so one model upscales images of any size. The discriminator is the paper's strided conv
// stack: 3x3 convs alternating stride 1 and 2 while the filters double from `filters` to 8x, batch norm
// after all but the first, LeakyReLU 0.2, then dense(denseUnits), LeakyReLU, dense(1) to a logit.
// The paper's sizes (B = 16, 64 filters; D from 64 filters with a 1024-unit dense layer) are options; the
// defaults are smaller so that a run fits a 2-core machine (docs/translation.md#srgan).
// ICNR (Aitken et al. 2017, "Checkerboard artifact free sub-pixel convolution"): the conv before each pixel
// shuffle starts with the same filters for all r^2 sub-pixels, so that at initialisation every shuffled r x r
// block is constant (a nearest-neighbour upsampling of a learned map) and no checkerboard is built in.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { PixelShuffle } from '../../layers/pixel-shuffle.js';
import { normalizationLayer, paddedConv, residualBlock } from '../../layers/residual-block.js';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';

export interface SrResNetOptions {
  /** image channels, default 3 */
  channels?: number;
  /** upscaling factor, a power of 2 (one pixel-shuffle x2 stage per factor 2), default 4 */
  scale?: number;
  /** residual blocks B, default 4 (the paper: 16) */
  blocks?: number;
  /** filters of every conv before the output, default 32 (the paper: 64) */
  filters?: number;
  /** ICNR initialisation of the convs before the pixel shuffles, default ICNR_BY_DEFAULT */
  icnr?: boolean;
  seed?: number;
  name?: string;
}

export interface SrDiscriminatorOptions {
  /** the high-resolution image [height, width, channels]; sides divisible by 16 */
  inputShape: [number, number, number];
  /** filters of the first two convs, doubled every second conv up to 8x, default 16 (the paper: 64) */
  filters?: number;
  /** units of the hidden dense layer, default 128 (the paper: 1024) */
  denseUnits?: number;
  seed?: number;
  name?: string;
}

/**
 * Whether srResNet initialises its sub-pixel convs by ICNR when not told: off until a phase-1 run with it is
 * measured (issue 16 could not afford one; the checkerboard measured there came from phase 2, not from the init).
 */
export const ICNR_BY_DEFAULT = false;

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

/** The number of x2 stages of a power-of-2 scale, or an error naming it. */
export function upscaleStages(scale: number): number {
  const stages = Math.log2(requirePositiveInteger(scale, 'SRResNet scale'));
  if (!Number.isInteger(stages) || stages < 1) throw new Error(`SRResNet scale must be a power of 2 from 2 up, got ${scale}`);
  return stages;
}

/** SRResNet: [N, h, w, C] in [-1, 1] -> [N, h * scale, w * scale, C] in (-1, 1), any h and w. */
export function srResNet(o: SrResNetOptions = {}): tfl.LayersModel {
  const channels = requirePositiveInteger(o.channels ?? 3, 'SRResNet channels');
  const stages = upscaleStages(o.scale ?? 4);
  const blocks = requirePositiveInteger(o.blocks ?? 4, 'SRResNet blocks');
  const filters = requirePositiveInteger(o.filters ?? 32, 'SRResNet filters');
  const name = o.name ?? 'srresnet';
  const init = new SeededInit(o.seed);
  const kernelInitializer = () => init.glorotUniform();
  const conv = (x: tfl.SymbolicTensor, f: number, kernelSize: number, layer: string) =>
    paddedConv(x, { filters: f, kernelSize, padding: 'zero', useBias: true, kernelInitializer, name: `${name}_${layer}` });
  const prelu = (x: tfl.SymbolicTensor, layer: string) => apply(tfl.layers.prelu({ sharedAxes: [1, 2], name: `${name}_${layer}` }), x);

  const input = tfl.input({ shape: [null, null, channels], name: `${name}_input` });
  const head = prelu(conv(input, filters, 9, 'head'), 'head_act');
  let x = head;
  for (let b = 0; b < blocks; b++) {
    x = residualBlock(x, { name: `${name}_block${b}`, padding: 'zero', normalization: 'batch', activation: 'prelu', kernelInitializer });
  }
  x = apply(normalizationLayer('batch', `${name}_body_norm`)!, conv(x, filters, 3, 'body'));
  x = apply(tfl.layers.add({ name: `${name}_skip` }), [head, x]);
  for (let s = 0; s < stages; s++) {
    x = conv(x, filters * 4, 3, `up${s}`);
    x = apply(new PixelShuffle({ scale: 2, name: `${name}_up${s}_shuffle` }), x);
    x = prelu(x, `up${s}_act`);
  }
  const image = apply(tfl.layers.activation({ activation: 'tanh', name: `${name}_tanh` }), conv(x, channels, 9, 'out'));
  const model = tfl.model({ inputs: input, outputs: image, name });
  if (o.icnr ?? ICNR_BY_DEFAULT) {
    for (let s = 0; s < stages; s++) icnrInitialise(model.getLayer(`${name}_up${s}`), 2);
  }
  return model;
}

/**
 * Rewrites a conv's freshly drawn kernel [k, k, in, out * r^2] and bias for a following pixel shuffle by r
 * (depth-to-space order: output channel s * out + c feeds sub-pixel s, channel c) so that all r^2 sub-pixels
 * share the filters of sub-pixel 0. Each output channel keeps the distribution it was drawn from (same
 * fan-in, same scale), only the r^2 copies become equal; done on the weights after the build rather than as
 * a custom initializer, so the saved topology and every other layer's seeded draw stay as they were.
 */
export function icnrInitialise(conv: tfl.layers.Layer, r: number): void {
  const weights = conv.getWeights();
  const kernel = weights[0];
  const depth = kernel.shape[3] ?? 0;
  if (kernel.rank !== 4 || depth === 0 || depth % (r * r) !== 0) {
    throw new Error(`ICNR: ${conv.name}'s kernel [${kernel.shape}] has no output depth divisible by ${r * r}`);
  }
  const out = depth / (r * r);
  const shared = tf.tidy(() => weights.map((w) => {
    const begin = w.shape.map(() => 0);
    const size = w.shape.map((d, i) => (i === w.rank - 1 ? out : d));
    const reps = w.shape.map((_, i) => (i === w.rank - 1 ? r * r : 1));
    return tf.tile(tf.slice(w, begin, size), reps);
  }));
  conv.setWeights(shared);
  tf.dispose(shared);
}

/** The paper's discriminator on high-resolution images: 8 strided 3x3 convs, two dense layers, one logit per image. */
export function srDiscriminator(o: SrDiscriminatorOptions): tfl.LayersModel {
  const [h, w, c] = o.inputShape.map((v, i) => requirePositiveInteger(v, `SRGAN discriminator inputShape[${i}]`));
  if (h % 16 !== 0 || w % 16 !== 0) throw new Error(`SRGAN discriminator: ${h} x ${w} images must have sides divisible by 16 (four stride-2 convs)`);
  const base = requirePositiveInteger(o.filters ?? 16, 'SRGAN discriminator filters');
  const denseUnits = requirePositiveInteger(o.denseUnits ?? 128, 'SRGAN discriminator denseUnits');
  const name = o.name ?? 'srgan_d';
  const init = new SeededInit(o.seed);
  const lrelu = (x: tfl.SymbolicTensor, layer: string) => apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_${layer}_lrelu` }), x);

  const input = tfl.input({ shape: [h, w, c], name: `${name}_input` });
  let x = input;
  for (let i = 0; i < 8; i++) {
    const filters = base * 2 ** Math.floor(i / 2);
    // PyTorch's padding=1 on both sides (tfjs's 'same' pads stride-2 convs on one side only)
    x = apply(tfl.layers.zeroPadding2d({ padding: 1, name: `${name}_pad${i}` }), x);
    x = apply(conv2d({
      filters, kernelSize: 3, strides: 1 + (i % 2), padding: 'valid', name: `${name}_conv${i}`, kernelInitializer: init.glorotUniform(),
    }), x);
    if (i > 0) x = apply(normalizationLayer('batch', `${name}_norm${i}`)!, x);
    x = lrelu(x, `conv${i}`);
  }
  x = apply(tfl.layers.flatten({ name: `${name}_flatten` }), x);
  x = lrelu(apply(tfl.layers.dense({ units: denseUnits, name: `${name}_dense`, kernelInitializer: init.glorotUniform() }), x), 'dense');
  const logit = apply(tfl.layers.dense({ units: 1, name: `${name}_logit`, kernelInitializer: init.glorotUniform() }), x);
  return tfl.model({ inputs: input, outputs: logit, name });
}
