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
