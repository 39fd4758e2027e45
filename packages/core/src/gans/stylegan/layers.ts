// StyleGAN's own layers (Karras et al. 2019, "A Style-Based Generator Architecture for GANs"; 2020,
// "Analyzing and Improving the Image Quality of StyleGAN"), as serialisable tfjs-layers so that
// checkpoints, the loop's EMA copies and `gantry export` handle them like any layer.
// Equalised learning rate (ProGAN sec. 4.1): weights are stored as N(0, 1 / lrMultiplier) and scaled by
// lrMultiplier / sqrt(fan_in) at every call, so Adam's per-weight step is the same for every layer.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { single, singleShape, type Shape } from '../../layers/common.js';

const LRELU_GAIN = Math.SQRT2;

function lrelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.leakyRelu(x, 0.2), LRELU_GAIN);
}

function normalInit(stddev: number, seed: number | undefined) {
  return tfl.initializers.randomNormal({ mean: 0, stddev, seed });
}

/** z / sqrt(mean(z^2) + 1e-8) per example: the mapping network's input normalisation. */
export class PixelNorm extends tfl.layers.Layer {
  static className = 'StyleganPixelNorm';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name);
      return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-8)));
    });
  }
}

export interface EqualDenseArgs { units: number; lrMultiplier?: number; activation?: 'linear' | 'lrelu'; seed?: number; name?: string }

/** Dense with the equalised learning rate; lrMultiplier 0.01 in the mapping network (StyleGAN sec. C). */
export class EqualDense extends tfl.layers.Layer {
  static className = 'StyleganEqualDense';
  readonly units: number;
  readonly lrMultiplier: number;
  readonly activation: 'linear' | 'lrelu';
  private readonly seed?: number;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: EqualDenseArgs) {
    super({ name: args.name });
    this.units = args.units;
    this.lrMultiplier = args.lrMultiplier ?? 1;
    this.activation = args.activation ?? 'linear';
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const fanIn = singleShape(inputShape, this.name).at(-1)!;
    this.kernel = this.addWeight('kernel', [fanIn, this.units], 'float32', normalInit(1 / this.lrMultiplier, this.seed));
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...singleShape(inputShape, this.name).slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name);
      const fanIn = x.shape.at(-1)!;
      const w = tf.mul(this.kernel.read(), this.lrMultiplier / Math.sqrt(fanIn));
      const y = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), tf.mul(this.bias.read(), this.lrMultiplier));
      return this.activation === 'lrelu' ? lrelu(y) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, lrMultiplier: this.lrMultiplier, activation: this.activation };
  }
}

/**
 * The identity on w, holding the tracked average of w (not trained: the trainer moves it towards each
 * batch's mean w) that the truncation trick pulls towards.
 */
export class WAverage extends tfl.layers.Layer {
  static className = 'StyleganWAverage';
  average!: tfl.LayerVariable;

  override build(inputShape: Shape | Shape[]): void {
    const dim = singleShape(inputShape, this.name).at(-1)!;
    this.average = this.addWeight('w_avg', [dim], 'float32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.clone(single(inputs, this.name));
  }
}

export interface ConstantInputArgs { size: number; channels: number; seed?: number; name?: string }

/** The learned 4 x 4 constant G starts from; its input (the styles) only gives the batch size. */
export class ConstantInput extends tfl.layers.Layer {
  static className = 'StyleganConstantInput';
  readonly size: number;
  readonly channels: number;
  private readonly seed?: number;
  private constant!: tfl.LayerVariable;

  constructor(args: ConstantInputArgs) {
    super({ name: args.name });
    this.size = args.size;
    this.channels = args.channels;
    this.seed = args.seed;
  }

  override build(): void {
    this.constant = this.addWeight('constant', [1, this.size, this.size, this.channels], 'float32', normalInit(1, this.seed));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [singleShape(inputShape, this.name)[0], this.size, this.size, this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const n = single(inputs, this.name).shape[0];
      return tf.mul(this.constant.read(), tf.ones([n, 1, 1, 1]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, channels: this.channels };
  }
}

export type StyleMode = 'adain' | 'modulated';

export interface StyleConvArgs {
  filters: number;
  kernelSize?: number;
  /** nearest 2x upsampling before the convolution */
  upsample?: boolean;
  /** which row of the per-layer styles [N, L, W] this layer reads */
  styleIndex: number;
  /** which channel of its resolution's noise input [N, r, r, 2] this layer adds */
  noiseChannel: number;
  /** 'adain' (StyleGAN: instance norm, then per-channel scale and shift from w) or 'modulated' (StyleGAN2) */
  mode?: StyleMode;
  seed?: number;
  name?: string;
}

/** Nearest-neighbour 2x by broadcasting (its gradient is a sum, native on every backend). */
function upsample2x(x: tf.Tensor): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const spread = tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]));
  return tf.reshape(spread, [n, 2 * h, 2 * w, c]);
}

