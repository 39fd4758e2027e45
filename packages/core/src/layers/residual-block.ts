// The residual block of CycleGAN's ResNet generator (Zhu et al. 2017, after Johnson et al. 2016):
// x + [pad, conv 3x3, norm, ReLU, (dropout), pad, conv 3x3, norm](x), with reflection padding and
// instance norm by default. SRResNet's blocks (Ledig et al. 2017) are the same with zero padding,
// batch norm and PReLU. A function of symbolic tensors that composes serialisable layers, so a model
// built with it saves and loads like any other; `name` prefixes every layer it adds.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from './conv2d.js';
import { positiveInteger } from './common.js';
import { batchNormalization } from './batch-norm.js';
import { InstanceNormalization } from './instance-norm.js';
import { ReflectionPadding2D } from './reflection-pad.js';

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export type BlockNormalization = 'instance' | 'batch' | 'none';
export type BlockPadding = 'reflect' | 'zero';

export interface ResidualBlockOptions {
  name: string;
  /** default 3 */
  kernelSize?: number;
  /** 'reflect' (default, CycleGAN) or 'zero' */
  padding?: BlockPadding;
  /** 'instance' (default), 'batch' or 'none' */
  normalization?: BlockNormalization;
  /** 'relu' (default) or 'prelu' (SRResNet) */
  activation?: 'relu' | 'prelu';
  /** dropout rate after the first activation (CycleGAN's use_dropout: 0.5); default none */
  dropout?: number;
  /** default true, as CycleGAN's convolutions before instance norm */
  useBias?: boolean;
  /** a fresh initializer per convolution (e.g. seeded N(0, 0.02)); default tfjs's glorotUniform */
  kernelInitializer?: () => Initializer;
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

/** Padding then convolution, so that 'reflect' and 'zero' keep the spatial size for any odd kernel. */
export function paddedConv(x: tfl.SymbolicTensor, o: {
  filters: number; kernelSize: number; padding: BlockPadding; useBias: boolean; kernelInitializer?: () => Initializer; name: string;
}): tfl.SymbolicTensor {
  const k = positiveInteger(o.kernelSize, `${o.name} kernelSize`);
  if (k % 2 !== 1) throw new Error(`${o.name}: kernelSize must be odd to keep the size, got ${k}`);
  const p = (k - 1) / 2;
  const padded = p === 0 ? x : apply(o.padding === 'reflect'
    ? new ReflectionPadding2D({ padding: p, name: `${o.name}_pad` })
    : tfl.layers.zeroPadding2d({ padding: p, name: `${o.name}_pad` }), x);
  return apply(conv2d({
    filters: o.filters, kernelSize: k, padding: 'valid', useBias: o.useBias, name: o.name,
    ...(o.kernelInitializer ? { kernelInitializer: o.kernelInitializer() } : {}),
  }), padded);
}

/**
 * A normalisation layer by name, or none. Batch norm is PyTorch's BatchNorm2d: momentum 0.1 (tfjs counts
 * the other way: 0.9), eps 1e-5; `gammaInitializer` replaces its ones (the pix2pix authors draw N(1, 0.02)).
 */
export function normalizationLayer(kind: BlockNormalization, name: string, gammaInitializer?: Initializer): tfl.layers.Layer | null {
  if (kind === 'instance') return new InstanceNormalization({ name });
  if (kind === 'batch') return batchNormalization({ momentum: 0.9, epsilon: 1e-5, name, ...(gammaInitializer ? { gammaInitializer } : {}) });
  if (kind === 'none') return null;
  throw new Error(`normalization must be 'instance', 'batch' or 'none', got ${String(kind)}`);
}

/** x + F(x) for x of shape [N, H, W, C]; F keeps C channels. */
export function residualBlock(x: tfl.SymbolicTensor, o: ResidualBlockOptions): tfl.SymbolicTensor {
  const filters = x.shape[3];
  if (x.shape.length !== 4 || filters === null) throw new Error(`${o.name}: residualBlock expects [N, H, W, C] input with known C, got [${x.shape.join(', ')}]`);
  const padding = o.padding ?? 'reflect';
  if (padding !== 'reflect' && padding !== 'zero') throw new Error(`${o.name}: padding must be 'reflect' or 'zero', got ${String(padding)}`);
  const conv = { filters, kernelSize: o.kernelSize ?? 3, padding, useBias: o.useBias ?? true, kernelInitializer: o.kernelInitializer };
  const normalization = o.normalization ?? 'instance';
  const norm = (h: tfl.SymbolicTensor, i: number) => {
    const layer = normalizationLayer(normalization, `${o.name}_norm${i}`);
    return layer ? apply(layer, h) : h;
  };
  let h = norm(paddedConv(x, { ...conv, name: `${o.name}_conv1` }), 1);
  h = apply(o.activation === 'prelu'
    ? tfl.layers.prelu({ sharedAxes: [1, 2], name: `${o.name}_act` })
    : tfl.layers.reLU({ name: `${o.name}_act` }), h);
  if (o.dropout) h = apply(tfl.layers.dropout({ rate: o.dropout, name: `${o.name}_dropout` }), h);
  h = norm(paddedConv(h, { ...conv, name: `${o.name}_conv2` }), 2);
  return apply(tfl.layers.add({ name: `${o.name}_add` }), [x, h]);
}
