// DiscoGAN's networks (Kim et al. 2017), as the authors' SKTBrain/DiscoGAN model.py at 64 px: an
// encoder-decoder generator (4x4 stride-2 convs down, LeakyReLU 0.2 and batch norm after all but the
// first; 4x4 stride-2 transposed convs up, batch norm and ReLU after all but the last) and a DCGAN-like
// discriminator (the same encoder, then a 4x4 'valid' conv to the logits). No biases, as theirs. Their
// generator ends in a sigmoid for [0, 1] images; gantry's images are in [-1, 1], so it ends in tanh. Their
// discriminator returns sigmoid probabilities; this one returns logits (the loss applies the sigmoid).
// Weights start from N(0, 0.02) (DCGAN's; their code keeps PyTorch's default init). At 64 px both have
// 4 stride-2 stages; smaller images get fewer, so that 4 x 4 pixels remain at the bottleneck.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { normalizationLayer } from '../../layers/residual-block.js';
import { upsample } from '../../layers/upsample.js';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';

export interface DiscoganNetworkOptions {
  /** image [height, width, channels] */
  inputShape: [number, number, number];
  /** generator: output channels, default the input's */
  outputChannels?: number;
  /** filters of the first conv, default 64, doubling per stage */
  baseFilters?: number;
  /** stride-2 stages: default log2(side) - 2, at most 4 (4 at 64 px, 2 at 16 px) */
  stages?: number;
  seed?: number;
  name?: string;
}

type Sym = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: Sym) => layer.apply(x) as Sym;

/** The default number of stride-2 stages for an image side: 4 x 4 pixels left, at most 4 stages. */
export function discoganStages(side: number): number {
  return Math.max(1, Math.min(4, Math.floor(Math.log2(side)) - 2));
}

function plan(o: DiscoganNetworkOptions, what: string) {
  const [h, w, c] = o.inputShape.map((v, i) => requirePositiveInteger(v, `${what} inputShape[${i}]`));
  const stages = requirePositiveInteger(o.stages ?? discoganStages(Math.min(h, w)), `${what} stages`);
  const scale = 2 ** stages;
  if (h % scale !== 0 || w % scale !== 0 || Math.min(h, w) / scale < 4) {
    throw new Error(`${what}: ${h} x ${w} must be divisible by 2^stages = ${scale} and leave at least 4 x 4 pixels`);
  }
  return { h, w, c, stages, base: requirePositiveInteger(o.baseFilters ?? 64, `${what} baseFilters`), init: new SeededInit(o.seed) };
}

/** conv 4x4 stride 2 (PyTorch's padding 1: tfjs 'same' on even sides), [batch norm], LeakyReLU 0.2, `stages` times. */
function encoder(x: Sym, stages: number, base: number, init: SeededInit, name: string): Sym {
  for (let i = 0; i < stages; i++) {
    x = apply(conv2d({
      filters: base * 2 ** i, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init.normal(0.02), name: `${name}_down${i}`,
    }), x);
    if (i > 0) x = apply(normalizationLayer('batch', `${name}_down${i}_norm`)!, x);
    x = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_down${i}_lrelu` }), x);
  }
  return x;
}

/** [N, H, W, C] in [-1, 1] -> [N, H, W, outputChannels] in (-1, 1). */
export function discoganGenerator(o: DiscoganNetworkOptions): tfl.LayersModel {
  const { h, w, c, stages, base, init } = plan(o, 'discoganGenerator');
  const outputChannels = requirePositiveInteger(o.outputChannels ?? c, 'discoganGenerator outputChannels');
  const name = o.name ?? 'discogan_g';
  const input = tfl.input({ shape: [h, w, c], name: `${name}_input` });
  let x = encoder(input, stages, base, init, name);
  for (let i = stages - 1; i >= 0; i--) {
    const last = i === 0;
    x = upsample(x, { filters: last ? outputChannels : base * 2 ** (i - 1), useBias: false, kernelInitializer: () => init.normal(0.02), name: `${name}_up${i}` });
    if (last) break;
    x = apply(normalizationLayer('batch', `${name}_up${i}_norm`)!, x);
    x = apply(tfl.layers.reLU({ name: `${name}_up${i}_relu` }), x);
  }
  const output = apply(tfl.layers.activation({ activation: 'tanh', name: `${name}_tanh` }), x);
  return tfl.model({ inputs: input, outputs: output, name });
}

/** [N, H, W, C] -> logits [N, H / 2^stages - 3, W / 2^stages - 3, 1] (one logit at the default stages and a power-of-two side). */
export function discoganDiscriminator(o: DiscoganNetworkOptions): tfl.LayersModel {
  const { h, w, c, stages, base, init } = plan(o, 'discoganDiscriminator');
  const name = o.name ?? 'discogan_d';
  const input = tfl.input({ shape: [h, w, c], name: `${name}_input` });
  const features = encoder(input, stages, base, init, name);
  const logits = apply(conv2d({
    filters: 1, kernelSize: 4, strides: 1, padding: 'valid', useBias: false, kernelInitializer: init.normal(0.02), name: `${name}_logits`,
  }), features);
  return tfl.model({ inputs: input, outputs: logits, name });
}
