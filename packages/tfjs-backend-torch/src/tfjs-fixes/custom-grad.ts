// Fixes for tfjs 4.22's customGrad ops (tf.logSigmoid, tf.logSoftmax, tf.losses.softmaxCrossEntropy,
// the fused ops and every user's tf.customGrad), installed on import of this package. They are
// engine defects, not torch ones: the same programs fail or give wrong numbers on cpu and wasm too,
// and the fix applies to every backend of the process. The backend README lists them ("Known tfjs
// defects and what gantry does about them").
//
// Root cause. Engine.customGrad records one tape node whose gradient is the closure f returned. The
// engine keeps alive only what f passed to save() (as clones); tf.grad runs the forward pass inside
// tidy('forward'), which disposes every other intermediate tensor, the custom op's own input included.
// 1. A gradient closure that reads the op's input (tf.logSigmoid's does, so do most users') then
//    reads a disposed tensor: "Cannot read properties of undefined (reading 'backend')" whenever the
//    input is an intermediate (a variable or a tensor made outside tf.grad survives, so simple tests
//    pass). On cpu a dense layer in front hides it by accident: its reshape shares the data of a
//    saved tensor there, while torch's reshape is a view with data of its own.
// 2. What f saves is cloned while f runs as one kernel (nothing inside it is on the tape), so for a
//    second derivative a saved output or internal tensor is a constant: tf.logSoftmax (saves its
//    output) and tf.losses.softmaxCrossEntropy (saves log-softmax) give silently wrong numbers in a
//    gradient penalty. Saved inputs are fine: their clone's tape node leads back to the input.
// 3. softmaxCrossEntropy's gradient for the labels is labels - softmax(logits); the derivative of
//    -sum(labels * logSoftmax(logits)) is -logSoftmax(logits). Wrong at first order for soft labels
//    that depend on what is trained (label smoothing of learnt labels, a network's output as target).
//
// What we do, without touching node_modules:
// - every customGrad op also saves its inputs (clones share the input's data on cpu, wasm, webgl and
//   torch, so the input stays readable until the backward pass ends and is then freed with the other
//   saved tensors); where a closure still cannot read an input (wasm, whose Identity copies, or a
//   closure calling a chained method such as x.mul(), which refuses a disposed tensor), the op's
//   forward is run again on the saved copies and that run's gradient is used;
// - gradients registered under the ops' scope names (the engine names a customGrad's tape node after
//   the op that called it and prefers a registered gradient to the closure) compute the three ops'
//   gradients from their saved inputs with ops that are themselves on the tape: exact at first and
//   second order.
// The fused ops (matMul, conv2d, depthwiseConv2d with bias) need no more than the first point: inside
// a gradient tfjs fuses only the linear activation, whose gradient never reads the saved output.
import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine.js';

type GradSaveFunc = tf.GradSaveFunc;

interface CustomGradEngine {
  customGrad<T extends tf.Tensor>(f: CustomGradientFunc<T>): (...args: Array<tf.Tensor | GradSaveFunc>) => T;
}

/** tf.op() names an op's scope `${name}__op`; a customGrad's tape node carries that name. */
const OP_SCOPE = (name: string) => `${name}__op`;

/**
 * f as a customGrad body that also saves the op's inputs after what f saves, and whose gradient
 * falls back to a fresh run of f on those saved inputs when f's own closure cannot read them.
 */
export function savingInputs<T extends tf.Tensor>(f: CustomGradientFunc<T>): CustomGradientFunc<T> {
  return (...args: Array<tf.Tensor | GradSaveFunc>) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    let own: tf.Tensor[] = [];
    const result = f(...inputs, (tensors: tf.Tensor[]) => { own = tensors; });
    // The engine saves nothing when no tape records (then the gradient is never asked for).
    save([...own, ...inputs]);
    const ownCount = own.length;
    const gradFunc = (dy: T, saved: tf.Tensor[]): tf.Tensor | tf.Tensor[] => {
      const ownSaved = saved.slice(0, ownCount);
      const inputCopies = saved.slice(ownCount);
      try {
        return result.gradFunc(dy, ownSaved);
      } catch (error) {
        // Only a closure that read a disposed input is helped by a second run (on copies it can read);
        // anything else, or a second failure, is the op's own error.
        if (!inputs.some((x) => x.isDisposed)) throw error;
        try {
          let again: tf.Tensor[] = [];
          const rerun = f(...inputCopies, (tensors: tf.Tensor[]) => { again = tensors; });
          return rerun.gradFunc(dy, again);
        } catch {
          throw error;
        }
      }
    };
    return { value: result.value, gradFunc };
  };
}

