// tfjs-layers' Dense with a fused forward pass for 2-D inputs on backends that register GantryDense:
// tfjs-gradients/fused-ops.ts denseKernel computes x · kernel + bias and a linear or relu activation in
// one kernel; a sigmoid or tanh activation follows as its own op (its gradient must not reuse the saved
// output: tfjs-gradients/second-order.ts). Other backends, activations and ranks run Dense's own call. It
// is a Dense in every other respect: same constructor arguments, weights and config, and it serialises as
// 'Dense', so saved models load in plain tfjs. Registered as the class behind 'Dense', so that models
// loaded while @gantry/core is imported get the fused pass too.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DenseLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/core.js';
import { DENSE_KERNEL, type FusedDenseActivation } from '@gantry/kernels';

import { backendHasKernel, denseKernel } from '../tfjs-gradients/fused-ops.js';
import { single, type Shape } from './common.js';

type Kwargs = Record<string, unknown>;

// tfjs-layers exports a factory for Dense, not the class.
type DenseClass = tf.serialization.SerializableConstructor<tfl.layers.Layer> & (new (args: DenseLayerArgs) => tfl.layers.Layer);
const TfjsDense = tfl.layers.dense({ units: 1 }).constructor as DenseClass;

/** Activations applied after the fused product as one tfjs op (tfjs-layers' own activations call the same ops). */
const FOLLOWING_ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = { sigmoid: tf.sigmoid, tanh: tf.tanh };

export class FusedDense extends TfjsDense {
  /** How call() runs: fully fused, fused product then an activation op, or Dense's own call. */
  private plan: { fused: FusedDenseActivation; then?: (x: tf.Tensor) => tf.Tensor } | null = null;

  override build(inputShape: Shape | Shape[]): void {
    super.build(inputShape);
    const activation = String(this.getConfig().activation);
    if (activation === 'linear' || activation === 'relu') this.plan = { fused: activation };
    else if (activation in FOLLOWING_ACTIVATIONS) this.plan = { fused: 'linear', then: FOLLOWING_ACTIVATIONS[activation] };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = single(inputs, this.name);
    const plan = this.plan;
    if (plan == null || x.rank !== 2 || !backendHasKernel(DENSE_KERNEL)) return super.call(inputs, kwargs);
    this.invokeCallHook(inputs, kwargs);
    const [kernel, bias] = this.weights.map((w) => w.read());
    const product = () => denseKernel(x as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D | undefined, plan.fused);
    const then = plan.then;
    return then == null ? product() : tf.tidy(() => then(product()));
  }
}

tf.serialization.registerClass(FusedDense);

/** tfl.layers.dense, fused where the backend allows (see FusedDense). */
export function dense(args: DenseLayerArgs): FusedDense {
  return new FusedDense(args);
}
