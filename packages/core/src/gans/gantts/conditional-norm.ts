// Conditional batch normalisation and ReLU (GAN-TTS, Binkowski et al. 2020, after de Vries et al. 2017):
// batch norm with its own scale gamma and shift beta (as tfjs-layers' BatchNormalization: epsilon 1e-3,
// moving statistics with momentum 0.9), then a per-example scale 1 + g(z) and shift h(z), both linear in
// the noise z and starting at zero (a fresh network begins as plain batch norm), then ReLU:
//   y = relu(((x - mean) r gamma + beta) (1 + g) + h),  r = 1 / sqrt(var + eps)
// computed as relu((x - mean) * s + t) with s = r gamma (1 + g) and t = beta (1 + g) + h per example and
// channel. One layer instead of three (BatchNormalization, the affine map, ReLU), and in training one
// customGrad op with a hand-written backward: the three layers with tfjs's gradients took 51 more kernel
// calls per use, most of them broadcasts, reshapes and the engine's clones of saved tensors (docs/benchmarks.md).
// Where the backend registers @gantry/kernels' GantryConditionalBatchNormRelu and its Grad (the torch backend
// does), training runs those instead: one kernel each way (the noise's projection, the statistics and their
// moving averages included) in place of ~30 kernel calls forward and ~30 backward (8 full-tensor passes each
// way); elsewhere (cpu, wasm, webgl) the tfjs ops below compute the same. Neither form supports second derivatives through the layer (GAN-TTS's losses need none).
import {
  CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL, CONDITIONAL_BATCH_NORM_RELU_KERNEL, type ConditionalBatchNormReluAttrs,
} from '@gantry/kernels';
import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine.js';
import * as tfl from '@tensorflow/tfjs-layers';

import { movingAverage } from '../../layers/batch-norm.js';
import { backendHasKernel, denseForward, leakyReluGrad } from '../../tfjs-gradients/fused-ops.js';

type Shape = Array<number | null>;

const EPSILON = 1e-3;
const MOMENTUM = 0.9;
const AXES = [0, 1, 2];

export interface ConditionalBatchNormReluArgs { name?: string }

/** What the forward pass keeps for the backward one. */
interface Forward { y: tf.Tensor; centered: tf.Tensor; r: tf.Tensor; scale: tf.Tensor; onePlusG: tf.Tensor }

/** relu(centered * s + t) for centered = x - mean, r = 1 / sqrt(var + eps) and the noise's per-example params [N, 2C]. */
function normalize(centered: tf.Tensor, r: tf.Tensor, params: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): Forward {
  const [n, , , c] = centered.shape;
  const [g, h] = tf.split(params, 2, 1);
  const onePlusG = tf.add(g, 1);
  const scale = tf.mul(onePlusG, tf.mul(gamma, r));
  const shift = tf.add(tf.mul(onePlusG, beta), h);
  const y = tf.relu(tf.add(tf.mul(centered, tf.reshape(scale, [n, 1, 1, c])), tf.reshape(shift, [n, 1, 1, c])));
  return { y, centered, r, scale, onePlusG };
}

type Moments = (mean: tf.Tensor, variance: tf.Tensor) => void;

const ATTRS: ConditionalBatchNormReluAttrs = { epsilon: EPSILON, momentum: MOMENTUM };

/** Whether the active backend has both native kernels (the forward alone would leave no gradient). */
function hasNativeKernels(): boolean {
  return backendHasKernel(CONDITIONAL_BATCH_NORM_RELU_KERNEL) && backendHasKernel(CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL);
}

/** The layer's weights as one training-mode op reads them. */
interface Weights { gamma: tf.Tensor; beta: tf.Tensor; kernel: tf.Tensor; bias: tf.Tensor; movingMean: tfl.LayerVariable; movingVariance: tfl.LayerVariable }

/**
 * The training-mode op as the native kernel, which also projects z to the per-example scale and shift and returns
 * the moving statistics updated with the batch's (written to the variables here); its gradient is the Grad kernel,
 * registered below.
 */
function nativeTrainingForward(x: tf.Tensor, z: tf.Tensor, w: Weights): tf.Tensor {
  const inputs = { x, z, kernel: w.kernel, bias: w.bias, gamma: w.gamma, beta: w.beta, movingMean: w.movingMean.read(), movingVariance: w.movingVariance.read() };
  const [y, ...statistics] = tf.engine().runKernel(CONDITIONAL_BATCH_NORM_RELU_KERNEL, inputs, { ...ATTRS }) as tf.Tensor[];
  w.movingMean.write(statistics[2]);
  w.movingVariance.write(statistics[3]);
  tf.dispose(statistics);
  return y;
}

