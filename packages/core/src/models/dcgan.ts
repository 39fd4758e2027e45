// DCGAN (Radford et al. 2016) generator and discriminator for 28x28, 32x32 and 64x64 images with any
// channel count: transposed convolutions with batch norm and ReLU up to a tanh image; strided
// convolutions with leaky ReLU down to one logit. Weights start from N(0, 0.02) as in the paper.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../layers/conv2d.js';
import { MinibatchStdDev } from '../layers/minibatch-stddev.js';
import { batchNormalization } from '../layers/batch-norm.js';
import { dense as denseLayer } from '../layers/dense.js';
import { SNConv2D, SNDense } from '../layers/spectral-norm.js';
import { embedLabels, labelInput, optionalPositiveInteger, requireOneOf, requirePositiveInteger, SeededInit } from './common.js';

export type DcganImageSize = 28 | 32 | 64;

export interface DcganGeneratorOptions {
  imageSize: DcganImageSize;
  channels: number;
  /** Default 100 as in the paper. */
  latentDim?: number;
  /** Class-conditional: inputs become [z, label]; the label embedding is concatenated to z. */
  numClasses?: number;
  embeddingDim?: number;
  /** Filters of the last hidden layer (doubling towards the input), default 64. */
  baseFilters?: number;
  seed?: number;
  name?: string;
}

export interface DcganDiscriminatorOptions {
  imageSize: DcganImageSize;
  channels: number;
  numClasses?: number;
  /** 'projection' (Miyato & Koyama 2018, default) or 'concat' (the label as an extra input channel). */
  conditioning?: 'projection' | 'concat';
  /** Filters of the first layer (doubling with depth), default 64. */
  baseFilters?: number;
  minibatchStddev?: boolean;
  /** ACGAN: adds a second output with logits over this many classes. */
  auxClasses?: number;
  /**
   * Normalisation after every conv but the first: 'batch' (DCGAN, default), 'layer', or 'none'. Batch norm
   * mixes samples, so with a gradient penalty or R1 prefer 'layer' or 'none' (Gulrajani et al. 2017).
   */
  normalization?: 'batch' | 'layer' | 'none';
  spectralNorm?: boolean;
  dropout?: number;
  seed?: number;
  name?: string;
}

// Spatial plan: the generator starts at `start` pixels and doubles `ups` times.
const PLAN: Record<DcganImageSize, { start: number; ups: number }> = {
  28: { start: 7, ups: 2 },
  32: { start: 4, ups: 3 },
  64: { start: 4, ups: 4 },
};

