// Pixel shuffle (Shi et al. 2016, ESPCN; SRGAN's x2 upsampling stages): [N, H, W, C * r * r] ->
// [N, H * r, W * r, C], the channels of each input pixel spread over an r x r block. The channel order is
// tf.depthToSpace's (NHWC, "DCR": input channel (i * r + j) * C + c goes to block offset (i, j), channel
// c); PyTorch's nn.PixelShuffle on NCHW takes channel c * r * r + i * r + j instead, the same map up to a
// fixed permutation of the preceding convolution's filters. Written as reshape and transpose because
// tf.depthToSpace has no gradient in tfjs 4.22 and its DepthToSpace kernel is not native on the torch
// backend (it runs on the cpu fallback); reshape and transpose are both, forward and backward.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

/** depth-to-space by `scale` on [N, H, W, C * scale^2]; equals tf.depthToSpace(x, scale, 'NHWC'). */
export function pixelShuffle(x: tf.Tensor, scale: number): tf.Tensor {
  const r = positiveInteger(scale, 'pixelShuffle scale');
  if (x.rank !== 4) throw new Error(`pixelShuffle expects [N, H, W, C] input, got [${x.shape.join(', ')}]`);
  const [n, h, w, depth] = x.shape;
  if (depth % (r * r) !== 0) throw new Error(`pixelShuffle: ${depth} channels are not a multiple of scale^2 = ${r * r}`);
  const c = depth / (r * r);
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [n, h, w, r, r, c]), [0, 1, 3, 2, 4, 5]), [n, h * r, w * r, c]));
}

export interface PixelShuffleArgs { scale: number; name?: string }

export class PixelShuffle extends tfl.layers.Layer {
  static className = 'PixelShuffle';
  readonly scale: number;

  constructor(args: PixelShuffleArgs) {
    super({ name: args.name });
    this.scale = positiveInteger(args.scale, 'PixelShuffle scale');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const r = this.scale;
    const depth = shape[3];
    if (shape.length !== 4 || depth === null || depth % (r * r) !== 0) {
      throw new Error(`PixelShuffle(${r}) expects [N, H, W, C * ${r * r}] input, got [${shape.join(', ')}]`);
    }
    const up = (d: number | null) => (d === null ? null : d * r);
    return [shape[0], up(shape[1]), up(shape[2]), depth / (r * r)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return pixelShuffle(single(inputs, this.name), this.scale);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(PixelShuffle);
