// CycleGAN's ResNet generator (Zhu et al. 2017, appendix 7.2, after Johnson et al. 2016), layer for layer
// as the authors' ResnetGenerator: c7s1-ngf (reflection pad 3, 7x7 conv, norm, ReLU); `downsamplings`
// 3x3 stride-2 convs doubling the filters (zero pad 1); `blocks` residual blocks (reflection padding,
// norm); as many 3x3 stride-2 transposed convs halving them; c7s1-outputChannels with tanh. Instance norm
// without affine by default, biases on every conv (the authors' use_bias when the norm is instance norm),
// weights N(0, 0.02). Their ConvTranspose2d(k=3, s=2, padding=1, output_padding=1) puts input pixel i at
// output rows 2i-1..2i+1; tfjs's 'same' transposed conv puts it at 2i..2i+2, so here a 'valid' transposed
// conv (2H + 1 rows, input pixel i at 2i..2i+2) drops its first row and column to line up with theirs.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../layers/conv2d.js';
import { normalizationLayer, paddedConv, residualBlock, type BlockNormalization } from '../layers/residual-block.js';
import { requirePositiveInteger, SeededInit } from './common.js';

export interface ResnetGeneratorOptions {
  /** input image [height, width, channels]; height and width divisible by 2^downsamplings */
  inputShape: [number, number, number];
  /** output channels, default the input's */
  outputChannels?: number;
  /** filters of the first conv (ngf), default 64 */
  baseFilters?: number;
  /** residual blocks: default 9 from 256 px up, 6 below (the authors' resnet_9blocks / resnet_6blocks) */
  blocks?: number;
  /** stride-2 convs down (and transposed convs up), default 2 */
  downsamplings?: number;
  /** 'instance' (default), 'batch' or 'none' */
  normalization?: BlockNormalization;
  /** dropout in the residual blocks (the authors' use_dropout), default 0 */
  dropout?: number;
  seed?: number;
  name?: string;
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) => layer.apply(x) as tfl.SymbolicTensor;

/** [N, H, W, C] in [-1, 1] -> [N, H, W, outputChannels] in (-1, 1). */
export function resnetGenerator(o: ResnetGeneratorOptions): tfl.LayersModel {
  const [h, w, c] = o.inputShape.map((v, i) => requirePositiveInteger(v, `resnetGenerator inputShape[${i}]`));
  const outputChannels = requirePositiveInteger(o.outputChannels ?? c, 'resnetGenerator outputChannels');
  const base = requirePositiveInteger(o.baseFilters ?? 64, 'resnetGenerator baseFilters');
  const blocks = requirePositiveInteger(o.blocks ?? (Math.min(h, w) >= 256 ? 9 : 6), 'resnetGenerator blocks');
  const downsamplings = requirePositiveInteger(o.downsamplings ?? 2, 'resnetGenerator downsamplings');
  const scale = 2 ** downsamplings;
  // the residual blocks reflect 1 pixel, which needs at least 2 at the innermost size
  if (h % scale !== 0 || w % scale !== 0 || Math.min(h, w) / scale < 2) {
    throw new Error(`resnetGenerator: ${h} x ${w} must be divisible by 2^downsamplings = ${scale} and leave at least 2 x 2 pixels inside`);
  }
  if (Math.min(h, w) <= 3) throw new Error(`resnetGenerator: ${h} x ${w} is too small for the 7 x 7 reflection-padded convs`);
  const normalization = o.normalization ?? 'instance';
  const name = o.name ?? 'resnet';
  const init = new SeededInit(o.seed);
  const useBias = normalization !== 'batch';
  const kernelInitializer = () => init.normal(0.02);
  const normRelu = (x: tfl.SymbolicTensor, layerName: string) => {
    const norm = normalizationLayer(normalization, `${layerName}_norm`);
    return apply(tfl.layers.reLU({ name: `${layerName}_relu` }), norm ? apply(norm, x) : x);
  };

  const input = tfl.input({ shape: [h, w, c], name: `${name}_input` });
  let x = normRelu(paddedConv(input, { filters: base, kernelSize: 7, padding: 'reflect', useBias, kernelInitializer, name: `${name}_in` }), `${name}_in`);
  for (let i = 0; i < downsamplings; i++) {
    x = apply(tfl.layers.zeroPadding2d({ padding: 1, name: `${name}_down${i}_pad` }), x);
    x = apply(conv2d({
      filters: base * 2 ** (i + 1), kernelSize: 3, strides: 2, padding: 'valid', useBias, kernelInitializer: kernelInitializer(), name: `${name}_down${i}`,
    }), x);
    x = normRelu(x, `${name}_down${i}`);
  }
  for (let i = 0; i < blocks; i++) {
    x = residualBlock(x, { name: `${name}_block${i}`, normalization, useBias, kernelInitializer, ...(o.dropout ? { dropout: o.dropout } : {}) });
  }
  for (let i = downsamplings; i > 0; i--) {
    x = apply(tfl.layers.conv2dTranspose({
      filters: base * 2 ** (i - 1), kernelSize: 3, strides: 2, padding: 'valid', useBias, kernelInitializer: kernelInitializer(), name: `${name}_up${i}`,
    }), x);
    x = apply(tfl.layers.cropping2D({ cropping: [[1, 0], [1, 0]], name: `${name}_up${i}_crop` }), x);
    x = normRelu(x, `${name}_up${i}`);
  }
  x = paddedConv(x, { filters: outputChannels, kernelSize: 7, padding: 'reflect', useBias: true, kernelInitializer, name: `${name}_out` });
  const output = apply(tfl.layers.activation({ activation: 'tanh', name: `${name}_tanh` }), x);
  return tfl.model({ inputs: input, outputs: output, name });
}
