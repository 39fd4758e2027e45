// GAN-TTS's networks (Binkowski et al. 2020, "High Fidelity Speech Synthesis with Adversarial Networks")
// at a size a 2-core CPU trains, on [N, 1, T, C] tensors (1-D convolutions as 2-D ones of height 1, so
// every kernel runs natively on the torch backend), every convolution, dilated or not, one TimeConv layer
// (layers/time-conv.ts: one FusedConv2D kernel with bias and, in D, the leaky ReLU); D's logit is core's
// fused dense layer.
// G: features [N, 1, F, W] at 200 Hz and noise z [N, Z] -> waveform [N, 1, 80F, 1] at 16 kHz: a 1x3 conv,
// then GBlocks, each: two residual halves of (conditional BN on z, ReLU, dilated 1x3 conv) x 2 with
// dilations (1, 2) and (4, 8), the first half upsampling by the block's factor (nearest) with a 1x1 conv
// on its skip; the factors multiply to 80 (default 2, 2, 4, 5); a 1x3 conv to one channel and tanh.
// D: an ensemble of random-window discriminators, each on a window of w samples, unconditional (the
// audio alone) or conditional (the audio and the window's features): the window folded to [w/20, 20],
// two 1x3 convs (dilations 1, 2), average pooling to the frame rate, the features' 1x1 projection added
// when conditional, two more convs, global average pooling and a dense logit.
import * as tfl from '@tensorflow/tfjs-layers';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';
import { dense } from '../../layers/dense.js';
import { TimeConv } from '../../layers/time-conv.js';
import { HOP } from '../../audio/frames.js';
import { ConditionalBatchNormRelu } from './conditional-norm.js';

export interface GanttsNetworkOptions {
  /** features per frame (the corpus's phonemes + 2) */
  featureWidth: number;
  /** noise size, default 32 (the paper: 128) */
  latentDim?: number;
  /** channels of the GBlocks, default [64, 48, 32, 16]; one block per upsampling factor */
  channels?: number[];
  /** upsampling factors, product 80 (200 Hz -> 16 kHz), default [2, 2, 4, 5] */
  upsampling?: number[];
  /** discriminator window sizes in samples (multiples of 80), default [480, 1600]; each gets a conditional and an unconditional D */
  windows?: number[];
  /** discriminator channels, default 32 */
  discriminatorChannels?: number;
  seed?: number;
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
const FOLD = 20;
export const DEFAULT_WINDOWS = [480, 1600];

export function resolveNetworks(o: GanttsNetworkOptions) {
  const r = {
    featureWidth: requirePositiveInteger(o.featureWidth, 'GAN-TTS featureWidth'),
    latentDim: requirePositiveInteger(o.latentDim ?? 32, 'GAN-TTS latentDim'),
    channels: o.channels ?? [64, 48, 32, 16],
    upsampling: o.upsampling ?? [2, 2, 4, 5],
    windows: o.windows ?? DEFAULT_WINDOWS,
    discriminatorChannels: requirePositiveInteger(o.discriminatorChannels ?? 32, 'GAN-TTS discriminatorChannels'),
  };
  if (r.channels.length !== r.upsampling.length) throw new Error(`GAN-TTS: ${r.channels.length} block channels for ${r.upsampling.length} upsampling factors`);
  r.channels.forEach((c, i) => requirePositiveInteger(c, `GAN-TTS channels[${i}]`));
  const product = r.upsampling.reduce((p, f) => p * requirePositiveInteger(f, 'GAN-TTS upsampling factor'), 1);
  if (product !== HOP) throw new Error(`GAN-TTS: upsampling factors ${r.upsampling.join(' x ')} = ${product}, they must multiply to ${HOP} (200 Hz -> 16 kHz)`);
  for (const w of r.windows) {
    if (!Number.isInteger(w) || w <= 0 || w % HOP !== 0) throw new Error(`GAN-TTS: window ${w} must be a positive multiple of ${HOP} samples (whole frames)`);
  }
  return r;
}

/** G: [features [N, 1, F, W], z [N, Z]] -> [N, 1, 80F, 1] in (-1, 1). */
export function ganttsGenerator(o: GanttsNetworkOptions, name = 'generator'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed);
  const conv = (x: tfl.SymbolicTensor, filters: number, kernel: number, dilation: number, layer: string) =>
    apply(new TimeConv({ filters, kernel, dilation, kernelInitializer: init.glorotUniform(), name: `${name}_${layer}` }), x);
  const features = tfl.input({ shape: [1, null, r.featureWidth], name: `${name}_features` });
  const z = tfl.input({ shape: [r.latentDim], name: `${name}_z` });
  const normRelu = (x: tfl.SymbolicTensor, layer: string) => apply(new ConditionalBatchNormRelu({ name: `${name}_${layer}_cbn` }), [x, z]);
  const upsample = (x: tfl.SymbolicTensor, factor: number, layer: string) =>
    factor === 1 ? x : apply(tfl.layers.upSampling2d({ size: [1, factor], name: `${name}_${layer}_up` }), x);
  let x = conv(features, r.channels[0], 3, 1, 'head');
  r.channels.forEach((filters, b) => {
    const up = r.upsampling[b];
    let h = upsample(normRelu(x, `b${b}_n1`), up, `b${b}_h`);
    h = conv(normRelu(conv(h, filters, 3, 1, `b${b}_c1`), `b${b}_n2`), filters, 3, 2, `b${b}_c2`);
    const skip = conv(upsample(x, up, `b${b}_s`), filters, 1, 1, `b${b}_skip`);
    x = apply(tfl.layers.add({ name: `${name}_b${b}_add1` }), [h, skip]);
    h = conv(normRelu(x, `b${b}_n3`), filters, 3, 4, `b${b}_c3`);
    h = conv(normRelu(h, `b${b}_n4`), filters, 3, 8, `b${b}_c4`);
    x = apply(tfl.layers.add({ name: `${name}_b${b}_add2` }), [x, h]);
  });
  const wave = apply(tfl.layers.activation({ activation: 'tanh', name: `${name}_tanh` }), conv(x, 1, 3, 1, 'out'));
  return tfl.model({ inputs: [features, z], outputs: wave, name });
}