/**
 * One synthesis layer: [x [N, h, w, Cin], styles [N, L, W], noise [N, r, r, 2]] -> [N, r, r, filters].
 * 'adain':     lrelu(conv(x) + B * noise + b), instance-normalised, then * (1 + ys(w)) + yb(w)
 * 'modulated': conv(x * s(w)) * demod + B * noise + b, then lrelu; demod = 1 / sqrt(sum_{k,i} (W s_i)^2),
 *              the per-example weight (de)modulation written as input scaling, a shared conv and output
 *              scaling (the StyleGAN2 paper's non-fused form), so that no grouped convolution is needed.
 * B is the learned per-channel noise strength (starts at 0).
 */
export class StyleConv extends tfl.layers.Layer {
  static className = 'StyleganStyleConv';
  readonly filters: number;
  readonly kernelSize: number;
  readonly upsample: boolean;
  readonly styleIndex: number;
  readonly noiseChannel: number;
  readonly mode: StyleMode;
  private readonly seed?: number;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  private styleKernel!: tfl.LayerVariable;
  private styleBias!: tfl.LayerVariable;
  private noiseStrength!: tfl.LayerVariable;

  constructor(args: StyleConvArgs) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.upsample = args.upsample ?? false;
    this.styleIndex = args.styleIndex;
    this.noiseChannel = args.noiseChannel;
    this.mode = args.mode ?? 'adain';
    this.seed = args.seed;
  }

  private get styleUnits(): number {
    return this.mode === 'modulated' ? this.inputChannels : 2 * this.filters;
  }

  private inputChannels = 0;

  override build(inputShape: Shape | Shape[]): void {
    const [x, styles] = inputShape as Shape[];
    this.inputChannels = x[3]!;
    const latent = styles[2]!;
    const k = this.kernelSize;
    const seed = this.seed;
    this.kernel = this.addWeight('kernel', [k, k, this.inputChannels, this.filters], 'float32', normalInit(1, seed));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.styleKernel = this.addWeight('style_kernel', [latent, this.styleUnits], 'float32', normalInit(1, seed === undefined ? undefined : seed + 1));
    // a style starts as the identity: scales 1 (the bias of the affine map), shifts 0
    this.styleBias = this.addWeight('style_bias', [this.styleUnits], 'float32', tfl.initializers.zeros());
    this.noiseStrength = this.addWeight('noise_strength', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [x] = inputShape as Shape[];
    const f = this.upsample ? 2 : 1;
    return [x[0], x[1] === null ? null : x[1] * f, x[2] === null ? null : x[2] * f, this.filters];
  }

  /** The affine map A: w of this layer [N, W] -> its style [N, styleUnits], scale parts starting at 1. */
  private style(styles: tf.Tensor): tf.Tensor2D {
    const [n, , latent] = styles.shape;
    const w = tf.reshape(tf.slice(styles, [0, this.styleIndex, 0], [n, 1, latent]), [n, latent]);
    const a = tf.add(tf.matMul(w as tf.Tensor2D, tf.mul(this.styleKernel.read(), 1 / Math.sqrt(latent)) as tf.Tensor2D), this.styleBias.read());
    const ones = this.mode === 'modulated' ? tf.ones([this.styleUnits]) : tf.concat([tf.ones([this.filters]), tf.zeros([this.filters])]);
    return tf.add(a, ones) as tf.Tensor2D;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [input, styles, noiseInput] = inputs as tf.Tensor[];
      const x = this.upsample ? upsample2x(input) : input;
      const n = x.shape[0];
      const weight = tf.mul(this.kernel.read(), 1 / Math.sqrt(this.kernelSize * this.kernelSize * this.inputChannels)) as tf.Tensor4D;
      const style = this.style(styles);
      const noise = tf.slice(noiseInput, [0, 0, 0, this.noiseChannel], [-1, -1, -1, 1]);
      const withNoise = (y: tf.Tensor) => tf.add(tf.add(y, tf.mul(noise, this.noiseStrength.read())), this.bias.read());
      if (this.mode === 'modulated') {
        const modulated = tf.mul(x, tf.reshape(style, [n, 1, 1, this.inputChannels]));
        const y = tf.conv2d(modulated as tf.Tensor4D, weight, 1, 'same');
        const energy = tf.sum(tf.square(weight), [0, 1]); // [Cin, Cout]
        const demod = tf.rsqrt(tf.add(tf.matMul(tf.square(style), energy as tf.Tensor2D), 1e-8));
        return lrelu(withNoise(tf.mul(y, tf.reshape(demod, [n, 1, 1, this.filters]))));
      }
      const y = lrelu(withNoise(tf.conv2d(x as tf.Tensor4D, weight, 1, 'same')));
      const mean = tf.mean(y, [1, 2], true);
      const centred = tf.sub(y, mean);
      const normed = tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 2], true), 1e-8)));
      const [scale, shift] = tf.split(style, 2, 1);
      return tf.add(tf.mul(normed, tf.reshape(scale, [n, 1, 1, this.filters])), tf.reshape(shift, [n, 1, 1, this.filters]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, upsample: this.upsample,
      styleIndex: this.styleIndex, noiseChannel: this.noiseChannel, mode: this.mode,
    };
  }
}

for (const layer of [PixelNorm, EqualDense, WAverage, ConstantInput, StyleConv]) tf.serialization.registerClass(layer);
