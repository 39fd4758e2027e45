// Fully connected generator and discriminator, for 2D mixtures and tabular data.
import * as tfl from '@tensorflow/tfjs-layers';
import { MinibatchDiscrimination } from '../layers/minibatch-discrimination.js';
import { MinibatchStdDev } from '../layers/minibatch-stddev.js';
import { batchNormalization } from '../layers/batch-norm.js';
import { dense as denseLayer } from '../layers/dense.js';
import { Maxout } from '../layers/maxout.js';
import { PackSamples } from '../layers/pack-samples.js';
import { SNDense } from '../layers/spectral-norm.js';
import {
  embedLabels, labelInput, optionalPositiveInteger, requireOneOf, requirePositiveInteger, SeededInit,
} from './common.js';

export type OutputActivation = 'linear' | 'tanh' | 'sigmoid';
export type HiddenActivation = 'relu' | 'leakyRelu' | 'tanh';

export interface MlpGeneratorOptions {
  latentDim: number;
  outputDim: number;
  /** Hidden layer widths, default [128, 128]. */
  hidden?: number[];
  /** Class-conditional: inputs become [z, label]; the label's embedding is concatenated to z. */
  numClasses?: number;
  /** Embedding width for conditioning, default min(latentDim, 50). */
  embeddingDim?: number;
  outputActivation?: OutputActivation;
  hiddenActivation?: HiddenActivation;
  batchNorm?: boolean;
  /**
   * Multiplies G's output by this fixed factor, so that the layers work at unit scale while samples come out in
   * the data's units (e.g. 2.8 for grid25, whose modes reach +-4); pair with the discriminator's inputScale 1/s.
   */
  outputScale?: number;
  /** Seed for the weight initializers (same seed, same weights). */
  seed?: number;
  name?: string;
}

export interface MlpDiscriminatorOptions {
  inputDim: number;
  /** Hidden layer widths, default [128, 128]. */
  hidden?: number[];
  /** Class-conditional: inputs become [x, label]. */
  numClasses?: number;
  /** 'projection' (Miyato & Koyama 2018, default) or 'concat' (label embedding concatenated to x). */
  conditioning?: 'projection' | 'concat';
  dropout?: number;
  minibatchDiscrimination?: { kernels: number; dims: number };
  minibatchStddev?: boolean;
  spectralNorm?: boolean;
  /** ACGAN: adds a second output with logits over this many classes. */
  auxClasses?: number;
  hiddenActivation?: HiddenActivation;
  /** Multiplies D's input by this fixed factor before the first layer (see mlpGenerator's outputScale). */
  inputScale?: number;
  /**
   * Maxout units (Goodfellow et al. 2013) with this many linear pieces each, instead of hiddenActivation
   * (PacGAN's 2D discriminator uses 5).
   */
  maxout?: number;
  /**
   * PacGAN packing (Lin et al. 2018): D judges `pack` samples at once, concatenated into one input of
   * pack * inputDim values, and returns one logit per pack. Batches must be divisible by pack.
   */
  pack?: number;
  seed?: number;
  name?: string;
}

