// Fused dense-layer and relu-gradient kernels, used when the active backend registers them (the torch
// backend does; cpu, wasm and webgl do not, and keep tfjs's own ops).
//
// Why: on small networks (2D mixtures, tables) a training step costs what its kernel calls cost, not
// arithmetic. tfjs-layers' Dense forward under a gradient tape is matmul + bias add + activation, each
// with tape bookkeeping, and its backward about ten more kernels; tfjs's relu and leakyRelu gradients
// are three kernels each (compare or step, cast, multiply or select). Here a dense forward is one
// kernel and its backward four (activation gradient, two matmuls, a sum), each differentiable again, so
// gradient penalties (WGAN-GP, R1) still see exact second derivatives.
// The kernels' names and attrs are the contract in @gantry/kernels, which the torch backend implements.
//
// tfjs-layers registers all of tfjs's gradients on load; importing it first guarantees ours override them.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import {
  DENSE_KERNEL, LEAKY_RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL,
  type DenseAttrs, type FusedDenseActivation, type LeakyReluGradAttrs,
} from '@gantry/kernels';

export { DENSE_KERNEL, LEAKY_RELU_GRAD_KERNEL, SIGMOID_GRAD_KERNEL, type FusedDenseActivation } from '@gantry/kernels';

/** Whether the active backend registers `kernelName`. */
export function backendHasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}

/**
 * dy where x > 0, else alpha * dy: the gradient of leakyRelu(x, alpha), and of relu(x) with alpha 0.
 * For relu this follows PyTorch (a NaN x gives 0) rather than tfjs's dy * step(x) (NaN).
 */
export function leakyReluGrad(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor {
  if (backendHasKernel(LEAKY_RELU_GRAD_KERNEL)) return leakyReluGradKernel(dy, x, alpha);
  return tf.tidy(() => tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha)));
}

/** leakyReluGrad as the GantryLeakyReluGrad kernel, for callers that have checked the backend has it. */
function leakyReluGradKernel(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor {
  const attrs: LeakyReluGradAttrs = { alpha };
  return tf.engine().runKernel(LEAKY_RELU_GRAD_KERNEL, { dy, x }, { ...attrs }) as tf.Tensor;
}

/**
 * dy * s * (1 - s) with s = sigmoid(x): the gradient of sigmoid, from its input (not its output, so that
 * second derivatives see s's dependence on x). One GantrySigmoidGrad kernel where the backend has it.
 */
export function sigmoidGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (backendHasKernel(SIGMOID_GRAD_KERNEL)) return tf.engine().runKernel(SIGMOID_GRAD_KERNEL, { dy, x }) as tf.Tensor;
  return tf.tidy(() => {
    const s = tf.sigmoid(x);
    return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
  });
}

/**
 * activation(x · kernel + bias) for 2-D x: one GantryDense kernel where the backend has it, tfjs's own
 * ops otherwise. Differentiable to any order.
 */
export function denseForward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined,
  activation: FusedDenseActivation): tf.Tensor2D {
  if (backendHasKernel(DENSE_KERNEL)) return denseKernel(x, kernel, bias, activation);
  return tf.tidy(() => {
    const product = tf.matMul(x, kernel);
    const biased = bias != null ? tf.add(product, bias) : product;
    return activation === 'relu' ? tf.relu(biased) : biased;
  }) as tf.Tensor2D;
}

/** denseForward as the GantryDense kernel, for callers that have checked the backend has it (the dense layer). */
export function denseKernel(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined,
  activation: FusedDenseActivation): tf.Tensor2D {
  const inputs: tf.NamedTensorMap = bias != null ? { x, kernel, bias } : { x, kernel };
  const attrs: DenseAttrs = { activation };
  return tf.engine().runKernel(DENSE_KERNEL, inputs, { ...attrs }) as tf.Tensor2D;
}

type Saved = tf.Tensor[];

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: DENSE_KERNEL,
    inputsToSave: ['x', 'kernel'],
    // relu's gradient needs only where the output is positive: piecewise constant, so reusing the saved
    // output keeps second derivatives exact (unlike sigmoid or tanh, which GantryDense does not fuse).
    outputsToSave: [true],
    gradFunc: (dy, saved: Saved, attrs) => {
      const [x, kernel, y] = saved;
      const g = attrs.activation === 'relu' ? leakyReluGrad(dy as tf.Tensor, y, 0) : dy as tf.Tensor;
      return {
        x: () => tf.matMul(g, kernel, false, true),
        kernel: () => tf.matMul(x, g, true, false),
        bias: () => tf.sum(g, 0),
      };
    },
  },
  {
    kernelName: LEAKY_RELU_GRAD_KERNEL,
    inputsToSave: ['x'],
    // linear in dy; the mask's derivative in x is zero almost everywhere, exactly
    gradFunc: (ddx, saved: Saved, attrs) => {
      const [x] = saved;
      return { dy: () => leakyReluGrad(ddx as tf.Tensor, x, attrs.alpha as number), x: () => tf.zerosLike(x) };
    },
  },
  {
    kernelName: SIGMOID_GRAD_KERNEL,
    inputsToSave: ['dy', 'x'],
    // linear in dy; in x, d/dx [s (1 - s)] = s (1 - s) (1 - 2 s)
    gradFunc: (ddx, saved: Saved) => {
      const [dy, x] = saved;
      return {
        dy: () => sigmoidGrad(ddx as tf.Tensor, x),
        x: () => tf.mul(sigmoidGrad(tf.mul(ddx as tf.Tensor, dy), x), tf.sub(1, tf.mul(2, tf.sigmoid(x)))),
      };
    },
  },
  {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return {
        x: () => (backendHasKernel(LEAKY_RELU_GRAD_KERNEL)
          ? leakyReluGradKernel(dy as tf.Tensor, x, 0)
          : tf.mul(dy as tf.Tensor, tf.cast(tf.step(x), 'float32'))), // tfjs's own
      };
    },
  },
  {
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved, attrs) => {
      const [x] = saved;
      return { x: () => leakyReluGrad(dy as tf.Tensor, x, attrs.alpha as number) };
    },
  },
];

let installed = false;

/** Registers the gradients above once per process (on import of @gantry/core). */
export function installFusedGradients(): void {
  if (installed) return;
  for (const config of GRADIENTS) tf.registerGradient(config);
  installed = true;
}

installFusedGradients();
