// Upsampling by an integer factor for image generators, two ways: a transposed convolution (pix2pix's
// U-Net, DCGAN), or a resize followed by a convolution (Odena et al. 2016, "Deconvolution and
// Checkerboard Artifacts": the resize spreads every input pixel evenly, so the uneven kernel overlap
// of a strided transposed convolution, and its checkerboard, cannot occur). For pixel shuffle, the third
// way (SRGAN), see pixel-shuffle.ts.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { positiveInteger, single, singleShape, type Shape } from './common.js';
import { paddedConv, type BlockPadding } from './residual-block.js';

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export interface UpsampleOptions {
  filters: number;
  name: string;
  /** 'transposed' (default) or 'resize-conv' */
  mode?: 'transposed' | 'resize-conv';
  /** factor, default 2 */
  scale?: number;
  /**
   * transposed: default 4 (with stride 2 and 'same' padding this is exactly PyTorch's ConvTranspose2d(k=4,
   * s=2, p=1) of pix2pix); resize-conv: default 3, odd (padded to keep the size)
   */
  kernelSize?: number;
  /** resize-conv: the resize, 'nearest' (default) or 'bilinear' (tfjs's resizeBilinear without half-pixel centres) */
  interpolation?: 'nearest' | 'bilinear';
  /** resize-conv: the convolution's padding, 'reflect' (default) or 'zero' */
  padding?: BlockPadding;
  useBias?: boolean;
  kernelInitializer?: () => Initializer;
}

/**
 * Nearest-neighbour upsampling by an integer factor: every pixel becomes a scale x scale block. A
 * broadcast between two reshapes, not tfjs-layers' UpSampling2D: tfjs 4.22's cpu kernel for the
 * gradient of resizeNearestNeighbor reads dy at the input's batch stride, so every image after the
 * first in a batch gets a wrong gradient on the cpu backend. The broadcast's gradient is a sum, right
 * on every backend and native on torch.
 */
export class NearestUpsampling2D extends tfl.layers.Layer {
  static className = 'NearestUpsampling2D';
  readonly scale: number;

  constructor(args: { scale: number; name?: string }) {
    super({ name: args.name });
    this.scale = positiveInteger(args.scale, 'NearestUpsampling2D scale');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 4) throw new Error(`NearestUpsampling2D expects [N, H, W, C] input, got [${shape.join(', ')}]`);
    const up = (d: number | null) => (d === null ? null : d * this.scale);
    return [shape[0], up(shape[1]), up(shape[2]), shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name);
      const [n, h, w, c] = x.shape;
      const r = this.scale;
      // a broadcasting product with ones, not tf.broadcastTo: that is a Tile, whose gradient tfjs has only up to rank 4
      return tf.reshape(tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, r, 1, r, 1])), [n, h * r, w * r, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(NearestUpsampling2D);

/** [N, H, W, C] -> [N, H * scale, W * scale, filters]. */
export function upsample(x: tfl.SymbolicTensor, o: UpsampleOptions): tfl.SymbolicTensor {
  const scale = positiveInteger(o.scale ?? 2, `${o.name} scale`);
  const filters = positiveInteger(o.filters, `${o.name} filters`);
  const mode = o.mode ?? 'transposed';
  const init = o.kernelInitializer ? { kernelInitializer: o.kernelInitializer() } : {};
  if (mode === 'transposed') {
    return tfl.layers.conv2dTranspose({
      filters, kernelSize: o.kernelSize ?? 4, strides: scale, padding: 'same', useBias: o.useBias ?? true, name: o.name, ...init,
    }).apply(x) as tfl.SymbolicTensor;
  }
  if (mode !== 'resize-conv') throw new Error(`${o.name}: mode must be 'transposed' or 'resize-conv', got ${String(mode)}`);
  const interpolation = o.interpolation ?? 'nearest';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new Error(`${o.name}: interpolation must be 'nearest' or 'bilinear', got ${String(interpolation)}`);
  const resize = interpolation === 'nearest'
    ? new NearestUpsampling2D({ scale, name: `${o.name}_resize` })
    : tfl.layers.upSampling2d({ size: [scale, scale], interpolation, name: `${o.name}_resize` });
  const resized = resize.apply(x) as tfl.SymbolicTensor;
  return paddedConv(resized, {
    filters, kernelSize: o.kernelSize ?? 3, padding: o.padding ?? 'reflect', useBias: o.useBias ?? true, kernelInitializer: o.kernelInitializer, name: o.name,
  });
}
