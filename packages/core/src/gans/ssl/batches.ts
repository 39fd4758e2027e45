// A semi-supervised run's batches: labelled rows (a balanced draw) and unlabelled rows (every training
// row, as in the authors' code), each a uniform draw without replacement within the batch, decided only by
// the run's Rng. Images arrive in the loaders' [-1, 1] and leave in [0, 1], the generator's sigmoid range.
import * as tf from '@tensorflow/tfjs-core';
import { itemSize, sampleIndices, type ArrayDataset } from '../../data/dataset.js';
import type { Rng } from '../../random.js';

export interface LabelledBatch { x: tf.Tensor2D; labels: tf.Tensor1D }

/** Rows of [-1, 1] images as a [rows, pixels] tensor in [0, 1]. */
export function unitRangeRows(values: Float32Array, rows: ArrayLike<number>, pixels: number): tf.Tensor2D {
  const out = new Float32Array(rows.length * pixels);
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * pixels;
    for (let p = 0; p < pixels; p++) out[r * pixels + p] = 0.5 * values[from + p] + 0.5;
  }
  return tf.tensor2d(out, [rows.length, pixels]);
}

export class SslBatches {
  readonly pixels: number;

  constructor(private readonly data: ArrayDataset, private readonly labelled: Int32Array, private readonly batchSize: number) {
    if (!data.labels && labelled.length > 0) throw new Error(`${data.name} has no labels to train a classifier on`);
    if (labelled.length === 0) throw new Error('a semi-supervised run needs at least one labelled row');
    this.pixels = itemSize(data);
  }

  labelledBatch(rng: Rng): LabelledBatch {
    const picks = sampleIndices(rng, this.labelled.length, Math.min(this.batchSize, this.labelled.length));
    const rows = Int32Array.from(picks, (k) => this.labelled[k]);
    return { x: unitRangeRows(this.data.values, rows, this.pixels), labels: tf.tensor1d(Int32Array.from(rows, (r) => this.data.labels![r]), 'int32') };
  }

  unlabelledBatch(rng: Rng, rows = this.batchSize): tf.Tensor2D {
    return unitRangeRows(this.data.values, sampleIndices(rng, this.data.count, Math.min(rows, this.data.count)), this.pixels);
  }
}