/** The ensemble's members in input order: for each window, the unconditional D, then the conditional one. */
export function discriminatorNames(windows: readonly number[]): string[] {
  return windows.flatMap((w) => [`u${w}`, `c${w}`]);
}

/**
 * The ensemble as one model. Inputs, per window w: the unconditional D's window [N, 1, w, 1], then the
 * conditional D's window [N, 1, w, 1] and its features [N, 1, w/80, W]. Outputs: one logit [N, 1] per D,
 * in discriminatorNames order.
 */
export function ganttsDiscriminators(o: GanttsNetworkOptions, name = 'discriminator'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed === undefined ? undefined : o.seed + 1);
  const c = r.discriminatorChannels;
  const inputs: tfl.SymbolicTensor[] = [];
  const outputs: tfl.SymbolicTensor[] = [];
  for (const w of r.windows) {
    for (const conditional of [false, true]) {
      const id = `${name}_${conditional ? 'c' : 'u'}${w}`;
      const conv = (x: tfl.SymbolicTensor, filters: number, kernel: number, dilation: number, layer: string) =>
        apply(new TimeConv({ filters, kernel, dilation, activation: 'leakyrelu', alpha: 0.2, kernelInitializer: init.glorotUniform(), name: `${id}_${layer}` }), x);
      const audio = tfl.input({ shape: [1, w, 1], name: `${id}_audio` });
      inputs.push(audio);
      let x = apply(tfl.layers.reshape({ targetShape: [1, w / FOLD, FOLD], name: `${id}_fold` }), audio);
      x = conv(conv(x, c, 3, 1, 'c1'), c, 3, 2, 'c2');
      x = apply(tfl.layers.averagePooling2d({ poolSize: [1, HOP / FOLD], strides: [1, HOP / FOLD], name: `${id}_pool` }), x);
      if (conditional) {
        const features = tfl.input({ shape: [1, w / HOP, r.featureWidth], name: `${id}_features` });
        inputs.push(features);
        const projected = apply(new TimeConv({ filters: c, kernel: 1, kernelInitializer: init.glorotUniform(), name: `${id}_project` }), features);
        x = apply(tfl.layers.add({ name: `${id}_condition` }), [x, projected]);
      }
      x = conv(conv(x, 2 * c, 3, 1, 'c3'), 2 * c, 3, 2, 'c4');
      x = apply(tfl.layers.globalAveragePooling2d({ name: `${id}_gap` }), x);
      outputs.push(apply(dense({ units: 1, kernelInitializer: init.glorotUniform(), name: `${id}_logit` }), x));
    }
  }
  return tfl.model({ inputs, outputs, name });
}
