// A trained semi-supervised classifier: predictions (no noise) on images in the loaders' [-1, 1], the test
// error.
import * as tf from '@tensorflow/tfjs-core';
import { itemSize, type ArrayDataset } from '../../data/dataset.js';
import { accuracy } from '../../metrics/classification.js';
import { unitRangeRows } from './batches.js';
import { classifierForward, classifierVariables, type Classifier } from './networks.js';

/** What prediction needs of a run's config (trainer.ts's SslConfig). */
export interface SslClassifierConfig { itemShape: number[]; classes: number; classifierAverage: number }

const CHUNK = 500;

export class SslClassifier {
  constructor(private readonly network: Classifier, readonly config: SslClassifierConfig) {}

  /** The most probable class of every image. */
  predict(images: ArrayDataset): Int32Array {
    const pixels = itemSize(images);
    if (images.itemShape.join(',') !== this.config.itemShape.join(',')) {
      throw new Error(`the classifier takes images of [${this.config.itemShape}], ${images.name} holds [${images.itemShape}]`);
    }
    const out = new Int32Array(images.count);
    for (let start = 0; start < images.count; start += CHUNK) {
      const rows = Int32Array.from({ length: Math.min(CHUNK, images.count - start) }, (_, k) => start + k);
      const classes = tf.tidy(() => tf.argMax(classifierForward(this.network, unitRangeRows(images.values, rows, pixels)).logits, 1).dataSync());
      out.set(classes, start);
    }
    return out;
  }

  /** Fraction of the labelled images classified wrongly. */
  testError(images: ArrayDataset): number {
    if (!images.labels) throw new Error(`${images.name} has no labels to score predictions against`);
    return 1 - accuracy(images.labels, this.predict(images));
  }

  dispose(): void {
    tf.dispose(classifierVariables(this.network));
  }
}
