// pix2pix's U-Net generator (Isola et al. 2017), layer for layer as the authors' UnetGenerator /
// UnetSkipConnectionBlock: `depth` 4x4 stride-2 convolutions down to 1 x 1 and as many 4x4 stride-2
// transposed convolutions back, each decoder stage concatenated with the encoder stage of the same size.
// Block i (0 = outermost) goes from ngf * min(2^(i-1), 8) to ngf * min(2^i, 8) channels; down path
// LeakyReLU(0.2), conv, norm (none at the outermost and innermost); up path ReLU, transposed conv, norm
// (none at the outermost, which ends in tanh); dropout 0.5 after the up norm of the blocks between the
// fourth and the innermost (depth - 5 of them: 3 at 256 px), which is pix2pix's only noise.
// Their down path's LeakyReLU is in place, so the skip a block concatenates is its input after LeakyReLU;
// so it is here, though it makes no difference: the next up stage starts with ReLU, and
// relu(leakyRelu(x)) = relu(x), values and gradients.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../layers/conv2d.js';
import { normalizationLayer, type BlockNormalization } from '../layers/residual-block.js';
import { upsample } from '../layers/upsample.js';
import { requirePositiveInteger, SeededInit } from './common.js';
import { batchNormGamma } from './patchgan.js';

export interface UnetGeneratorOptions {
  /** input image [height, width, channels]; height and width divisible by 2^depth */
  inputShape: [number, number, number];
  /** output channels, default the input's */
  outputChannels?: number;
  /** down-sampling steps (the authors' num_downs): default log2 of the smaller side (8 at 256 px, 6 at 64) */
  depth?: number;
  /** filters of the first conv (ngf), default 64 */
  baseFilters?: number;
  /** 'batch' (default, pix2pix), 'instance' or 'none' */
  normalization?: BlockNormalization;
  /** dropout rate of the inner blocks, default 0.5; 0 for none */
  dropout?: number;
  seed?: number;
  name?: string;
}

/** [N, H, W, C] in [-1, 1] -> [N, H, W, outputChannels] in (-1, 1). */
export function unetGenerator(o: UnetGeneratorOptions): tfl.LayersModel {
  const [h, w, c] = o.inputShape.map((v, i) => requirePositiveInteger(v, `unetGenerator inputShape[${i}]`));
  const outputChannels = requirePositiveInteger(o.outputChannels ?? c, 'unetGenerator outputChannels');
  const depth = requirePositiveInteger(o.depth ?? Math.floor(Math.log2(Math.min(h, w))), 'unetGenerator depth');
  const base = requirePositiveInteger(o.baseFilters ?? 64, 'unetGenerator baseFilters');
  const normalization = o.normalization ?? 'batch';
  const dropout = o.dropout ?? 0.5;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`unetGenerator dropout must be in [0, 1), got ${dropout}`);
  if (depth < 2 || h % 2 ** depth !== 0 || w % 2 ** depth !== 0) {
    throw new Error(`unetGenerator: depth must be at least 2 and ${h} x ${w} divisible by 2^depth = ${2 ** depth}, got depth ${depth}`);
  }
  const name = o.name ?? 'unet';
  const init = new SeededInit(o.seed);
  // the authors' convolutions have biases only where no batch norm follows
  const useBias = normalization !== 'batch';
  const filters = (i: number) => base * Math.min(2 ** i, 8);
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const norm = (x: tfl.SymbolicTensor, layerName: string) => {
    const layer = normalizationLayer(normalization, layerName, normalization === 'batch' ? batchNormGamma(init) : undefined);
    return layer ? apply(layer, x) : x;
  };

  const input = tfl.input({ shape: [h, w, c], name: `${name}_input` });
  // down path: skips[i] is block i's input after its LeakyReLU (i >= 1), as the authors' in-place one leaves it
  const skips: tfl.SymbolicTensor[] = [];
  let x = input;
  for (let i = 0; i < depth; i++) {
    if (i > 0) {
      x = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_down${i}_lrelu` }), x);
      skips[i] = x;
    }
    x = apply(conv2d({
      filters: filters(i), kernelSize: 4, strides: 2, padding: 'same', useBias, kernelInitializer: init.normal(0.02), name: `${name}_down${i}`,
    }), x);
    if (i > 0 && i < depth - 1) x = norm(x, `${name}_down${i}_norm`);
  }
  // up path, innermost block first
  for (let i = depth - 1; i >= 0; i--) {
    x = apply(tfl.layers.reLU({ name: `${name}_up${i}_relu` }), x);
    const outermost = i === 0;
    x = upsample(x, {
      filters: outermost ? outputChannels : filters(i - 1), name: `${name}_up${i}`, useBias: outermost || useBias, kernelInitializer: () => init.normal(0.02),
    });
    if (outermost) break;
    x = norm(x, `${name}_up${i}_norm`);
    if (dropout > 0 && i >= 4 && i < depth - 1) x = apply(tfl.layers.dropout({ rate: dropout, name: `${name}_up${i}_dropout` }), x);
    x = apply(tfl.layers.concatenate({ name: `${name}_skip${i}` }), [skips[i], x]);
  }
  const output = apply(tfl.layers.activation({ activation: 'tanh', name: `${name}_tanh` }), x);
  return tfl.model({ inputs: input, outputs: output, name });
}
