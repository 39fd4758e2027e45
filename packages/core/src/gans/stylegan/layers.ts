// StyleGAN's own layers (Karras et al. 2019, "A Style-Based Generator Architecture for GANs"; 2020,
// "Analyzing and Improving the Image Quality of StyleGAN"), as serialisable tfjs-layers so that
// checkpoints, the loop's EMA copies and `gantry export` handle them like any layer.
// Equalised learning rate (ProGAN sec. 4.1): weights are stored as N(0, 1 / lrMultiplier) and scaled by
// lrMultiplier / sqrt(fan_in) at every call, so Adam's per-weight step is the same for every layer.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { single, singleShape, type Shape } from '../../layers/common.js';
import { FusedConvLayer } from '../../layers/fused-conv.js';
import { standardizeImages } from '../../layers/instance-norm.js';
import { fusedConv2d } from '../../tfjs-gradients/conv-grads.js';
import { denseForward } from '../../tfjs-gradients/fused-ops.js';

const LRELU_SLOPE = 0.2;
const LRELU_GAIN = Math.SQRT2;
const INSTANCE_NORM_EPSILON = 1e-8;

function lrelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.leakyRelu(x, LRELU_SLOPE), LRELU_GAIN);
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

export interface EqualDenseArgs {
  units: number;
  lrMultiplier?: number;
  activation?: 'linear' | 'lrelu';
  /** the factor after the activation: default lrelu's sqrt(2) (1 when linear) */
  activationGain?: number;
  /**
   * a constant factor the layer before left out of its output, taken into this layer's weight scale
   * (one multiply fewer each way): the mapping network's lrelu gain, default 1
   */
  inputGain?: number;
  seed?: number;
  name?: string;
}

/** Dense with the equalised learning rate; lrMultiplier 0.01 in the mapping network (StyleGAN sec. C). */
export class EqualDense extends tfl.layers.Layer {
  static className = 'StyleganEqualDense';
  readonly units: number;
  readonly lrMultiplier: number;
  readonly activation: 'linear' | 'lrelu';
  readonly activationGain: number;
  readonly inputGain: number;
  private readonly seed?: number;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: EqualDenseArgs) {
    super({ name: args.name });
    this.units = args.units;
    this.lrMultiplier = args.lrMultiplier ?? 1;
    this.activation = args.activation ?? 'linear';
    this.activationGain = args.activationGain ?? (this.activation === 'lrelu' ? LRELU_GAIN : 1);
    this.inputGain = args.inputGain ?? 1;
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
      const w = tf.mul(this.kernel.read(), this.inputGain * this.lrMultiplier / Math.sqrt(fanIn));
      const y = denseForward(x as tf.Tensor2D, w as tf.Tensor2D, tf.mul(this.bias.read(), this.lrMultiplier) as tf.Tensor1D, 'linear');
      const activated = this.activation === 'lrelu' ? tf.leakyRelu(y, LRELU_SLOPE) : y;
      return this.activationGain === 1 ? activated : tf.mul(activated, this.activationGain);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), units: this.units, lrMultiplier: this.lrMultiplier, activation: this.activation,
      activationGain: this.activationGain, inputGain: this.inputGain,
    };
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

