// A small seeded classifier for tables, shared by the tabular experiments (machine-learning efficacy of
// synthetic rows, RadialGAN augmentation). It is a yardstick, not a model to win with: softmax regression
// (hidden: 0) or one ReLU hidden layer, Adam on softmax cross-entropy, optional early stopping on a
// held-out slice. Features are standardised with the training rows' mean and std inside the model, so
// callers pass raw columns. Same seed, same backend -> same model.
import * as tf from '@tensorflow/tfjs-core';
import { auxiliaryClassLoss } from '../losses.js';
import { applyDenseNetwork, denseNetwork } from '../models/dense-network.js';
import { adam } from '../optimizers.js';
import { trainableVariables } from '../train/model-io.js';
import { createRng, forkRng, permutation } from '../random.js';
import { checkMatrix, columnName, type NumericMatrix } from './matrix.js';
// Registers tfjs's gradients and gantry's fixes, so training works without other imports.
import '../tfjs-gradients/second-order.js';

export interface ClassifierOptions {
  seed: number;
  /** Hidden ReLU units; 0 gives softmax (multinomial logistic) regression. Default 64. */
  hidden?: number;
  /** Passes over the training rows. Default 100. */
  epochs?: number;
  /** Default 128 (clamped to the number of training rows). */
  batchSize?: number;
  /** Adam step size. Default 0.01. */
  learningRate?: number;
  /** L2 weight decay added to the loss (weights only, not biases). Default 1e-4. */
  l2?: number;
  /** Number of classes; default max(label) + 1. Give it when a class may be absent from the training rows. */
  numClasses?: number;
  /**
   * Fraction of the training rows held out for early stopping (0 = off, the default). With it on, the
   * weights of the epoch with the best held-out accuracy are kept.
   */
  validationFraction?: number;
  /** Epochs without held-out improvement before stopping. Default 10. */
  patience?: number;
}

export interface ClassifierFitInfo {
  epochsRun: number;
  /** Held-out accuracy of the kept weights; NaN without early stopping. */
  bestValidationAccuracy: number;
}

export interface Classifier {
  readonly numClasses: number;
  readonly inputs: number;
  readonly fitInfo: ClassifierFitInfo;
  /** Class probabilities, rows x numClasses, row-major. */
  predictProba(x: NumericMatrix): Float32Array;
  /** The most probable class of every row. */
  predict(x: NumericMatrix): Int32Array;
  dispose(): void;
}

function checkFeatures(x: NumericMatrix, what: string): void {
  checkMatrix(x, what);
  for (let i = 0; i < x.values.length; i++) {
    if (!Number.isFinite(x.values[i])) {
      const r = Math.floor(i / x.cols);
      const c = i % x.cols;
      throw new Error(`${what}: row ${r + 1}, column ${JSON.stringify(columnName(x, c))} (column ${c + 1}) is ${x.values[i]}; impute missing values first`);
    }
  }
}

