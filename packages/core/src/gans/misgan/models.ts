// MisGAN's six networks. 'dense': the authors' fully connected MNIST networks at a width chosen for the data
// (generators latent -> w -> w -> d, critics d -> w -> w -> 1, the imputer d -> w -> w -> w -> d), PyTorch's default
// initialisation from the run's Rng. 'conv28': their convolutional MNIST generator and critic (mnist_generator.py's
// ConvGenerator, mnist_critic.py's ConvCritic) with `width` filters in place of their 64, on rows of 28 x 28
// pixels, and their fully connected imputer (784 -> 784 x 3 -> 784). Every network takes and gives flat rows, so the
// trainer is the same for tables and images.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { dense } from '../../layers/dense.js';
import { SeededInit } from '../../models/common.js';
import { applyDenseNetwork, denseNetwork } from '../../models/dense-network.js';
import type { Rng } from '../../random.js';

export const MISGAN_ARCHITECTURES = ['dense', 'conv28'] as const;
export type MisganArchitecture = typeof MISGAN_ARCHITECTURES[number];

export interface MisganModels {
  dataGenerator: tfl.LayersModel;
  maskGenerator: tfl.LayersModel;
  imputer: tfl.LayersModel;
  dataCritic: tfl.LayersModel;
  maskCritic: tfl.LayersModel;
  imputerCritic: tfl.LayersModel;
}

const IMAGE = 28;
const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) => layer.apply(x) as tfl.SymbolicTensor;

/** ConvGenerator: dense to 4 x 4 x 4w, transposed 5x5 convolutions to 8 x 8 (cropped to 7 x 7) and 11 x 11, then 8x8 stride 2 to 28 x 28 logits. */
function convGenerator(latentDim: number, w: number, init: SeededInit, name: string): tfl.LayersModel {
  const z = tfl.input({ shape: [latentDim] });
  let h = apply(dense({ units: 4 * 4 * 4 * w, activation: 'relu', kernelInitializer: init.glorotUniform() }), z);
  h = apply(tfl.layers.reshape({ targetShape: [4, 4, 4 * w] }), h);
  h = apply(tfl.layers.conv2dTranspose({ filters: 2 * w, kernelSize: 5, activation: 'relu', kernelInitializer: init.glorotUniform() }), h);
  h = apply(tfl.layers.cropping2D({ cropping: [[0, 1], [0, 1]] }), h);
  h = apply(tfl.layers.conv2dTranspose({ filters: w, kernelSize: 5, activation: 'relu', kernelInitializer: init.glorotUniform() }), h);
  h = apply(tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 8, strides: 2, kernelInitializer: init.glorotUniform() }), h);
  return tfl.model({ inputs: z, outputs: apply(tfl.layers.flatten(), h), name });
}

/** ConvCritic: three 5x5 stride-2 convolutions (w, 2w, 4w filters, ReLU; 28 -> 14 -> 7 -> 4) and a linear logit. */
function convCritic(w: number, init: SeededInit, name: string): tfl.LayersModel {
  const x = tfl.input({ shape: [IMAGE * IMAGE] });
  let h = apply(tfl.layers.reshape({ targetShape: [IMAGE, IMAGE, 1] }), x);
  for (const filters of [w, 2 * w, 4 * w]) {
    h = apply(conv2d({ filters, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorotUniform() }), h);
  }
  h = apply(tfl.layers.flatten(), h);
  return tfl.model({ inputs: x, outputs: apply(dense({ units: 1, kernelInitializer: init.glorotUniform() }), h), name });
}

/** The six networks, their weights drawn from rng (dense) or from seeds drawn from it (conv28). */
export function misganModels(architecture: MisganArchitecture, rng: Rng, o: { dim: number; latentDim: number; width: number }): MisganModels {
  const { dim, latentDim, width: w } = o;
  const mlp = (sizes: number[], name: string) => denseNetwork(rng, sizes, { init: 'torch-uniform', name: `misgan_${name}` });
  if (architecture === 'dense') {
    return {
      dataGenerator: mlp([latentDim, w, w, dim], 'data_generator'), maskGenerator: mlp([latentDim, w, w, dim], 'mask_generator'),
      imputer: mlp([dim, w, w, w, dim], 'imputer'), dataCritic: mlp([dim, w, w, 1], 'data_critic'),
      maskCritic: mlp([dim, w, w, 1], 'mask_critic'), imputerCritic: mlp([dim, w, w, 1], 'imputer_critic'),
    };
  }
  if (architecture !== 'conv28') throw new Error(`trainMisgan: architecture must be one of ${MISGAN_ARCHITECTURES.join(', ')}, got ${JSON.stringify(architecture)}`);
  if (dim !== IMAGE * IMAGE) throw new Error(`trainMisgan: the conv28 networks take 28 x 28 = 784 columns, the data has ${dim}`);
  const init = new SeededInit(Math.floor(rng.next() * 2 ** 31));
  return {
    dataGenerator: convGenerator(latentDim, w, init, 'misgan_data_generator'), maskGenerator: convGenerator(latentDim, w, init, 'misgan_mask_generator'),
    imputer: mlp([dim, dim, dim, dim, dim], 'imputer'), dataCritic: convCritic(w, init, 'misgan_data_critic'),
    maskCritic: convCritic(w, init, 'misgan_mask_critic'), imputerCritic: convCritic(w, init, 'misgan_imputer_critic'),
  };
}

const plainDense = new WeakMap<tfl.LayersModel, boolean>();

/** A network's output on flat rows: dense stacks through applyDenseNetwork (no tfjs-layers bookkeeping), others through apply. */
export function runNetwork(model: tfl.LayersModel, x: tf.Tensor2D): tf.Tensor2D {
  let plain = plainDense.get(model);
  if (plain === undefined) {
    plain = model.layers.every((l) => l.getClassName() === 'Dense');
    plainDense.set(model, plain);
  }
  return plain ? applyDenseNetwork(model, x) : model.apply(x) as tf.Tensor2D;
}