/**
 * Nearest-neighbour 2x upsampling as tfjs's resizeNearestNeighbor, whose gradient is one
 * ResizeNearestNeighborGrad kernel (native on torch), where a broadcast against ones is a 6-D multiply
 * forward and a 6-D multiply and sum backward (stylegan64 on torch, bench/profile.ts: ~58 ms CPU a step
 * against ~9; docs/benchmarks.md). tfjs 4.22's cpu kernel for that gradient reads dy at the images'
 * batch stride, wrong for every image after the first; on cpu the batch is therefore stacked into the
 * height, which exact 2x never crosses (output rows 2i and 2i + 1 come from row i), leaving one image.
 * Not elsewhere: webgl's kernel finds each dy row's source by a float division that misplaces rows when
 * the height is not a power of two (batch 7 at 8 px), as a stacked height may be and StyleGAN's own
 * heights never are.
 */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (tf.getBackend() !== 'cpu') return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
  const stacked = tf.image.resizeNearestNeighbor(tf.reshape(x, [1, n * h, w, c]) as tf.Tensor4D, [2 * n * h, 2 * w]);
  return tf.reshape(stacked, [n, 2 * h, 2 * w, c]);
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

  /** The affine map A: w of this layer [N, W] -> A(w) [N, styleUnits]; the style is A(w) + 1 for scales, A(w) for shifts. */
  private affine(styles: tf.Tensor): tf.Tensor2D {
    const [n, , latent] = styles.shape;
    const w = tf.reshape(tf.slice(styles, [0, this.styleIndex, 0], [n, 1, latent]), [n, latent]);
    return denseForward(w as tf.Tensor2D, tf.mul(this.styleKernel.read(), 1 / Math.sqrt(latent)) as tf.Tensor2D, this.styleBias.read() as tf.Tensor1D, 'linear');
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [input, styles, noiseInput] = inputs as tf.Tensor[];
      const x = this.upsample ? upsample2x(input as tf.Tensor4D) : input as tf.Tensor4D;
      const weight = tf.mul(this.kernel.read(), 1 / Math.sqrt(this.kernelSize * this.kernelSize * this.inputChannels)) as tf.Tensor4D;
      const noise = tf.mul(tf.slice(noiseInput, [0, 0, 0, this.noiseChannel], [-1, -1, -1, 1]), this.noiseStrength.read());
      return this.mode === 'modulated' ? this.modulated(x, weight, this.affine(styles), noise) : this.adain(x, weight, this.affine(styles), noise);
    });
  }

  private modulated(x: tf.Tensor4D, weight: tf.Tensor4D, affine: tf.Tensor2D, noise: tf.Tensor): tf.Tensor {
    const n = x.shape[0];
    const style = tf.add(affine, 1);
    const y = tf.conv2d(tf.mul(x, tf.reshape(style, [n, 1, 1, this.inputChannels])) as tf.Tensor4D, weight, 1, 'same');
    const energy = tf.sum(tf.square(weight), [0, 1]); // [Cin, Cout]
    const demod = tf.rsqrt(tf.add(tf.matMul(tf.square(style), energy as tf.Tensor2D), 1e-8));
    return lrelu(tf.add(tf.add(tf.mul(y, tf.reshape(demod, [n, 1, 1, this.filters])), noise), this.bias.read()));
  }

  /**
   * Written for few full-size ops (each is a pass over [N, r, r, C]): the bias rides in the convolution;
   * lrelu's gain is left out, since instance normalisation cancels a constant factor but for its
   * epsilon (norm(g y, eps) = norm(y, eps / g^2)); the normalisation and the style's per-image scale and
   * shift are instance-norm.ts's op, one kernel each way on torch (the scale's and shift's gradients are its
   * per-image sums).
   */
  private adain(x: tf.Tensor4D, weight: tf.Tensor4D, affine: tf.Tensor2D, noise: tf.Tensor): tf.Tensor {
    const n = x.shape[0];
    const perChannel = (t: tf.Tensor) => tf.reshape(t, [n, 1, 1, this.filters]);
    const convolved = fusedConv2d(x, weight, this.bias.read() as tf.Tensor1D, { strides: 1, pad: 'same', dilations: 1, activation: 'linear' });
    const y = tf.leakyRelu(tf.add(convolved, noise), LRELU_SLOPE) as tf.Tensor4D;
    const [scale, shift] = tf.split(affine, 2, 1);
    return standardizeImages(y, INSTANCE_NORM_EPSILON / LRELU_GAIN ** 2, { gamma: perChannel(tf.add(scale, 1)), beta: perChannel(shift) });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, upsample: this.upsample,
      styleIndex: this.styleIndex, noiseChannel: this.noiseChannel, mode: this.mode,
    };
  }
}

export interface DiscriminatorConvArgs { filters: number; kernelSize: number; seed?: number; name?: string }

/**
 * D's convolution: leakyRelu(conv(x) + b, 0.2), 'same' padding, He-normal kernel and zero bias (tfjs-layers'
 * conv2d with those initialisers, and weight names, followed by its leakyReLU layer), as one FusedConv2D
 * kernel whose gradient (tfjs-gradients/conv-grads.ts) computes only the inputs' gradients asked for: G's
 * step needs D's input gradient alone, where tf.fused.conv2d's customGrad (tfjs-layers' conv2d) also
 * computes its filter and bias gradients, and keeps seven clones for them.
 */
export class DiscriminatorConv extends FusedConvLayer {
  static className = 'StyleganDiscriminatorConv';
  readonly kernelSize: number;

  constructor(args: DiscriminatorConvArgs) {
    super({
      filters: args.filters, kernelShape: [args.kernelSize, args.kernelSize], dilations: [1, 1], activation: 'leakyrelu', alpha: LRELU_SLOPE,
      kernelInitializer: tfl.initializers.heNormal({ seed: args.seed }), name: args.name,
    });
    this.kernelSize = args.kernelSize;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize };
  }
}

for (const layer of [PixelNorm, EqualDense, WAverage, ConstantInput, StyleConv, DiscriminatorConv]) tf.serialization.registerClass(layer);
