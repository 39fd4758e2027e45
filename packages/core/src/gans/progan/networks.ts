// ProGAN's two networks, built once at the target resolution with one RGB head per stage (grow.ts runs the
// stages a phase needs). Every layer's name starts with its stage, `s<r>_`, which is how grow.ts finds them,
// in the EMA copies and in a reloaded checkpoint alike.
// generator:     z [N, Z] -> [rgb_4, rgb_8, ..., rgb_R], the image of every stage at alpha 1:
//                s4: pixel norm of z, equalised dense to 4 x 4 x C (lrelu), pixel norm, 3x3 conv, pixel norm;
//                s<r>: 2x nearest upsampling, two (3x3 conv, lrelu, pixel norm); each stage's 1x1 to_rgb (linear)
// discriminator: [image_4, ..., image_R] -> [logit_4, ..., logit_R], every stage's score at alpha 1:
//                s<r>: 1x1 from_rgb (lrelu), two 3x3 convs (lrelu), 2x average pooling;
//                s4:   minibatch standard deviation, 3x3 conv, equalised dense (lrelu), dense logit
// All weights use the equalised learning rate (the paper's 512 channels scaled down to CPU widths).
// With numClasses (conditional, ../class-conditioning.ts): G takes [z, one-hot class], the class embedding
// concatenated with z before s4's pixel norm (normalised together, the paper's conditional CelebA/LSUN setup);
// D takes [one-hot class, images...] (the class first: grow.ts reads the top stage from the last input) and
// adds the projection term <E(y), phi(x)> to each logit, phi(x) the output of s4_dense.
import * as tfl from '@tensorflow/tfjs-layers';
import { MinibatchStdDev } from '../../layers/minibatch-stddev.js';
import { NearestUpsampling2D } from '../../layers/upsample.js';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';
import { CLASS_EMBEDDING, CLASS_PROJECTION, classEmbedding, classInput, projectLogit } from '../class-conditioning.js';
import { EqualDense, PixelNorm } from '../stylegan/layers.js';
import { resolutionsOf } from '../stylegan/networks.js';
import { EqualConv2d } from './layers.js';

export const PROGAN_RESOLUTIONS = [16, 32, 64] as const;

export interface ProganNetworkOptions {
  /** the target side: 16, 32 or 64 (8 too, for tests) */
  resolution: number;
  /** z size, default 64 (the paper: 512) */
  latentDim?: number;
  /** channels at stage r: min(maxChannels, channelBase / r); defaults 64 and 1024 */
  maxChannels?: number;
  channelBase?: number;
  /** classes of a conditional model; absent (or 0): unconditional */
  numClasses?: number;
  seed?: number;
}

export function resolveNetworks(o: ProganNetworkOptions) {
  if (![8, ...PROGAN_RESOLUTIONS].includes(o.resolution)) {
    throw new Error(`ProGAN: resolution must be one of ${PROGAN_RESOLUTIONS.join(', ')}, got ${o.resolution}`);
  }
  return {
    resolution: o.resolution,
    latentDim: requirePositiveInteger(o.latentDim ?? 64, 'ProGAN latentDim'),
    maxChannels: requirePositiveInteger(o.maxChannels ?? 64, 'ProGAN maxChannels'),
    channelBase: requirePositiveInteger(o.channelBase ?? 1024, 'ProGAN channelBase'),
  };
}

/** The stages 4, 8, ..., R: StyleGAN's synthesis resolutions. */
export const stagesOf = resolutionsOf;

function channelsAt(r: ReturnType<typeof resolveNetworks>, stage: number): number {
  return Math.max(1, Math.min(r.maxChannels, Math.floor(r.channelBase / stage)));
}

type Node = tfl.SymbolicTensor;
const embeddingSeed = (o: ProganNetworkOptions, offset: number) => (o.seed === undefined ? undefined : o.seed + offset);
const chain = (layers: tfl.layers.Layer[], x: Node) => layers.reduce((h, layer) => layer.apply(h) as Node, x);

