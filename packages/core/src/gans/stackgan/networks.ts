// StackGAN's networks (Zhang et al. 2017), at this machine's size. Conditioning augmentation is its own
// small model (phi(t) -> mu, log sigma^2), so the trainer can draw c = mu + sigma * eps with the run's RNG:
//   stage I:  G1([z, c1]) -> 16 px image;    D1([image16, phi]) -> logit
//   stage II: G2([image16, c2]) -> 64 px;    D2([image64, phi]) -> logit
// D compresses phi to a few channels, tiles it over its 4 x 4 feature map and judges image and text
// together (the matching-aware discriminator). Up-sampling is nearest-neighbour then a 3 x 3 convolution,
// as the authors' upBlock; batch norm after every hidden convolution.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { batchNormalization } from '../../layers/batch-norm.js';
import { dense } from '../../layers/dense.js';
import { residualBlock } from '../../layers/residual-block.js';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';

export const STAGE1_SIZE = 16;
export const STAGE2_SIZE = 64;

export interface StackGanSizes {
  /** phi(t)'s width (the matcher's embedding) */
  textDim: number;
  /** z's width, default 32 (the paper: 100) */
  noiseDim?: number;
  /** c's width, default 32 (the paper: 128) */
  conditionDim?: number;
  /** G's and D's base filters, default 32 each (the paper: 128 and 64) */
  generatorFilters?: number;
  discriminatorFilters?: number;
  channels?: number;
}

export function resolveSizes(s: StackGanSizes) {
  return {
    textDim: requirePositiveInteger(s.textDim, 'StackGAN textDim'),
    noiseDim: requirePositiveInteger(s.noiseDim ?? 32, 'StackGAN noiseDim'),
    conditionDim: requirePositiveInteger(s.conditionDim ?? 32, 'StackGAN conditionDim'),
    generatorFilters: requirePositiveInteger(s.generatorFilters ?? 32, 'StackGAN generatorFilters'),
    discriminatorFilters: requirePositiveInteger(s.discriminatorFilters ?? 32, 'StackGAN discriminatorFilters'),
    channels: requirePositiveInteger(s.channels ?? 3, 'StackGAN channels'),
  };
}

type Sizes = ReturnType<typeof resolveSizes>;
const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

function convBnAct(x: tfl.SymbolicTensor, filters: number, o: { kernel: number; strides: number; init: SeededInit; name: string; leaky?: boolean; norm?: boolean }): tfl.SymbolicTensor {
  let h = apply(conv2d({
    filters, kernelSize: o.kernel, strides: o.strides, padding: 'same', useBias: o.norm === false, kernelInitializer: o.init.normal(0.02), name: `${o.name}_conv`,
  }), x);
  if (o.norm !== false) h = apply(batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `${o.name}_bn` }), h);
  return apply(o.leaky ? tfl.layers.leakyReLU({ alpha: 0.2, name: `${o.name}_lrelu` }) : tfl.layers.reLU({ name: `${o.name}_relu` }), h);
}

function upBlock(x: tfl.SymbolicTensor, filters: number, init: SeededInit, name: string): tfl.SymbolicTensor {
  return convBnAct(apply(tfl.layers.upSampling2d({ size: [2, 2], name: `${name}_up` }), x), filters, { kernel: 3, strides: 1, init, name });
}

/** A vector [N, d] repeated over an h x w map: [N, h, w, d]. */
function tile(v: tfl.SymbolicTensor, side: number, name: string): tfl.SymbolicTensor {
  const d = v.shape[1] as number;
  const repeated = apply(tfl.layers.repeatVector({ n: side * side, name: `${name}_repeat` }), v);
  return apply(tfl.layers.reshape({ targetShape: [side, side, d], name: `${name}_map` }), repeated);
}

/**
 * Conditioning augmentation: phi(t) -> [mu, log sigma^2], each [N, conditionDim]. The authors' CA_NET is one
 * linear layer to 2 x conditionDim, a ReLU, then a split; two heads with a ReLU each compute the same.
 */
export function conditioningAugmentation(s: Sizes, seed: number | undefined, name: string): tfl.LayersModel {
  const init = new SeededInit(seed);
  const phi = tfl.input({ shape: [s.textDim], name: `${name}_phi` });
  const head = (part: string) => apply(dense({ units: s.conditionDim, activation: 'relu', kernelInitializer: init.normal(0.02), name: `${name}_${part}` }), phi);
  return tfl.model({ inputs: phi, outputs: [head('mu'), head('logvar')], name });
}