tf.registerGradient({
  kernelName: CONDITIONAL_BATCH_NORM_RELU_KERNEL,
  inputsToSave: ['x', 'z', 'kernel', 'bias', 'gamma', 'beta'],
  outputsToSave: [true, true, true, false, false],
  gradFunc: (dys, saved, attrs) => {
    // only y reaches a loss (the statistics feed the moving averages, outside the gradient): dys[0]
    const dy = (dys as tf.Tensor[])[0];
    const [x, z, kernel, bias, gamma, beta, y, mean, variance] = saved;
    // one kernel for all six gradients, run here and not in the closures: tfjs runs each closure in its own
    // tidy, which would dispose the other outputs; whatever is not asked for is disposed with the backward pass
    const [dx, dz, dKernel, dBias, dGamma, dBeta] = tf.engine().runKernel(CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL,
      { dy, x, y, z, kernel, bias, gamma, beta, mean, variance }, { epsilon: attrs.epsilon }) as tf.Tensor[];
    // the moving statistics are not trained (nor differentiable through this op): zero
    return {
      x: () => dx, z: () => dz, kernel: () => dKernel, bias: () => dBias, gamma: () => dGamma, beta: () => dBeta,
      movingMean: () => tf.zerosLike(mean), movingVariance: () => tf.zerosLike(variance),
    };
  },
});

/**
 * The training-mode op on x [N, 1, T, C] and params [N, 2C] (g then h) in tfjs ops, differentiable in x, params,
 * gamma and beta; `moments` receives the batch's mean and variance (for the moving averages).
 */
function plainTrainingForward(moments: Moments) {
  return tf.customGrad(((x: tf.Tensor, params: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
    const mean = tf.mean(x, AXES);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), AXES);
    moments(mean, variance);
    const f = normalize(centered, tf.rsqrt(tf.add(variance, EPSILON)), params, gamma, beta);
    save([f.y, f.centered, f.r, f.scale, f.onePlusG, gamma, beta]);
    return {
      value: f.y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [y, centered, r, scale, onePlusG, savedGamma, savedBeta] = saved;
        const [n, , , c] = y.shape;
        const m = y.size / c;
        const du = leakyReluGrad(dy, y, 0);
        const dScale = tf.sum(tf.mul(du, centered), [1, 2]); // [N, C]
        const dShift = tf.sum(du, [1, 2]);
        // s = (1 + g) gamma r, t = (1 + g) beta + h
        const dOnePlusG = tf.add(tf.mul(dScale, tf.mul(savedGamma, r)), tf.mul(dShift, savedBeta));
        const dGammaR = tf.sum(tf.mul(dScale, onePlusG), 0);
        const dBeta = tf.sum(tf.mul(dShift, onePlusG), 0);
        // var = mean(centered^2), r = (var + eps)^-1/2: d var = -r^3 / 2 d r, and d centered = 2 centered / m d var;
        // centered = x - mean subtracts the mean of what reaches it (the variance's part has mean zero)
        const dVarTerm = tf.mul(tf.mul(dGammaR, savedGamma), tf.mul(tf.pow(r, 3), -1 / m));
        const meanTerm = tf.div(tf.sum(tf.mul(scale, dShift), 0), m);
        const dx = tf.sub(tf.add(tf.mul(du, tf.reshape(scale, [n, 1, 1, c])), tf.mul(centered, dVarTerm)), meanTerm);
        return [dx, tf.concat([dOnePlusG, dShift], 1), tf.mul(dGammaR, r), dBeta];
      },
    };
  }) as unknown as CustomGradientFunc<tf.Tensor>);
}

/** [x: [N, 1, T, C], z: [N, Z]] -> relu(batchNorm(x) * (1 + g(z)) + h(z)), g and h per channel. */
export class ConditionalBatchNormRelu extends tfl.layers.Layer {
  static className = 'GanttsConditionalBatchNormRelu';
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  private movingMean!: tfl.LayerVariable;
  private movingVariance!: tfl.LayerVariable;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: ConditionalBatchNormReluArgs = {}) {
    super({ name: args.name });
  }

  override build(inputShape: Shape | Shape[]): void {
    const [x, z] = inputShape as Shape[];
    const channels = x[3];
    const latent = z[1];
    if (channels == null || latent == null) throw new Error(`${this.name}: channels and noise size must be known, got [${x}] and [${z}]`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tfl.initializers.ones(), undefined, false);
    this.kernel = this.addWeight('kernel', [latent, 2 * channels], 'float32', tfl.initializers.zeros());
    this.bias = this.addWeight('bias', [2 * channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const [x, z] = inputs as tf.Tensor[];
    const [gamma, beta] = [this.gamma.read(), this.beta.read()];
    if (kwargs.training === true && hasNativeKernels()) {
      return nativeTrainingForward(x, z, { gamma, beta, kernel: this.kernel.read(), bias: this.bias.read(), movingMean: this.movingMean, movingVariance: this.movingVariance });
    }
    const params = denseForward(z as tf.Tensor2D, this.kernel.read() as tf.Tensor2D, this.bias.read() as tf.Tensor1D, 'linear');
    if (kwargs.training !== true) {
      return tf.tidy(() => normalize(tf.sub(x, this.movingMean.read()), tf.rsqrt(tf.add(this.movingVariance.read(), EPSILON)), params, gamma, beta).y);
    }
    const moments: Moments = (mean, variance) => { movingAverage(this.movingMean, mean, MOMENTUM); movingAverage(this.movingVariance, variance, MOMENTUM); };
    return plainTrainingForward(moments)(x, params, gamma, beta);
  }
}

tf.serialization.registerClass(ConditionalBatchNormRelu);
