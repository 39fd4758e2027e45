// tfjs-layers' BatchNormalization whose training-mode pass, on backends that register the instance-norm kernels
// (GantryInstanceNorm and its Grad: torch), is instance-norm.ts's op on the input viewed as [1, rows, 1, C]: batch
// norm's statistics over every axis but the channels are instance norm's over the rows of that view. One kernel
// forward and one backward per use, where tfjs-layers' own call (moments, FusedBatchNorm, and tfjs's composed
// gradients of both) took ~14 kernel calls forward and ~30 backward, most of them broadcasts, reshapes and the
// engine's clones of saved tensors (docs/benchmarks.md). The moving averages are updated as tfjs-layers does,
// moving - (moving - batch) (1 - momentum) with the biased batch variance. Inference, other backends, and layers
// that normalise another axis or lack centre or scale run BatchNormalization's own call. It is a
// BatchNormalization in every other respect (arguments, weights, config) and serialises as one, so saved models
// load in plain tfjs; registered as the class behind 'BatchNormalization', models loaded while @gantry/core is
// imported get the native pass too (as layers/dense.ts does for Dense).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BatchNormalizationLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/normalization.js';
import { INSTANCE_NORM_GRAD_KERNEL, INSTANCE_NORM_KERNEL } from '@gantry/kernels';

import { backendHasKernel } from '../tfjs-gradients/fused-ops.js';
import { single } from './common.js';
import { standardizeImages } from './instance-norm.js';

type Kwargs = Record<string, unknown>;

// tfjs-layers exports a factory for BatchNormalization, not the class.
type BatchNormalizationClass = tf.serialization.SerializableConstructor<tfl.layers.Layer> &
  (new (args?: BatchNormalizationLayerArgs) => tfl.layers.Layer);
const TfjsBatchNormalization = tfl.layers.batchNormalization({}).constructor as BatchNormalizationClass;

/** The fields of tfjs-layers' BatchNormalization that a training pass reads (private in its typings). */
export interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tfl.LayerVariable;
  beta: tfl.LayerVariable;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
}

export class NativeBatchNormalization extends TfjsBatchNormalization {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = single(inputs, this.name);
    const f = this as unknown as BatchNormFields;
    const lastAxis = f.axis === -1 || f.axis === x.rank - 1;
    if (kwargs.training !== true || !lastAxis || !f.center || !f.scale || x.rank < 2
      || !backendHasKernel(INSTANCE_NORM_KERNEL) || !backendHasKernel(INSTANCE_NORM_GRAD_KERNEL)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const channels = x.shape[x.rank - 1];
      let moments: tf.Tensor[] = [];
      const y = standardizeImages(tf.reshape(x, [1, -1, 1, channels]) as tf.Tensor4D, f.epsilon, { gamma: f.gamma.read(), beta: f.beta.read() },
        (mean, variance) => { moments = [mean, variance]; });
      const [mean, variance] = moments.map((m) => tf.reshape(m, [channels]));
      movingAverage(f.movingMean, mean, f.momentum);
      movingAverage(f.movingVariance, variance, f.momentum);
      tf.dispose(moments);
      return tf.reshape(y, x.shape);
    });
  }
}

/** As tfjs-layers' BatchNormalization: moving - (moving - batch) (1 - momentum). */
export function movingAverage(variable: tfl.LayerVariable, batch: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const old = variable.read();
    variable.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - momentum)));
  });
}

tf.serialization.registerClass(NativeBatchNormalization);

/** tfl.layers.batchNormalization, native in training where the backend allows (see NativeBatchNormalization). */
export function batchNormalization(args: BatchNormalizationLayerArgs = {}): NativeBatchNormalization {
  return new NativeBatchNormalization(args);
}
