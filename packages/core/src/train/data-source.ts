// A DataSource over tensors already in memory. Batches are drawn with replacement from the rng
// alone (no hidden epoch position), so that a resumed run draws exactly the batches it would have.
import * as tf from '@tensorflow/tfjs-core';
import type { DataSource } from './types.js';

export function tensorDataSource(x: tf.Tensor, labels?: tf.Tensor | number[]): DataSource {
  const n = x.shape[0];
  if (!(n > 0)) throw new Error(`tensorDataSource: no examples (x has shape [${x.shape.join(', ')}])`);
  const y = labels === undefined ? undefined : labels instanceof tf.Tensor ? tf.cast(tf.reshape(labels, [-1]), 'int32') : tf.tensor1d(labels, 'int32');
  if (y && y.shape[0] !== n) throw new Error(`tensorDataSource: ${y.shape[0]} labels for ${n} examples`);
  return {
    size: n,
    sampleBatch(rng, batchSize) {
      const idx = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) idx[i] = rng.int(n);
      return tf.tidy(() => {
        const indices = tf.tensor1d(idx, 'int32');
        return { x: tf.gather(x, indices), labels: y ? tf.gather(y, indices) : undefined };
      });
    },
  };
}