function lastAxisDyShape(dy: tf.Tensor): number[] {
  return [...dy.shape, 1];
}

function logSoftmaxLastAxis(logits: tf.Tensor): tf.Tensor {
  return tf.sub(logits, tf.logSumExp(logits, -1, true));
}

/** The saved inputs of a customGrad node: savingInputs puts them last. */
function savedInputs(saved: tf.Tensor[], count: number, op: string): tf.Tensor[] {
  if (saved.length < count) {
    throw new Error(`gantry's ${op} gradient expects its ${count} input(s) saved; the customGrad fix is not installed`);
  }
  return saved.slice(saved.length - count);
}

/** Gradients for tfjs 4.22's own customGrad ops, from their saved inputs (see the header). */
const CUSTOM_OP_GRADIENTS: tf.GradConfig[] = [
  {
    // logSigmoid(x) = -softplus(-x); d/dx = sigmoid(-x)
    kernelName: OP_SCOPE('logSigmoid'),
    gradFunc: (dy, saved) => {
      const [x] = savedInputs(saved, 1, 'logSigmoid');
      return { 0: () => tf.mul(dy as tf.Tensor, tf.sigmoid(tf.neg(x))) };
    },
  },
  {
    // along the last axis (tf.logSoftmax supports no other): dy - sum(dy) * softmax(logits)
    kernelName: OP_SCOPE('logSoftmax'),
    gradFunc: (dy, saved) => {
      const [logits] = savedInputs(saved, 1, 'logSoftmax');
      const g = dy as tf.Tensor;
      return { 0: () => tf.sub(g, tf.mul(tf.sum(g, -1, true), tf.softmax(logits))) };
    },
  },
  {
    // The customGrad inside tf.losses.softmaxCrossEntropy: per row -sum(labels * logSoftmax(logits)).
    kernelName: OP_SCOPE('softmaxCrossEntropy'),
    gradFunc: (dy, saved) => {
      const [labels, logits] = savedInputs(saved, 2, 'softmaxCrossEntropy');
      const g = tf.reshape(dy as tf.Tensor, lastAxisDyShape(dy as tf.Tensor));
      return {
        0: () => tf.mul(g, tf.neg(logSoftmaxLastAxis(logits))),
        1: () => tf.mul(g, tf.sub(tf.softmax(logits), tf.cast(labels, 'float32'))),
      };
    },
  },
];

/** The tfjs ops whose gradients installCustomGradFixes replaces (for the README, tests and diagnostics). */
export const FIXED_CUSTOM_GRAD_OPS: readonly string[] = CUSTOM_OP_GRADIENTS.map((c) => c.kernelName.replace(/__op$/, ''));

/**
 * Makes every later tf.customGrad (tfjs's own ops and users') save its inputs, and registers exact
 * gradients for tfjs's logSigmoid, logSoftmax and softmaxCrossEntropy. Idempotent; importing this
 * package calls it. A customGrad op built before the call (a module-level tf.customGrad(f) evaluated
 * before this package was imported) keeps tfjs's behaviour. Call once (installTfjsFixes does).
 */
export function installCustomGradFixes(): void {
  const engine = tf.engine() as unknown as CustomGradEngine;
  const original = engine.customGrad.bind(engine);
  // An own property on the one global engine shadows the class method; tfjs's customGrad() and
  // every op look it up on each call.
  engine.customGrad = <T extends tf.Tensor>(f: CustomGradientFunc<T>) => original(savingInputs(f));
  for (const config of CUSTOM_OP_GRADIENTS) tf.registerGradient(config);
}