function positiveScale(v: number, what: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${what} must be a positive number, got ${v}`);
  return v;
}

function checkHidden(hidden: number[], what: string): number[] {
  if (!Array.isArray(hidden)) throw new Error(`${what} must be an array of layer widths`);
  hidden.forEach((h, i) => requirePositiveInteger(h, `${what}[${i}]`));
  return hidden;
}

function activation(kind: HiddenActivation, name: string): tfl.layers.Layer {
  return kind === 'leakyRelu' ? tfl.layers.leakyReLU({ alpha: 0.2, name }) : tfl.layers.activation({ activation: kind, name });
}

const HIDDEN_ACTIVATIONS: readonly HiddenActivation[] = ['relu', 'leakyRelu', 'tanh'];

export function mlpGenerator(o: MlpGeneratorOptions): tfl.LayersModel {
  const latentDim = requirePositiveInteger(o.latentDim, 'mlpGenerator latentDim');
  const outputDim = requirePositiveInteger(o.outputDim, 'mlpGenerator outputDim');
  const hidden = checkHidden(o.hidden ?? [128, 128], 'mlpGenerator hidden');
  const numClasses = optionalPositiveInteger(o.numClasses, 'mlpGenerator numClasses');
  const outAct = requireOneOf(o.outputActivation, ['linear', 'tanh', 'sigmoid'] as const, 'linear', 'mlpGenerator outputActivation');
  const hiddenAct = requireOneOf(o.hiddenActivation, HIDDEN_ACTIVATIONS, 'relu', 'mlpGenerator hiddenActivation');
  const init = new SeededInit(o.seed);

  const z = tfl.input({ shape: [latentDim], name: 'z' });
  const inputs: tfl.SymbolicTensor[] = [z];
  let h: tfl.SymbolicTensor = z;
  if (numClasses !== undefined) {
    const label = labelInput('label');
    inputs.push(label);
    const dim = requirePositiveInteger(o.embeddingDim ?? Math.min(latentDim, 50), 'mlpGenerator embeddingDim');
    h = tfl.layers.concatenate().apply([z, embedLabels(label, numClasses, dim, init, 'label_embedding')]) as tfl.SymbolicTensor;
  }
  hidden.forEach((units, i) => {
    // no bias before batch norm (as DCGAN's layers): BN subtracts it again, so its gradient is 0 and Adam
    // would move it by rounding noise alone
    h = denseLayer({ units, useBias: !o.batchNorm, kernelInitializer: init.glorotUniform(), name: `g_dense${i}` }).apply(h) as tfl.SymbolicTensor;
    if (o.batchNorm) h = batchNormalization({ name: `g_bn${i}` }).apply(h) as tfl.SymbolicTensor;
    h = activation(hiddenAct, `g_act${i}`).apply(h) as tfl.SymbolicTensor;
  });
  let out = denseLayer({ units: outputDim, kernelInitializer: init.glorotUniform(), name: 'g_out' }).apply(h) as tfl.SymbolicTensor;
  if (outAct !== 'linear') out = tfl.layers.activation({ activation: outAct, name: 'g_out_act' }).apply(out) as tfl.SymbolicTensor;
  if (o.outputScale !== undefined) {
    out = tfl.layers.rescaling({ scale: positiveScale(o.outputScale, 'mlpGenerator outputScale'), offset: 0, name: 'g_out_scale' }).apply(out) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs, outputs: out, name: o.name ?? 'mlp_generator' });
}

export function mlpDiscriminator(o: MlpDiscriminatorOptions): tfl.LayersModel {
  const inputDim = requirePositiveInteger(o.inputDim, 'mlpDiscriminator inputDim');
  const hidden = checkHidden(o.hidden ?? [128, 128], 'mlpDiscriminator hidden');
  const numClasses = optionalPositiveInteger(o.numClasses, 'mlpDiscriminator numClasses');
  const auxClasses = optionalPositiveInteger(o.auxClasses, 'mlpDiscriminator auxClasses');
  const conditioning = requireOneOf(o.conditioning, ['projection', 'concat'] as const, 'projection', 'mlpDiscriminator conditioning');
  const hiddenAct = requireOneOf(o.hiddenActivation, HIDDEN_ACTIVATIONS, 'leakyRelu', 'mlpDiscriminator hiddenActivation');
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1)) throw new Error(`mlpDiscriminator dropout must lie in [0, 1), got ${o.dropout}`);
  if (o.conditioning !== undefined && numClasses === undefined) throw new Error('mlpDiscriminator conditioning needs numClasses');
  const maxout = optionalPositiveInteger(o.maxout, 'mlpDiscriminator maxout');
  const pack = optionalPositiveInteger(o.pack, 'mlpDiscriminator pack');
  if (pack !== undefined && pack > 1 && numClasses !== undefined) throw new Error('mlpDiscriminator pack does not support class-conditional discriminators');
  const init = new SeededInit(o.seed);
  const dense = (units: number, name: string): tfl.layers.Layer => o.spectralNorm
    ? new SNDense({ units, seed: init.next(), name })
    : denseLayer({ units, kernelInitializer: init.glorotUniform(), name });

  const x = tfl.input({ shape: [inputDim], name: 'x' });
  const inputs: tfl.SymbolicTensor[] = [x];
  let label: tfl.SymbolicTensor | undefined;
  let h: tfl.SymbolicTensor = x;
  if (o.inputScale !== undefined) {
    h = tfl.layers.rescaling({ scale: positiveScale(o.inputScale, 'mlpDiscriminator inputScale'), offset: 0, name: 'd_in_scale' }).apply(h) as tfl.SymbolicTensor;
  }
  if (pack !== undefined && pack > 1) h = new PackSamples({ pack, name: 'd_pack' }).apply(h) as tfl.SymbolicTensor;
  if (numClasses !== undefined) {
    label = labelInput('label');
    inputs.push(label);
    if (conditioning === 'concat') {
      h = tfl.layers.concatenate().apply([x, embedLabels(label, numClasses, Math.min(inputDim, 50), init, 'label_embedding')]) as tfl.SymbolicTensor;
    }
  }
  hidden.forEach((units, i) => {
    if (maxout !== undefined && maxout > 1) {
      h = dense(units * maxout, `d_dense${i}`).apply(h) as tfl.SymbolicTensor;
      h = new Maxout({ pieces: maxout, name: `d_maxout${i}` }).apply(h) as tfl.SymbolicTensor;
    } else {
      h = dense(units, `d_dense${i}`).apply(h) as tfl.SymbolicTensor;
      h = activation(hiddenAct, `d_act${i}`).apply(h) as tfl.SymbolicTensor;
    }
    // No fixed seed: a seeded tfjs dropout layer draws the same mask on every call (see dcgan.ts).
    if (o.dropout) h = tfl.layers.dropout({ rate: o.dropout, name: `d_dropout${i}` }).apply(h) as tfl.SymbolicTensor;
  });
  if (o.minibatchDiscrimination) {
    const { kernels, dims } = o.minibatchDiscrimination;
    h = new MinibatchDiscrimination({ kernels, dims, seed: init.next(), name: 'd_minibatch_discrimination' }).apply(h) as tfl.SymbolicTensor;
  }
  if (o.minibatchStddev) h = new MinibatchStdDev({ name: 'd_minibatch_stddev' }).apply(h) as tfl.SymbolicTensor;
  let logits = dense(1, 'd_out').apply(h) as tfl.SymbolicTensor;
  if (label !== undefined && numClasses !== undefined && conditioning === 'projection') {
    const features = h.shape[1] as number;
    const embedded = embedLabels(label, numClasses, features, init, 'label_projection');
    const projection = tfl.layers.dot({ axes: 1, name: 'd_projection' }).apply([embedded, h]) as tfl.SymbolicTensor;
    logits = tfl.layers.add({ name: 'd_logits' }).apply([logits, projection]) as tfl.SymbolicTensor;
  }
  const outputs = [logits];
  if (auxClasses !== undefined) outputs.push(dense(auxClasses, 'd_aux_classes').apply(h) as tfl.SymbolicTensor);
  return tfl.model({ inputs, outputs: outputs.length === 1 ? outputs[0] : outputs, name: o.name ?? 'mlp_discriminator' });
}
