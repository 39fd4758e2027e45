// The contract between @gantry/core, which calls these kernels through tf.engine().runKernel and
// registers their gradients, and a backend that implements them (@gantry/tfjs-backend-torch). Neither
// package may depend on the other, so the names and attribute types live here. A backend that does not
// register a kernel is fine: core then runs tfjs's own ops for the same math.

/**
 * activation(x · kernel + bias) in one kernel.
 * Inputs {x [n, in], kernel [in, out], bias? [out]}, all float32; output [n, out].
 */
export const DENSE_KERNEL = 'GantryDense';
export type FusedDenseActivation = 'linear' | 'relu';
export interface DenseAttrs { activation: FusedDenseActivation }

/**
 * The gradient of leakyRelu(x, alpha), and of relu(x) with alpha 0: dy where x > 0, else alpha * dy.
 * Inputs {dy, x} of one shape, float32.
 */
export const LEAKY_RELU_GRAD_KERNEL = 'GantryLeakyReluGrad';
export interface LeakyReluGradAttrs { alpha: number }

/** The gradient of sigmoid from its input: dy * s * (1 - s), s = sigmoid(x). Inputs {dy, x} of one shape, float32; no attrs. */
export const SIGMOID_GRAD_KERNEL = 'GantrySigmoidGrad';

/**
 * One Adam step for every variable at once. Inputs (an array, not a map) [var..., grad..., m..., v...],
 * float32; outputs [var'..., m'..., v'...]. accBeta1 and accBeta2 are beta^t before this step.
 */
export const ADAM_UPDATE_KERNEL = 'GantryAdamUpdate';
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: number;
  accBeta2: number;
}

/**
 * An exponential moving average of weights, for every weight at once: shadow' = shadow decay + value (1 - decay),
 * in float32 in that order (tfjs's mul, mul, add). Inputs (an array) [shadow..., value...], float32, pairwise of one
 * shape; outputs [shadow'...].
 */
export const EMA_UPDATE_KERNEL = 'GantryEmaUpdate';
export interface EmaUpdateAttrs { decay: number }

/**
 * The gradient of tfjs's MirrorPad (whose own registered gradient, in tfjs 4.22, drops what flowed through
 * the mirrored borders): each element of dy is added back onto the element of x it was copied from.
 * Input {dy}, float32, of x's shape grown by paddings; attrs as MirrorPad's; output x's shape.
 */
export const MIRROR_PAD_GRAD_KERNEL = 'GantryMirrorPadGrad';
export interface MirrorPadGradAttrs { paddings: Array<[number, number]>; mode: 'reflect' | 'symmetric' }

/**
 * tfjs's Conv2DBackpropInput and Conv2DBackpropFilter with a `dilations` attr, which tfjs's kernels of
 * those names lack (so tfjs has no gradient for a dilated conv2d). Inputs and attrs as tfjs's kernels
 * ({dy, filter} with inputShape; {x, dy} with filterShape), NHWC, plus dilations; strides must be 1
 * where a dilation is above 1, as for tfjs's forward conv2d.
 */
export const DILATED_CONV_INPUT_GRAD_KERNEL = 'GantryDilatedConv2DBackpropInput';
export const DILATED_CONV_FILTER_GRAD_KERNEL = 'GantryDilatedConv2DBackpropFilter';
export interface DilatedConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** the input's shape [N, H, W, C] (input gradient) */
  inputShape?: [number, number, number, number];
  /** the filter's shape [kh, kw, ci, co] (filter gradient) */
  filterShape?: [number, number, number, number];
}

/**
 * Instance normalisation's statistics and normalised input for x [N, H, W, C]: per example and channel, over H and W,
 * r = 1 / sqrt(biased variance + epsilon) and xhat = (x - mean) r. Input {x}, float32; attrs {epsilon}; outputs
 * [xhat, r, mean, variance], the last three [N, 1, 1, C]. Batch norm runs it on x viewed as [1, N H W, 1, C]. Not
 * differentiable itself: @gantry/core uses it inside a custom gradient.
 */
export const INSTANCE_NORM_KERNEL = 'GantryInstanceNorm';
export interface InstanceNormAttrs { epsilon: number }

/**
 * Instance normalisation's backward for y = xhat (times gamma when given: [C], or [N, 1, 1, C], one per example, as
 * AdaIN's style scale): dx = r k (dy - mean(dy) - xhat mean(dy xhat)), k = gamma or 1, means over H and W. Inputs
 * {dy, xhat, r, gamma?}, float32; outputs [dx,
 * sum(dy xhat) [N, 1, 1, C], sum(dy) [N, 1, 1, C]]. First order only (no gradient of its own).
 */
export const INSTANCE_NORM_GRAD_KERNEL = 'GantryInstanceNormGrad';

/**
 * GAN-TTS's conditional batch norm + ReLU in training mode, on x [N, ..., C] (channels last) conditioned on z [N, Z]
 * through [g, h] = z kernel + bias [N, 2C]: mean and (biased) variance per channel over all but the last axis,
 * r = 1 / sqrt(variance + epsilon), y = relu((x - mean) s + t) with s = (1 + g) gamma r and t = (1 + g) beta + h; and
 * the moving averages of the statistics as tfjs-layers' BatchNormalization updates them, moving - (moving - batch) (1 - momentum).
 * Inputs {x, z, kernel [Z, 2C], bias [2C], gamma [C], beta [C], movingMean [C], movingVariance [C]}, float32;
 * outputs [y, mean [C], variance [C], movingMean' [C], movingVariance' [C]].
 */
export const CONDITIONAL_BATCH_NORM_RELU_KERNEL = 'GantryConditionalBatchNormRelu';
export interface ConditionalBatchNormReluAttrs { epsilon: number; momentum: number }

/**
 * The gradient of GantryConditionalBatchNormRelu's y in x, z, kernel, bias, gamma and beta, from the forward's inputs, its y
 * and its batch statistics. Inputs {dy, x, y, z, kernel, bias, gamma, beta, mean, variance}, float32; attrs {epsilon};
 * outputs [dx, dz, dKernel, dBias, dGamma, dBeta].
 */
export const CONDITIONAL_BATCH_NORM_RELU_GRAD_KERNEL = 'GantryConditionalBatchNormReluGrad';

/** Gradients tfjs 4.22 lacks for kernels that run inside other gradients (second derivatives): backprop-gradients.ts. */
export { BACKPROP_GRADIENTS } from './backprop-gradients.js';
