// The next-frame predictor and its multi-scale sequence discriminator.
// Predictor: the context frames stacked as channels [N, H, W, context] -> all future frames at once
// [N, H, W, future]: a small U-Net (two stride-2 3x3 convs down, nearest upsampling and 3x3 convs back
// up, the encoder's maps concatenated at each size), ReLU, a linear output (a sigmoid there saturated at
// 0 within the first steps on these mostly black frames, and the MSE never left the all-black plateau);
// predictFrames clips to [0, 1]. Predicting every frame in one pass (no recurrence) keeps a step cheap
// enough for a few CPU minutes of training.
// Discriminator (Mathieu, Couprie and LeCun 2016 use one per scale): a sequence (context then future
// frames, [N, H, W, context + future]) is judged at `scales` resolutions (full, 1/2, 1/4 by average
// pooling), each by its own conv stack of stride-2 4x4 convs with LeakyReLU 0.2 ending in a map of patch
// logits: one model with one output per scale, so one optimizer updates all of them.
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../../layers/conv2d.js';
import { requirePositiveInteger, SeededInit } from '../../models/common.js';

export interface FramePredictorOptions {
  size: number;
  context: number;
  future: number;
  /** filters at full size, doubled at each of the two smaller sizes; default 16 */
  filters?: number;
  seed?: number;
  name?: string;
}

export interface SequenceDiscriminatorOptions {
  size: number;
  frames: number;
  /** resolutions judged: 1 full, 2 adds half, 3 adds quarter; default 2 */
  scales?: number;
  /** filters of each scale's first conv, doubled in the second; default 16 */
  filters?: number;
  seed?: number;
  name?: string;
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

export function framePredictor(o: FramePredictorOptions): tfl.LayersModel {
  const size = requirePositiveInteger(o.size, 'frame predictor size');
  if (size % 4 !== 0) throw new Error(`frame predictor: the frame side must be divisible by 4 (two stride-2 convs), got ${size}`);
  const context = requirePositiveInteger(o.context, 'frame predictor context');
  const future = requirePositiveInteger(o.future, 'frame predictor future');
  const f = requirePositiveInteger(o.filters ?? 16, 'frame predictor filters');
  const name = o.name ?? 'predictor';
  const init = new SeededInit(o.seed);
  const conv = (x: tfl.SymbolicTensor, filters: number, layer: string, strides = 1, activation: 'relu' | 'linear' = 'relu') =>
    apply(conv2d({ filters, kernelSize: 3, strides, padding: 'same', activation, kernelInitializer: init.glorotUniform(), name: `${name}_${layer}` }), x);
  const up = (x: tfl.SymbolicTensor, layer: string) => apply(tfl.layers.upSampling2d({ size: [2, 2], name: `${name}_${layer}` }), x);
  const join = (a: tfl.SymbolicTensor, b: tfl.SymbolicTensor, layer: string) => apply(tfl.layers.concatenate({ name: `${name}_${layer}` }), [a, b]);

  const input = tfl.input({ shape: [size, size, context], name: `${name}_context` });
  const e1 = conv(input, f, 'enc1');
  const e2 = conv(e1, 2 * f, 'enc2', 2);
  const e3 = conv(conv(e2, 4 * f, 'enc3', 2), 4 * f, 'middle');
  const d2 = conv(join(up(e3, 'up2'), e2, 'skip2'), 2 * f, 'dec2');
  const d1 = conv(join(up(d2, 'up1'), e1, 'skip1'), f, 'dec1');
  const frames = conv(d1, future, 'frames', 1, 'linear');
  return tfl.model({ inputs: input, outputs: frames, name });
}

export function sequenceDiscriminator(o: SequenceDiscriminatorOptions): tfl.LayersModel {
  const size = requirePositiveInteger(o.size, 'sequence discriminator size');
  const frames = requirePositiveInteger(o.frames, 'sequence discriminator frames');
  const scales = requirePositiveInteger(o.scales ?? 2, 'sequence discriminator scales');
  const f = requirePositiveInteger(o.filters ?? 16, 'sequence discriminator filters');
  if (size % (2 ** (scales - 1) * 4) !== 0) throw new Error(`sequence discriminator: a ${size} px side cannot be halved ${scales - 1} times and then strided twice`);
  const name = o.name ?? 'discriminator';
  const init = new SeededInit(o.seed);
  const input = tfl.input({ shape: [size, size, frames], name: `${name}_sequence` });
  const outputs: tfl.SymbolicTensor[] = [];
  for (let s = 0; s < scales; s++) {
    let x = s === 0 ? input : apply(tfl.layers.averagePooling2d({ poolSize: 2 ** s, strides: 2 ** s, name: `${name}_s${s}_pool` }), input);
    for (const [i, filters] of [f, 2 * f].entries()) {
      x = apply(conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init.glorotUniform(), name: `${name}_s${s}_conv${i}` }), x);
      x = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_s${s}_lrelu${i}` }), x);
    }
    outputs.push(apply(conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: init.glorotUniform(), name: `${name}_s${s}_logits` }), x));
  }
  return tfl.model({ inputs: input, outputs, name });
}
