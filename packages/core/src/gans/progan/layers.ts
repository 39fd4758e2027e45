// ProGAN's one layer of its own: the convolution with the equalised learning rate (Karras et al. 2018,
// "Progressive Growing of GANs", sec. 4.1). The dense layer and pixel normalisation are StyleGAN's
// (gans/stylegan/layers.ts), which follow the same convention: weights stored as N(0, 1) and scaled by
// 1 / sqrt(fan_in) at every call, so Adam's step is the same for every layer whatever its fan-in;
// 'lrelu' multiplies by sqrt(2) after the activation (He's gain, moved past the positively homogeneous lrelu).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { singleShape, single, type Shape } from '../../layers/common.js';

export interface EqualConv2dArgs { filters: number; kernelSize: number; activation?: 'linear' | 'lrelu'; seed?: number; name?: string }

/** A stride-1 'same' convolution with the equalised learning rate: [N, H, W, Cin] -> [N, H, W, filters]. */
export class EqualConv2d extends tfl.layers.Layer {
  static className = 'ProganEqualConv2d';
  private readonly o: Required<Omit<EqualConv2dArgs, 'seed' | 'name'>> & { seed?: number };
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor({ name, activation = 'linear', ...rest }: EqualConv2dArgs) {
    super({ name });
    this.o = { ...rest, activation };
  }

  override build(inputShape: Shape | Shape[]): void {
    const { kernelSize: k, filters, seed } = this.o;
    const shape = [k, k, singleShape(inputShape, this.name).at(-1)!, filters];
    this.kernel = this.addWeight('kernel', shape, 'float32', tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed }));
    this.bias = this.addWeight('bias', [filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...singleShape(inputShape, this.name).slice(0, -1), this.o.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name) as tf.Tensor4D;
      const fanIn = this.o.kernelSize * this.o.kernelSize * x.shape[3];
      const weight = tf.mul(this.kernel.read(), 1 / Math.sqrt(fanIn)) as tf.Tensor4D;
      const y = tf.add(tf.conv2d(x, weight, 1, 'same'), this.bias.read());
      return this.o.activation === 'lrelu' ? tf.mul(tf.leakyRelu(y, 0.2), Math.SQRT2) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { filters, kernelSize, activation } = this.o;
    return { ...super.getConfig(), filters, kernelSize, activation };
  }
}

tf.serialization.registerClass(EqualConv2d);