/** Stage-I G: [z, c] -> 4 x 4 -> two up-blocks -> 16 px image in [-1, 1]. */
export function stage1Generator(s: Sizes, seed: number | undefined): tfl.LayersModel {
  const init = new SeededInit(seed);
  const f = s.generatorFilters;
  const z = tfl.input({ shape: [s.noiseDim], name: 'g1_z' });
  const c = tfl.input({ shape: [s.conditionDim], name: 'g1_c' });
  let h = apply(tfl.layers.concatenate({ name: 'g1_zc' }), [z, c]);
  h = apply(dense({ units: 4 * 4 * 4 * f, useBias: false, kernelInitializer: init.normal(0.02), name: 'g1_fc' }), h);
  h = apply(batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: 'g1_fc_bn' }), h);
  h = apply(tfl.layers.reLU({ name: 'g1_fc_relu' }), h);
  h = apply(tfl.layers.reshape({ targetShape: [4, 4, 4 * f], name: 'g1_map' }), h);
  h = upBlock(h, 2 * f, init, 'g1_up1');
  h = upBlock(h, f, init, 'g1_up2');
  h = apply(conv2d({ filters: s.channels, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init.normal(0.02), name: 'g1_image' }), h);
  return tfl.model({ inputs: [z, c], outputs: h, name: 'stage1_generator' });
}

/** Stage-II G: [16 px image, c] -> encode at 16 px with c tiled in -> two residual blocks -> two up-blocks -> 64 px. */
export function stage2Generator(s: Sizes, seed: number | undefined): tfl.LayersModel {
  const init = new SeededInit(seed);
  const f = s.generatorFilters;
  const image = tfl.input({ shape: [STAGE1_SIZE, STAGE1_SIZE, s.channels], name: 'g2_image16' });
  const c = tfl.input({ shape: [s.conditionDim], name: 'g2_c' });
  let h = convBnAct(image, 2 * f, { kernel: 3, strides: 1, init, name: 'g2_encode', norm: false });
  h = apply(tfl.layers.concatenate({ name: 'g2_join' }), [h, tile(c, STAGE1_SIZE, 'g2_c')]);
  h = convBnAct(h, 2 * f, { kernel: 3, strides: 1, init, name: 'g2_joint' });
  for (const i of [1, 2]) {
    h = residualBlock(h, { name: `g2_res${i}`, normalization: 'batch', padding: 'zero', useBias: false, kernelInitializer: () => init.normal(0.02) });
  }
  h = upBlock(h, f, init, 'g2_up1');
  h = upBlock(h, Math.max(1, f / 2), init, 'g2_up2');
  h = apply(conv2d({ filters: s.channels, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init.normal(0.02), name: 'g2_image' }), h);
  return tfl.model({ inputs: [image, c], outputs: h, name: 'stage2_generator' });
}

/** The matching-aware D at `size` px: strided convs down to 4 x 4, phi compressed and tiled in, one logit. */
export function stackDiscriminator(s: Sizes, size: number, seed: number | undefined, name: string): tfl.LayersModel {
  const init = new SeededInit(seed);
  const image = tfl.input({ shape: [size, size, s.channels], name: `${name}_image` });
  const phi = tfl.input({ shape: [s.textDim], name: `${name}_phi` });
  let h = convBnAct(image, s.discriminatorFilters, { kernel: 4, strides: 2, init, name: `${name}_down0`, leaky: true, norm: false });
  for (let side = size / 2, i = 1; side > 4; side /= 2, i++) {
    h = convBnAct(h, s.discriminatorFilters * 2 ** Math.min(i, 3), { kernel: 4, strides: 2, init, name: `${name}_down${i}`, leaky: true });
  }
  const text = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_text_lrelu` }),
    apply(dense({ units: s.conditionDim, kernelInitializer: init.normal(0.02), name: `${name}_text` }), phi));
  h = apply(tfl.layers.concatenate({ name: `${name}_join` }), [h, tile(text, 4, `${name}_text`)]);
  h = convBnAct(h, s.discriminatorFilters * 8, { kernel: 1, strides: 1, init, name: `${name}_joint`, leaky: true });
  h = apply(tfl.layers.flatten({ name: `${name}_flat` }), h);
  const logit = apply(dense({ units: 1, kernelInitializer: init.normal(0.02), name: `${name}_logit` }), h);
  return tfl.model({ inputs: [image, phi], outputs: logit, name });
}
