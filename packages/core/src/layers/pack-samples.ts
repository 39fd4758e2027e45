// PacGAN packing (Lin et al. 2018): the discriminator judges several samples at once.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

/**
 * PacGAN packing: [N, F] -> [N / pack, pack * F], rows i*pack .. i*pack+pack-1 side by side. The batch
 * shrinks, so a packed D returns one logit per pack of samples (losses average over packs).
 */
export class PackSamples extends tfl.layers.Layer {
  static className = 'PackSamples';
  readonly pack: number;

  constructor(args: { pack: number; name?: string }) {
    super({ name: args.name });
    this.pack = positiveInteger(args.pack, 'PackSamples pack');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const width = shape[shape.length - 1];
    if (shape.length !== 2 || width === null) throw new Error(`PackSamples needs [N, F] input, got [${shape.join(', ')}]`);
    return [null, width * this.pack];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs, this.name);
    const [n, width] = x.shape;
    if (n % this.pack !== 0) {
      throw new Error(`PackSamples: a batch of ${n} samples cannot be split into packs of ${this.pack}; use a batch size divisible by ${this.pack}`);
    }
    return tf.reshape(x, [n / this.pack, width * this.pack]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pack: this.pack };
  }
}

tf.serialization.registerClass(PackSamples);
