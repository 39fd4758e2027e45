// A trained MisGAN imputer put to use: fills the missing entries of a matrix with I's completion, leaving
// observed entries as they are (the same contract as GainImputer).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { randomUniform, type Rng } from '../../random.js';
import { checkMatrix, type NumericMatrix } from '../../tabular/matrix.js';
import { roundColumns, scaleMinMax, unscaleMinMax, type MinMaxScaler } from '../../tabular/scaling.js';
import { imputeBatch } from './losses.js';

/** Scaled values with NaN as 0, and the mask (1 = observed): what the networks take. */
export function observedAndMask(scaled: ArrayLike<number>): { x: Float32Array; mask: Float32Array } {
  const x = new Float32Array(scaled.length);
  const mask = new Float32Array(scaled.length);
  for (let k = 0; k < scaled.length; k++) {
    if (!Number.isNaN(scaled[k])) { x[k] = scaled[k]; mask[k] = 1; }
  }
  return { x, mask };
}

/** MisGAN's imputer network plus the scaling it was trained with. Holds tfjs variables: dispose() it. */
export class MisganImputer {
  constructor(
    readonly imputer: tfl.LayersModel,
    readonly scaler: MinMaxScaler,
    readonly rounded: readonly boolean[],
    private readonly rng: Rng,
  ) {}

  get columns(): number { return this.scaler.min.length; }

  /**
   * Fills the NaN entries; observed entries are returned unchanged (bit for bit). `draws` > 1 averages that
   * many completions (each with its own noise): the mean of the imputer's conditional draws, which is what an
   * RMSE rewards; 1 (default) is one draw, as the paper's figures show.
   */
  impute(data: NumericMatrix, options: { draws?: number; chunkRows?: number } = {}): NumericMatrix {
    const draws = options.draws ?? 1;
    const chunkRows = options.chunkRows ?? 4096;
    checkMatrix(data, 'MisganImputer.impute');
    if (data.cols !== this.columns) throw new Error(`MisganImputer.impute: model has ${this.columns} columns, data has ${data.cols}`);
    if (!Number.isInteger(draws) || draws < 1) throw new Error(`MisganImputer.impute: draws must be a positive integer, got ${draws}`);
    const scaled = scaleMinMax(this.scaler, data).values;
    const filled = new Float64Array(data.values.length);
    const cols = data.cols;
    for (let start = 0; start < data.rows; start += chunkRows) {
      const n = Math.min(chunkRows, data.rows - start);
      const { x, mask } = observedAndMask(scaled.subarray(start * cols, (start + n) * cols));
      const out = tf.tidy(() => {
        const [xt, mt] = [tf.tensor2d(x, [n, cols]), tf.tensor2d(mask, [n, cols])];
        let sum: tf.Tensor2D = tf.zeros([n, cols]);
        for (let d = 0; d < draws; d++) sum = tf.add(sum, imputeBatch(this.imputer, xt, mt, randomUniform(this.rng, [n, cols]) as tf.Tensor2D));
        return draws === 1 ? sum : tf.div(sum, draws);
      });
      filled.set(out.dataSync(), start * cols);
      out.dispose();
    }
    const generated = roundColumns(unscaleMinMax(this.scaler, { ...data, values: filled }), this.rounded);
    const result = Float64Array.from(data.values);
    for (let k = 0; k < result.length; k++) if (Number.isNaN(result[k])) result[k] = generated.values[k];
    return { ...data, values: result };
  }

  dispose(): void {
    this.imputer.dispose();
  }
}