function checkLabels(y: ArrayLike<number>, rows: number, what: string): number {
  if (y.length !== rows) throw new Error(`${what}: ${y.length} labels for ${rows} rows`);
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0) throw new Error(`${what}: label of row ${i + 1} must be a non-negative integer, got ${y[i]}`);
    if (y[i] > max) max = y[i];
  }
  return max + 1;
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`fitClassifier: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** Standardisation fitted on the training rows; constant columns get std 1 so they map to 0. */
function fitStandardiser(x: NumericMatrix): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float32Array(x.cols);
  const scale = new Float32Array(x.cols);
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = 0; i < x.rows; i++) s += x.values[i * x.cols + j];
    const m = s / x.rows;
    let v = 0;
    for (let i = 0; i < x.rows; i++) v += (x.values[i * x.cols + j] - m) ** 2;
    const sd = Math.sqrt(v / x.rows);
    mean[j] = m;
    scale[j] = sd > 1e-12 ? 1 / sd : 1;
  }
  return { mean, scale };
}

function standardised(x: NumericMatrix, rows: ArrayLike<number> | null, st: { mean: Float32Array; scale: Float32Array }): tf.Tensor2D {
  const n = rows ? rows.length : x.rows;
  const out = new Float32Array(n * x.cols);
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    for (let j = 0; j < x.cols; j++) out[k * x.cols + j] = (x.values[i * x.cols + j] - st.mean[j]) * st.scale[j];
  }
  return tf.tensor2d(out, [n, x.cols]);
}

function argmaxRows(p: Float32Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Trains a classifier on x (rows x features, no missing values) and integer labels y in [0, numClasses). */
export function fitClassifier(x: NumericMatrix, y: ArrayLike<number>, options: ClassifierOptions): Classifier {
  checkFeatures(x, 'fitClassifier');
  const seen = checkLabels(y, x.rows, 'fitClassifier');
  const numClasses = options.numClasses ?? seen;
  positiveInt(numClasses, 'numClasses');
  if (seen > numClasses) throw new Error(`fitClassifier: label ${seen - 1} does not fit numClasses ${numClasses}`);
  const hidden = options.hidden ?? 64;
  if (!Number.isInteger(hidden) || hidden < 0) throw new Error(`fitClassifier: hidden must be a non-negative integer, got ${hidden}`);
  const epochs = positiveInt(options.epochs ?? 100, 'epochs');
  const learningRate = options.learningRate ?? 0.01;
  if (!(learningRate > 0)) throw new Error(`fitClassifier: learningRate must be > 0, got ${learningRate}`);
  const l2 = options.l2 ?? 1e-4;
  if (!(l2 >= 0)) throw new Error(`fitClassifier: l2 must be >= 0, got ${l2}`);
  const validationFraction = options.validationFraction ?? 0;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new Error(`fitClassifier: validationFraction must lie in [0, 1), got ${validationFraction}`);
  }
  const patience = positiveInt(options.patience ?? 10, 'patience');

  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const order = permutation(rng, x.rows);
  const nVal = validationFraction > 0 ? Math.max(1, Math.round(validationFraction * x.rows)) : 0;
  if (nVal >= x.rows) throw new Error(`fitClassifier: validationFraction ${validationFraction} leaves no training rows out of ${x.rows}`);
  const valRows = order.slice(0, nVal);
  const trainRows = order.slice(nVal);
  const batchSize = Math.min(positiveInt(options.batchSize ?? 128, 'batchSize'), trainRows.length);

  const st = fitStandardiser(x);
  // He normal for the ReLU layer, and a harmless scale for the linear output.
  const network = denseNetwork(initRng, hidden > 0 ? [x.cols, hidden, numClasses] : [x.cols, numClasses]);
  const vars = trainableVariables(network);
  const kernels = network.layers.map((l) => l.weights[0].read());
  const logits = (m: tf.Tensor2D) => applyDenseNetwork(network, m);
  const optimizer = adam(learningRate);
  const xTrain = standardised(x, null, st);
  const yAll = tf.tensor1d(Int32Array.from(y), 'int32');
  const xVal = nVal > 0 ? tf.gather(xTrain, Array.from(valRows)) as tf.Tensor2D : null;
  const yVal = Int32Array.from(valRows, (i) => y[i]);

  const valAccuracy = (): number => {
    const p = tf.tidy(() => tf.argMax(logits(xVal!), 1));
    const pred = p.dataSync();
    p.dispose();
    let hit = 0;
    for (let i = 0; i < yVal.length; i++) if (pred[i] === yVal[i]) hit++;
    return hit / yVal.length;
  };

  let best = -1;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
  let epochsRun = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const shuffled = permutation(rng, trainRows.length);
      for (let start = 0; start + batchSize <= trainRows.length; start += batchSize) {
        const idx = Int32Array.from(shuffled.subarray(start, start + batchSize), (k) => trainRows[k]);
        tf.tidy(() => {
          const idxT = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(xTrain, idxT) as tf.Tensor2D;
          const yb = tf.gather(yAll, idxT);
          optimizer.minimize(() => {
            const ce = auxiliaryClassLoss(logits(xb), yb);
            if (l2 === 0) return ce;
            const decay = tf.addN(kernels.map((w) => tf.sum(tf.square(w))));
            return tf.add(ce, tf.mul(l2, decay)) as tf.Scalar;
          }, false, vars);
        });
      }
      epochsRun = epoch + 1;
      if (nVal === 0) continue;
      const acc = valAccuracy();
      if (acc > best) {
        best = acc;
        sinceBest = 0;
        if (bestWeights) tf.dispose(bestWeights);
        bestWeights = vars.map((v) => tf.clone(v));
      } else if (++sinceBest >= patience) {
        break;
      }
    }
    if (bestWeights) vars.forEach((v, i) => v.assign(bestWeights![i]));
  } finally {
    if (bestWeights) tf.dispose(bestWeights);
    tf.dispose([xTrain, yAll, ...(xVal ? [xVal] : [])]);
    optimizer.dispose();
  }

  let disposed = false;
  const predictProba = (m: NumericMatrix): Float32Array => {
    if (disposed) throw new Error('Classifier: used after dispose()');
    checkFeatures(m, 'Classifier.predict');
    if (m.cols !== x.cols) throw new Error(`Classifier.predict: expected ${x.cols} columns, got ${m.cols}`);
    const p = tf.tidy(() => tf.softmax(logits(standardised(m, null, st))));
    const out = p.dataSync() as Float32Array;
    p.dispose();
    return out;
  };
  return {
    numClasses,
    inputs: x.cols,
    fitInfo: { epochsRun, bestValidationAccuracy: nVal > 0 ? best : NaN },
    predictProba,
    predict: (m) => argmaxRows(predictProba(m), m.rows, numClasses),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      network.dispose();
    },
  };
}
