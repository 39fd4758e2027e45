// tfjs's gradients of Multiply, RealDiv, Log and Square, without their casts of float32 operands to
// float32. tfjs casts every saved operand before using it, and a cast is a kernel call even when the dtype
// already matches (tfjs's cast op does not short-circuit); on small networks a training step costs its
// kernel calls (gain16: 13 of its 236 were such casts). Same math, same broadcasting reductions as tfjs's
// own (tfjs-core/src/gradients/*_grad.ts), so they are exact replacements on every backend, higher orders
// included (every result is built from differentiable ops on the saved inputs).
//
// tfjs-layers registers all of tfjs's gradients on load; importing it first guarantees ours override them.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];

/** t as float32: t itself when it already is (no kernel call), else a cast. */
function asFloat(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** A gradient computed at the broadcast output shape, summed back to an operand's shape. */
function reduceTo(grad: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, outShape);
  return axes.length > 0 ? tf.reshape(tf.sum(grad, axes), shape) : grad;
}

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Multiply',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved: Saved) => {
      const [a, b] = saved;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return {
        a: () => reduceTo(tf.mul(dy as tf.Tensor, asFloat(b)), a.shape, outShape),
        b: () => reduceTo(tf.mul(dy as tf.Tensor, asFloat(a)), b.shape, outShape),
      };
    },
  },
  {
    kernelName: 'RealDiv',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved: Saved) => {
      const [a, b] = saved;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return {
        a: () => reduceTo(tf.div(dy as tf.Tensor, asFloat(b)), a.shape, outShape),
        b: () => tf.neg(tf.div(reduceTo(tf.mul(dy as tf.Tensor, asFloat(a)), b.shape, outShape), asFloat(tf.square(b)))),
      };
    },
  },
  {
    kernelName: 'Log',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return { x: () => tf.div(dy as tf.Tensor, asFloat(x)) };
    },
  },
  {
    kernelName: 'Square',
    inputsToSave: ['x'],
    gradFunc: (dy, saved: Saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as tf.Tensor, tf.mul(asFloat(x), 2)) };
    },
  },
];

let installed = false;

/** Registers the gradients above once per process (on import of @gantry/core). */
export function installLeanGradients(): void {
  if (installed) return;
  for (const config of GRADIENTS) tf.registerGradient(config);
  installed = true;
}

/** Kernels whose tfjs gradients installLeanGradients replaces. */
export const LEAN_GRADIENT_KERNELS: readonly string[] = GRADIENTS.map((c) => c.kernelName);

installLeanGradients();
