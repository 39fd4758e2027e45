// Conditional batch normalisation (GAN-TTS, Binkowski et al. 2020, after de Vries et al. 2017): batch
// norm (a plain BatchNormalization layer; its own scale and shift stay, since tfjs-layers cannot train
// one without them), then a per-example scale 1 + gamma(z) and shift beta(z), both linear in the noise
// vector z. The linear map starts at zero, so a fresh network begins as plain batch norm.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = Array<number | null>;

export interface ConditionalAffineArgs { name?: string }

/** [x: [N, 1, T, C], z: [N, Z]] -> x * (1 + gamma(z)) + beta(z), gamma and beta per channel. */
export class ConditionalAffine extends tfl.layers.Layer {
  static className = 'GanttsConditionalAffine';
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: ConditionalAffineArgs = {}) {
    super({ name: args.name });
  }

  override build(inputShape: Shape | Shape[]): void {
    const [x, z] = inputShape as Shape[];
    const channels = x[3];
    const latent = z[1];
    if (channels === null || latent === null) throw new Error(`${this.name}: channels and noise size must be known, got [${x}] and [${z}]`);
    this.kernel = this.addWeight('kernel', [latent, 2 * channels], 'float32', tfl.initializers.zeros());
    this.bias = this.addWeight('bias', [2 * channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, z] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const channels = x.shape[3]!;
      const params = tf.add(tf.matMul(z as tf.Tensor2D, this.kernel.read() as tf.Tensor2D), this.bias.read());
      const [gamma, beta] = tf.split(params, [channels, channels], 1);
      const n = x.shape[0]!;
      return tf.add(tf.mul(x, tf.reshape(tf.add(gamma, 1), [n, 1, 1, channels])), tf.reshape(beta, [n, 1, 1, channels]));
    });
  }
}

tf.serialization.registerClass(ConditionalAffine);