export function proganGenerator(o: ProganNetworkOptions, name = 'generator'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed);
  const conv = (stage: number, kernelSize: number, layerName: string, activation: 'lrelu' | 'linear' = 'lrelu') =>
    new EqualConv2d({ filters: kernelSize === 1 ? 3 : channelsAt(r, stage), kernelSize, activation, seed: init.next(), name: `s${stage}_${layerName}` });
  const norm = (stage: number, i: number) => new PixelNorm({ name: `s${stage}_norm${i}` });
  const c4 = channelsAt(r, 4);
  const z = tfl.input({ shape: [r.latentDim], name: 'z' });
  const label = o.numClasses ? classInput(o.numClasses) : undefined;
  const gInput = label
    ? tfl.layers.concatenate({ name: 'z_and_class' }).apply([z, classEmbedding(r.latentDim, embeddingSeed(o, 101), CLASS_EMBEDDING).apply(label) as Node]) as Node
    : z;
  let h = chain([
    new PixelNorm({ name: 's4_normalise_z' }),
    new EqualDense({ units: 16 * c4, activation: 'lrelu', seed: init.next(), name: 's4_dense' }),
    tfl.layers.reshape({ targetShape: [4, 4, c4], name: 's4_reshape' }), norm(4, 0), conv(4, 3, 'conv'), norm(4, 1),
  ], gInput);
  const images: Node[] = [];
  for (const stage of stagesOf(r.resolution)) {
    if (stage > 4) {
      h = chain([new NearestUpsampling2D({ scale: 2, name: `s${stage}_up` }), conv(stage, 3, 'conv0'), norm(stage, 0), conv(stage, 3, 'conv1'), norm(stage, 1)], h);
    }
    images.push(conv(stage, 1, 'to_rgb', 'linear').apply(h) as Node);
  }
  return tfl.model({ inputs: label ? [z, label] : z, outputs: images, name });
}

export function proganDiscriminator(o: ProganNetworkOptions, name = 'discriminator'): tfl.LayersModel {
  const r = resolveNetworks(o);
  const init = new SeededInit(o.seed === undefined ? undefined : o.seed + 31);
  const conv = (stage: number, filters: number, kernelSize: number, layerName: string) =>
    new EqualConv2d({ filters, kernelSize, activation: 'lrelu', seed: init.next(), name: `s${stage}_${layerName}` });
  const stages = stagesOf(r.resolution);
  const trunk = new Map<number, tfl.layers.Layer[]>();
  for (const stage of stages) {
    const c = channelsAt(r, stage);
    trunk.set(stage, stage === 4
      ? [new MinibatchStdDev({ groupSize: 4, name: 's4_stddev' }), conv(4, c, 3, 'conv'), tfl.layers.flatten({ name: 's4_flatten' }),
        new EqualDense({ units: c, activation: 'lrelu', seed: init.next(), name: 's4_dense' }),
        new EqualDense({ units: 1, seed: init.next(), name: 's4_logit' })]
      : [conv(stage, c, 3, 'conv0'), conv(stage, channelsAt(r, stage / 2), 3, 'conv1'), tfl.layers.averagePooling2d({ poolSize: 2, name: `s${stage}_pool` })]);
  }
  const inputs = stages.map((stage) => tfl.input({ shape: [stage, stage, 3], name: `image${stage}` }));
  const label = o.numClasses ? classInput(o.numClasses) : undefined;
  const embedded = label && (classEmbedding(channelsAt(r, 4), embeddingSeed(o, 131), CLASS_PROJECTION).apply(label) as Node);
  const logits = stages.map((stage, i) => {
    let h = conv(stage, channelsAt(r, stage), 1, 'from_rgb').apply(inputs[i]) as Node;
    for (let s = stage; s > 4; s /= 2) h = chain(trunk.get(s)!, h);
    const s4 = trunk.get(4)!;
    const features = chain(s4.slice(0, -1), h);
    const logit = s4.at(-1)!.apply(features) as Node;
    return embedded ? projectLogit(logit, features, embedded) : logit;
  });
  return tfl.model({ inputs: label ? [label, ...inputs] : inputs, outputs: logits, name });
}
