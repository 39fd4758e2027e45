// Optimizer settings from the papers that introduced each objective, and an Adam whose update runs
// as one fused kernel on backends that provide it.
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from '@gantry/kernels';
import * as tf from '@tensorflow/tfjs-core';
import type { LossName } from './losses.js';
import type { OptimizerSpec } from './train/types.js';

/** Kernel name of the fused Adam update; its contract is in @gantry/kernels. */
export { ADAM_UPDATE_KERNEL } from '@gantry/kernels';

/** What tf.AdamOptimizer.applyGradients takes (its element types are not exported by tfjs-core). */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** tf.AdamOptimizer's slots; private in its typings, read here to share its state layout. */
interface AdamSlots {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/**
 * tfjs Adam with the same math, slots, getWeights()/setWeights() and rank-0 beta-power variables
 * (so checkpoints of either load into the other), whose update is one kernel call for all
 * variables where the backend registers ADAM_UPDATE_KERNEL, instead of ~14 small kernels per
 * variable. Elsewhere (cpu, wasm, webgl) it is tf.AdamOptimizer itself.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * beta1^t and beta2^t as this optimizer last wrote them, with the data they were written to: an update
   * reads them back from the backend only when something else (setWeights, a checkpoint) replaced them.
   */
  private betaPowers?: { values: [number, number]; dataIds: [object, object] };

  override applyGradients(variableGradients: VariableGradients): void {
    const named = Array.isArray(variableGradients)
      ? variableGradients.map((v) => ({ name: v.name, grad: v.tensor as tf.Tensor | undefined }))
      : Object.keys(variableGradients).map((name) => ({ name, grad: variableGradients[name] as tf.Tensor | undefined }));
    const registered = tf.engine().registeredVariables;
    const fusable = tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) != null &&
      named.every(({ name, grad }) => registered[name]?.dtype === 'float32' && (grad == null || grad.dtype === 'float32'));
    if (!fusable) {
      super.applyGradients(variableGradients);
      return;
    }
    const slots = this as unknown as AdamSlots;
    const vars: tf.Variable[] = [];
    const grads: tf.Tensor[] = [];
    const ms: tf.Variable[] = [];
    const vs: tf.Variable[] = [];
    named.forEach(({ name, grad }, i) => {
      const value = registered[name];
      // Slots are created for every listed variable, as tfjs Adam does, even without a gradient.
      slots.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      slots.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (grad == null) return;
      vars.push(value);
      grads.push(grad);
      ms.push(slots.accumulatedFirstMoment[i]!.variable);
      vs.push(slots.accumulatedSecondMoment[i]!.variable);
    });
    const cached = this.betaPowers;
    const [accBeta1, accBeta2] = cached?.dataIds[0] === slots.accBeta1.dataId && cached.dataIds[1] === slots.accBeta2.dataId
      ? cached.values : [slots.accBeta1.dataSync()[0], slots.accBeta2.dataSync()[0]];
    // float32 products, bit-identical to tfjs Adam's mul(accBeta, beta)
    const next: [number, number] = [Math.fround(accBeta1 * Math.fround(this.beta1)), Math.fround(accBeta2 * Math.fround(this.beta2))];
    tf.tidy(() => {
      if (vars.length > 0) {
        const attrs: AdamUpdateAttrs = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, accBeta1, accBeta2 };
        const inputs = [...vars, ...grads, ...ms, ...vs] as unknown as tf.NamedTensorMap;
        const out = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, { ...attrs }) as tf.Tensor[];
        const n = vars.length;
        for (let k = 0; k < n; k++) {
          vars[k].assign(out[k]);
          ms[k].assign(out[n + k]);
          vs[k].assign(out[2 * n + k]);
        }
      }
      slots.accBeta1.assign(tf.scalar(next[0]));
      slots.accBeta2.assign(tf.scalar(next[1]));
    });
    this.betaPowers = { values: next, dataIds: [slots.accBeta1.dataId, slots.accBeta2.dataId] };
    this.incrementIterations();
  }
}

