// Gradient registrations that make second-order gradients (gradient penalty, R1) correct in tfjs 4.22.
//
// Two defects (see /work/shared/notes/tfjs-engine-notes.md, tfjs issue #3252):
// 1. Comparison kernels have no gradient, so grad-of-grad through leakyRelu / maximum / elu throws
//    "gradient function not found for Greater". Their gradient is zero almost everywhere, exactly.
// 2. Kernels whose gradient reuses the saved forward output treat that output as a constant in the
//    second backward pass, giving silently wrong numbers. We re-register them saving the input and
//    recomputing the output inside the gradient, so the output's dependence on x is on the tape.
// And a third: kernels of tfjs's own gradients (AvgPoolGrad, Conv2DBackpropFilter, the depthwise and resize
// backprops) have no gradient at all; @gantry/kernels' BACKPROP_GRADIENTS gives them one.
//
// tfjs-layers registers all of tfjs's gradients on load; importing it first guarantees ours override them.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { BACKPROP_GRADIENTS } from '@gantry/kernels';
import { sigmoidGrad } from './fused-ops.js';

type Saved = tf.Tensor[];
type Attrs = tf.NamedAttrMap;

const ZERO_GRAD_KERNELS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;

function zeroGradConfig(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved: Saved) => {
      const [a, b] = saved;
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  };
}

function reductionAxes(inShape: number[], outShape: number[]): number[] {
  return tf.backend_util.getReductionAxes(inShape, outShape);
}

// Sum a broadcast gradient back down to the shape of the operand it belongs to.
function unbroadcast(grad: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = reductionAxes(shape, grad.shape);
  const reduced = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(reduced, shape);
}

const RECOMPUTING_GRADS: tf.GradConfig[] = [
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(x)))) };
    },
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    // one fused kernel where the backend has it (fused-ops.ts)
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return { x: () => sigmoidGrad(dy as tf.Tensor, x) };
    },
  },
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
    },
  },
  {
    // tfjs's version calls the EluGrad kernel, which itself has no gradient.
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return { x: () => tf.where(tf.greater(x, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, tf.exp(x))) };
    },
  },
  {
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved: Saved, attrs: Attrs) => {
      const [logits] = saved;
      const dim = attrs.dim as number;
      return {
        logits: () => {
          const y = tf.softmax(logits, dim);
          const dyTimesY = tf.mul(dy as tf.Tensor, y);
          return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
        },
      };
    },
  },
  {
    kernelName: 'LogSoftmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved: Saved, attrs: Attrs) => {
      const [logits] = saved;
      const axis = attrs.axis as number;
      return {
        logits: () => {
          const softmax = tf.softmax(logits, axis);
          return tf.sub(dy as tf.Tensor, tf.mul(tf.sum(dy as tf.Tensor, axis, true), softmax));
        },
      };
    },
  },
  {
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved: Saved) => {
      const [base, exponent] = saved;
      return {
        a: () => {
          const e = tf.cast(exponent, 'float32');
          const g = tf.mul(dy as tf.Tensor, tf.mul(e, tf.pow(base, tf.sub(e, 1))));
          return unbroadcast(g, base.shape);
        },
        b: () => {
          const positive = tf.greater(base, 0);
          const logBase = tf.where(positive, tf.log(base), tf.zerosLike(base));
          const g = tf.mul(dy as tf.Tensor, tf.mul(tf.pow(base, exponent), logBase));
          return unbroadcast(g, exponent.shape);
        },
      };
    },
  },
];

/**
 * log(softmax(x)) along the last axis from differentiable primitives. tf.logSoftmax is a customGrad
 * whose gradient reuses its saved output (defect 2) and no backend implements the LogSoftmax kernel
 * whose gradient we fix, so use this where second-order gradients may pass through.
 */
export function logSoftmax(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axis = logits.rank - 1;
    // the max only shifts for stability; its gradient cancels between the two terms
    const shifted = tf.sub(logits, tf.max(logits, axis, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  });
}

let installed = false;

/** Registers the corrected gradients once per process; later calls do nothing. */
export function installGradientFixes(): void {
  if (installed) return;
  for (const name of ZERO_GRAD_KERNELS) tf.registerGradient(zeroGradConfig(name));
  for (const config of RECOMPUTING_GRADS) tf.registerGradient(config);
  // tfjs has none for these backprop kernels (AvgPoolGrad: R1 and the gradient penalty through a critic's pooling)
  for (const config of BACKPROP_GRADIENTS) tf.registerGradient(config);
  installed = true;
}

/** Kernels whose gradients installGradientFixes replaces (for diagnostics and tests). */
export const FIXED_GRADIENT_KERNELS: readonly string[] = [
  ...ZERO_GRAD_KERNELS, ...RECOMPUTING_GRADS.map((c) => c.kernelName), ...BACKPROP_GRADIENTS.map((c) => c.kernelName),
];

installGradientFixes();