function checkImageSize(size: unknown, what: string): DcganImageSize {
  if (size !== 28 && size !== 32 && size !== 64) throw new Error(`${what} imageSize must be 28, 32 or 64, got ${String(size)}`);
  return size;
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

export function dcganGenerator(o: DcganGeneratorOptions): tfl.LayersModel {
  const size = checkImageSize(o.imageSize, 'dcganGenerator');
  const channels = requirePositiveInteger(o.channels, 'dcganGenerator channels');
  const latentDim = requirePositiveInteger(o.latentDim ?? 100, 'dcganGenerator latentDim');
  const base = requirePositiveInteger(o.baseFilters ?? 64, 'dcganGenerator baseFilters');
  const numClasses = optionalPositiveInteger(o.numClasses, 'dcganGenerator numClasses');
  const init = new SeededInit(o.seed);
  const { start, ups } = PLAN[size];

  const z = tfl.input({ shape: [latentDim], name: 'z' });
  const inputs = [z];
  let h: tfl.SymbolicTensor = z;
  if (numClasses !== undefined) {
    const label = labelInput('label');
    inputs.push(label);
    const dim = requirePositiveInteger(o.embeddingDim ?? 50, 'dcganGenerator embeddingDim');
    h = apply(tfl.layers.concatenate(), [z, embedLabels(label, numClasses, dim, init, 'label_embedding')]);
  }
  const firstFilters = base * 2 ** (ups - 1);
  h = apply(denseLayer({ units: start * start * firstFilters, useBias: false, kernelInitializer: init.normal(0.02), name: 'g_project' }), h);
  h = apply(batchNormalization({ name: 'g_bn_project' }), h);
  h = apply(tfl.layers.reLU({ name: 'g_relu_project' }), h);
  h = apply(tfl.layers.reshape({ targetShape: [start, start, firstFilters] }), h);
  for (let i = 0; i < ups - 1; i++) {
    const filters = base * 2 ** (ups - 2 - i);
    h = apply(tfl.layers.conv2dTranspose({
      filters, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init.normal(0.02), name: `g_deconv${i}`,
    }), h);
    h = apply(batchNormalization({ name: `g_bn${i}` }), h);
    h = apply(tfl.layers.reLU({ name: `g_relu${i}` }), h);
  }
  h = apply(tfl.layers.conv2dTranspose({
    filters: channels, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init.normal(0.02), name: 'g_out',
  }), h);
  const image = apply(tfl.layers.activation({ activation: 'tanh', name: 'g_tanh' }), h);
  return tfl.model({ inputs, outputs: image, name: o.name ?? `dcgan_generator_${size}` });
}

export function dcganDiscriminator(o: DcganDiscriminatorOptions): tfl.LayersModel {
  const size = checkImageSize(o.imageSize, 'dcganDiscriminator');
  const channels = requirePositiveInteger(o.channels, 'dcganDiscriminator channels');
  const base = requirePositiveInteger(o.baseFilters ?? 64, 'dcganDiscriminator baseFilters');
  const numClasses = optionalPositiveInteger(o.numClasses, 'dcganDiscriminator numClasses');
  const auxClasses = optionalPositiveInteger(o.auxClasses, 'dcganDiscriminator auxClasses');
  const conditioning = requireOneOf(o.conditioning, ['projection', 'concat'] as const, 'projection', 'dcganDiscriminator conditioning');
  const normalization = requireOneOf(o.normalization, ['batch', 'layer', 'none'] as const, 'batch', 'dcganDiscriminator normalization');
  if (o.conditioning !== undefined && numClasses === undefined) throw new Error('dcganDiscriminator conditioning needs numClasses');
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1)) throw new Error(`dcganDiscriminator dropout must lie in [0, 1), got ${o.dropout}`);
  const init = new SeededInit(o.seed);
  const downs = PLAN[size].ups;
  const conv = (filters: number, name: string): tfl.layers.Layer => o.spectralNorm
    ? new SNConv2D({ filters, kernelSize: 4, strides: 2, padding: 'same', seed: init.next(), name })
    : conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init.normal(0.02), name });
  const dense = (units: number, name: string): tfl.layers.Layer => o.spectralNorm
    ? new SNDense({ units, seed: init.next(), name })
    : denseLayer({ units, kernelInitializer: init.normal(0.02), name });

  const x = tfl.input({ shape: [size, size, channels], name: 'x' });
  const inputs = [x];
  let label: tfl.SymbolicTensor | undefined;
  let h: tfl.SymbolicTensor = x;
  if (numClasses !== undefined) {
    label = labelInput('label');
    inputs.push(label);
    if (conditioning === 'concat') {
      // the label becomes one extra input channel: an embedding reshaped to the image plane
      const plane = apply(tfl.layers.reshape({ targetShape: [size, size, 1] }), embedLabels(label, numClasses, size * size, init, 'label_plane'));
      h = apply(tfl.layers.concatenate({ axis: -1 }), [x, plane]);
    }
  }
  for (let i = 0; i < downs; i++) {
    h = apply(conv(base * 2 ** i, `d_conv${i}`), h);
    if (i > 0 && normalization === 'batch') h = apply(batchNormalization({ name: `d_bn${i}` }), h);
    if (i > 0 && normalization === 'layer') h = apply(tfl.layers.layerNormalization({ axis: [1, 2, 3], name: `d_ln${i}` }), h);
    h = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `d_lrelu${i}` }), h);
    // No fixed seed: tfjs reuses one mask for every call when a dropout layer has a seed; the trainer
    // makes the masks reproducible by seeding Math.random during its steps (train/seeded-math-random.ts).
    if (o.dropout) h = apply(tfl.layers.dropout({ rate: o.dropout, name: `d_dropout${i}` }), h);
  }
  if (o.minibatchStddev) h = apply(new MinibatchStdDev({ name: 'd_minibatch_stddev' }), h);
  const features = apply(tfl.layers.flatten({ name: 'd_features' }), h);
  let logits = apply(dense(1, 'd_out'), features);
  if (label !== undefined && numClasses !== undefined && conditioning === 'projection') {
    const embedded = embedLabels(label, numClasses, features.shape[1] as number, init, 'label_projection');
    const projection = apply(tfl.layers.dot({ axes: 1, name: 'd_projection' }), [embedded, features]);
    logits = apply(tfl.layers.add({ name: 'd_logits' }), [logits, projection]);
  }
  const outputs = [logits];
  if (auxClasses !== undefined) outputs.push(apply(dense(auxClasses, 'd_aux_classes'), features));
  return tfl.model({ inputs, outputs: outputs.length === 1 ? outputs[0] : outputs, name: o.name ?? `dcgan_discriminator_${size}` });
}