/** Adam (tf.train.adam's defaults and math) that uses the fused update where the backend has it. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.Optimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

/**
 * Sets the step size an optimizer uses from its next update on. tfjs optimizers read their (protected)
 * learningRate field on every update, which is what makes schedules work without rebuilding them.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as tf.Optimizer & { learningRate: number }).learningRate = learningRate;
}

/**
 * A learning rate held constant, then falling linearly to 0 over the last `decay` fraction of a run of
 * `steps` steps (decay 0: constant). Optimizers read their `learningRate` on every update, so setting it
 * before a step schedules that step.
 */
export function linearDecayRate(lr: number, decay: number, step: number, steps: number): number {
  const start = Math.floor(steps * (1 - decay));
  if (decay <= 0 || step <= start) return lr;
  return lr * Math.max(0, (steps - step) / (steps - start));
}

export type OptimizerPresetName = 'dcgan' | 'wgan' | 'wgan-gp';

/** A preset as data: the optimizer (for G and D alike) and the critic's schedule. */
export interface OptimizerPresetSpec {
  optimizer: OptimizerSpec;
  /** Critic updates per generator update. */
  criticSteps: number;
  /** Weight clipping limit for the critic (WGAN). */
  clip?: number;
  /** Gradient-penalty weight lambda (WGAN-GP). */
  gradientPenalty?: number;
}

/**
 * The one home of the loss-to-optimizer policy:
 * - dcgan: Adam(2e-4, beta1 0.5), one D step (Radford et al. 2016).
 * - wgan: RMSProp(5e-5), clip 0.01, 5 critic steps (Arjovsky et al. 2017, Algorithm 1).
 * - wgan-gp: Adam(1e-4, 0, 0.9), 5 critic steps, lambda 10 (Gulrajani et al. 2017, Algorithm 1).
 */
export const OPTIMIZER_PRESETS: Readonly<Record<OptimizerPresetName, OptimizerPresetSpec>> = {
  dcgan: { optimizer: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 }, criticSteps: 1 },
  wgan: { optimizer: { kind: 'rmsprop', learningRate: 5e-5 }, criticSteps: 5, clip: 0.01 },
  'wgan-gp': { optimizer: { kind: 'adam', learningRate: 1e-4, beta1: 0, beta2: 0.9 }, criticSteps: 5, gradientPenalty: 10 },
};

/** The preset a loss trains with: its paper's, or DCGAN's for the logistic, hinge and least-squares losses. */
export function presetForLoss(loss: LossName): OptimizerPresetName {
  return loss === 'wgan' || loss === 'wgan-gp' ? loss : 'dcgan';
}

/** G's and D's optimizers for a loss: the preset's kind and betas, at the given rates (default the preset's). */
export function optimizerSpecsForLoss(loss: LossName, rates: { generator?: number; discriminator?: number } = {}): { generator: OptimizerSpec; discriminator: OptimizerSpec } {
  const { optimizer } = OPTIMIZER_PRESETS[presetForLoss(loss)];
  return {
    generator: { ...optimizer, learningRate: rates.generator ?? optimizer.learningRate },
    discriminator: { ...optimizer, learningRate: rates.discriminator ?? optimizer.learningRate },
  };
}

export function optimizerFromSpec(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.kind) {
    case 'adam': return adam(spec.learningRate, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon);
    case 'rmsprop': return tf.train.rmsprop(spec.learningRate, spec.decay ?? 0.9, spec.momentum ?? 0, spec.epsilon);
    case 'sgd': return tf.train.sgd(spec.learningRate);
    default: throw new Error(`unknown optimizer kind ${(spec as { kind: string }).kind}`);
  }
}

export interface OptimizerPreset {
  generator: () => tf.Optimizer;
  discriminator: () => tf.Optimizer;
  criticSteps: number;
  clip?: number;
  gradientPenalty?: number;
}

/** A preset with optimizer factories. */
export function optimizerPreset(name: OptimizerPresetName): OptimizerPreset {
  const spec = OPTIMIZER_PRESETS[name];
  if (!spec || !Object.hasOwn(OPTIMIZER_PRESETS, name)) throw new Error(`unknown optimizer preset '${String(name)}'; expected 'dcgan', 'wgan' or 'wgan-gp'`);
  const { optimizer, ...schedule } = spec;
  return { generator: () => optimizerFromSpec(optimizer), discriminator: () => optimizerFromSpec(optimizer), ...schedule };
}
