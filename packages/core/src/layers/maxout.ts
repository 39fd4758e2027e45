// Maxout units (Goodfellow et al. 2013), as the original GAN's discriminator used them.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

/** Maxout: [N, units * pieces] -> [N, units], the largest of each unit's `pieces` consecutive inputs. */
export class Maxout extends tfl.layers.Layer {
  static className = 'Maxout';
  readonly pieces: number;

  constructor(args: { pieces: number; name?: string }) {
    super({ name: args.name });
    this.pieces = positiveInteger(args.pieces, 'Maxout pieces');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const width = shape[shape.length - 1];
    if (shape.length !== 2 || width === null || width % this.pieces !== 0) {
      throw new Error(`Maxout with ${this.pieces} pieces needs [N, F] input with F divisible by ${this.pieces}, got [${shape.join(', ')}]`);
    }
    return [shape[0], width / this.pieces];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name);
      const [n, width] = x.shape;
      return tf.max(tf.reshape(x, [n, width / this.pieces, this.pieces]), 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pieces: this.pieces };
  }
}

tf.serialization.registerClass(Maxout);
