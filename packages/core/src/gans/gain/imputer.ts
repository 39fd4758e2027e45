// A trained GAIN generator put to use: fills the missing entries of a matrix, leaving observed ones as they are.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../../random.js';
import { checkMatrix, type NumericMatrix } from '../../tabular/matrix.js';
import { roundColumns, scaleMinMax, unscaleMinMax, type MinMaxScaler } from '../../tabular/scaling.js';
import { gainGenerate } from './losses.js';

// GAIN's generator input: observed values where present, U(0, 0.01) noise where missing, plus the mask.
export function noisyInputs(scaled: ArrayLike<number>, rng: Rng): { x: Float32Array; mask: Float32Array } {
  const x = new Float32Array(scaled.length);
  const mask = new Float32Array(scaled.length);
  for (let k = 0; k < scaled.length; k++) {
    const v = scaled[k];
    if (Number.isNaN(v)) { x[k] = 0.01 * rng.next(); } else { x[k] = v; mask[k] = 1; }
  }
  return { x, mask };
}

/** A trained GAIN generator plus the scaling it was trained with. Holds tfjs variables: dispose() it. */
export class GainImputer {
  constructor(
    readonly generator: tfl.LayersModel,
    readonly scaler: MinMaxScaler,
    readonly rounded: readonly boolean[],
    private readonly rng: Rng,
  ) {}

  get columns(): number { return this.scaler.min.length; }

  /** Fills the NaN entries; observed entries are returned unchanged (bit for bit). */
  impute(data: NumericMatrix, chunkRows = 4096): NumericMatrix {
    checkMatrix(data, 'GainImputer.impute');
    if (data.cols !== this.columns) throw new Error(`GainImputer.impute: model has ${this.columns} columns, data has ${data.cols}`);
    const scaled = scaleMinMax(this.scaler, data).values;
    const filled = new Float64Array(data.values.length);
    const cols = data.cols;
    for (let start = 0; start < data.rows; start += chunkRows) {
      const n = Math.min(chunkRows, data.rows - start);
      const { x, mask } = noisyInputs(scaled.subarray(start * cols, (start + n) * cols), this.rng);
      const input = new Float32Array(2 * n * cols);
      for (let i = 0; i < n; i++) {
        input.set(x.subarray(i * cols, (i + 1) * cols), 2 * i * cols);
        input.set(mask.subarray(i * cols, (i + 1) * cols), 2 * i * cols + cols);
      }
      const out = tf.tidy(() => gainGenerate(this.generator, { generatorInput: tf.tensor2d(input, [n, 2 * cols]) }));
      filled.set(out.dataSync(), start * cols);
      out.dispose();
    }
    const generated = roundColumns(unscaleMinMax(this.scaler, { ...data, values: filled }), this.rounded);
    const result = Float64Array.from(data.values);
    for (let k = 0; k < result.length; k++) if (Number.isNaN(result[k])) result[k] = generated.values[k];
    return { ...data, values: result };
  }

  dispose(): void {
    this.generator.dispose();
  }
}
