// Minibatch standard deviation (Karras et al. 2018, "Progressive Growing of GANs", sec. 3): appends the
// average within-group standard deviation of the features as one extra feature/channel, a cheap
// signal of sample diversity for the discriminator.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { positiveInteger, single, singleShape, type Shape } from './common.js';

export interface MinibatchStdDevArgs {
  /** Samples per group (the paper uses 4). Batches not divisible by it use the largest divisor below it. */
  groupSize?: number;
  name?: string;
}

function groupSizeFor(batch: number, wanted: number): number {
  for (let g = Math.min(wanted, batch); g > 1; g--) if (batch % g === 0) return g;
  return 1;
}

/** [N, F] -> [N, F + 1] or [N, H, W, C] -> [N, H, W, C + 1]. */
export class MinibatchStdDev extends tfl.layers.Layer {
  static className = 'MinibatchStdDev';
  readonly groupSize: number;

  constructor(args: MinibatchStdDevArgs = {}) {
    super({ name: args.name });
    this.groupSize = positiveInteger(args.groupSize ?? 4, 'MinibatchStdDev groupSize');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 2 && shape.length !== 4) {
      throw new Error(`MinibatchStdDev expects [N, F] or [N, H, W, C] input, got [${shape.join(', ')}]`);
    }
    const last = shape[shape.length - 1];
    return [...shape.slice(0, -1), last === null ? null : last + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs, this.name);
      const [n, ...rest] = x.shape;
      const g = groupSizeFor(n, this.groupSize);
      // Sample i joins group i mod (n / g), as in the paper's code.
      const grouped = tf.reshape(x, [g, n / g, ...rest]);
      const centred = tf.sub(grouped, tf.mean(grouped, 0, true));
      const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8));
      const perGroup = tf.mean(std, rest.map((_, i) => i + 1)); // [n / g]
      const featureShape = [...rest.slice(0, -1), 1];
      // spread by broadcasting, not tf.tile: tfjs has no gradient for tile above rank 4 ([g, n / g, H, W, 1] here)
      const tiled = tf.mul(tf.reshape(perGroup, [1, n / g, ...rest.map(() => 1)]), tf.ones([g, 1, ...featureShape]));
      return tf.concat([x, tf.reshape(tiled, [n, ...featureShape])], rest.length);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}

tf.serialization.registerClass(MinibatchStdDev);
