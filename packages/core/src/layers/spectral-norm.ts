// Spectral normalisation (Miyato et al. 2018): the kernel is divided by an estimate of its largest
// singular value, kept by one power iteration per training call, so each layer is ~1-Lipschitz.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine.js';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

function l2normalize(v: tf.Tensor): tf.Tensor {
  return tf.div(v, tf.add(tf.norm(v), 1e-12));
}

// One power-iteration step on W [in, out] from u [1, out]; returns [u', v'] concatenated as [1, out + in].
// Wrapped in customGrad so that u and v are constants to every gradient (as in the paper), also second order.
const powerIteration = tf.customGrad(((w: tf.Tensor, u: tf.Tensor) => {
  const v = l2normalize(tf.matMul(u, w, false, true)); // [1, in]
  const uNext = l2normalize(tf.matMul(v, w)); // [1, out]
  return {
    value: tf.concat([uNext, v], 1),
    gradFunc: () => [tf.zeros(w.shape), tf.zeros(u.shape)],
  };
}) as unknown as CustomGradientFunc<tf.Tensor>);

/** Shared machinery: a kernel variable, the power-iteration vector u, and the normalised kernel. */
abstract class SpectralNormalized extends tfl.layers.Layer {
  readonly units: number;
  readonly useBias: boolean;
  readonly seed?: number;
  protected kernel: tfl.LayerVariable | null = null;
  protected bias: tfl.LayerVariable | null = null;
  private u: tfl.LayerVariable | null = null;

  constructor(args: { units: number; useBias?: boolean; seed?: number; name?: string }, what: string) {
    super({ name: args.name });
    this.units = positiveInteger(args.units, `${what} units/filters`);
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  protected addKernel(shape: number[]): void {
    this.kernel = this.addWeight('kernel', shape, 'float32', tfl.initializers.glorotUniform({ seed: this.seed }));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.u = this.addWeight('u', [1, this.units], 'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed === undefined ? undefined : this.seed + 1 }),
      undefined, false);
  }

  /** The kernel divided by its estimated spectral norm; updates u when training. */
  protected normalizedKernel(training: boolean): tf.Tensor {
    const w = this.kernel!.read();
    const wMatrix = tf.reshape(w, [-1, this.units]);
    const uv = powerIteration(wMatrix, this.u!.read()) as tf.Tensor;
    const u = tf.slice(uv, [0, 0], [1, this.units]);
    const v = tf.slice(uv, [0, this.units], [1, wMatrix.shape[0]]);
    const sigma = tf.sum(tf.mul(tf.matMul(v, wMatrix), u));
    if (training) this.u!.write(u);
    return tf.div(w, sigma);
  }

  /** Current spectral-norm estimate (for tests and monitoring). */
  sigma(): number {
    return tf.tidy(() => {
      const wMatrix = tf.reshape(this.kernel!.read(), [-1, this.units]);
      const v = l2normalize(tf.matMul(this.u!.read(), wMatrix, false, true));
      return tf.sum(tf.mul(tf.matMul(v, wMatrix), this.u!.read())).dataSync()[0];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useBias: this.useBias, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

export interface SNDenseArgs { units: number; useBias?: boolean; seed?: number; name?: string }

/** Dense layer with a spectrally normalised kernel (no activation: add one as its own layer). */
export class SNDense extends SpectralNormalized {
  static className = 'SNDense';

  constructor(args: SNDenseArgs) {
    super(args, 'SNDense');
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const features = shape[shape.length - 1];
    if (shape.length !== 2 || features === null) throw new Error(`SNDense expects [batch, features] input, got [${shape.join(', ')}]`);
    this.addKernel([features, this.units]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [singleShape(inputShape, this.name)[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.matMul(single(inputs, this.name) as tf.Tensor2D, this.normalizedKernel(kwargs?.training === true) as tf.Tensor2D);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

export interface SNConv2DArgs {
  filters: number; kernelSize: number; strides?: number; padding?: 'same' | 'valid';
  useBias?: boolean; seed?: number; name?: string;
}

/** NHWC conv2d with a spectrally normalised kernel (no activation). */
export class SNConv2D extends SpectralNormalized {
  static className = 'SNConv2D';
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';

  constructor(args: SNConv2DArgs) {
    super({ units: args.filters, useBias: args.useBias, seed: args.seed, name: args.name }, 'SNConv2D');
    this.kernelSize = positiveInteger(args.kernelSize, 'SNConv2D kernelSize');
    this.strides = positiveInteger(args.strides ?? 1, 'SNConv2D strides');
    this.padding = args.padding ?? 'same';
    if (this.padding !== 'same' && this.padding !== 'valid') throw new Error(`SNConv2D padding must be 'same' or 'valid', got '${String(this.padding)}'`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[3];
    if (shape.length !== 4 || channels === null) throw new Error(`SNConv2D expects [N, H, W, C] input, got [${shape.join(', ')}]`);
    this.addKernel([this.kernelSize, this.kernelSize, channels, this.units]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w] = singleShape(inputShape, this.name);
    const out = (d: number | null) => d === null ? null
      : this.padding === 'same' ? Math.ceil(d / this.strides) : Math.ceil((d - this.kernelSize + 1) / this.strides);
    return [n, out(h), out(w), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.conv2d(single(inputs, this.name) as tf.Tensor4D, this.normalizedKernel(kwargs?.training === true) as tf.Tensor4D,
        this.strides, this.padding);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.units, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}

tf.serialization.registerClass(SNDense);
tf.serialization.registerClass(SNConv2D);
