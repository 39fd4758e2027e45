// The small convolutional classifiers used as feature extractors (weights trained by
// examples/features/train_classifier.py, stored as JSON with base64 float32 weights in tfjs layout).
// Browser-safe: pass the parsed JSON; node code can use loadFeatureExtractor from ./node.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureMatrix } from './features.js';

export interface ClassifierWeightsJson {
  format: 'gantry-classifier-v1';
  dataset: string;
  architecture: string;
  inputShape: [number, number, number];
  inputRange: [number, number];
  numClasses: number;
  featureDim: number;
  testAccuracy: number;
  training: Record<string, unknown>;
  check?: { testIndices: number[]; logits: number[][]; features: number[][] };
  weights: Record<string, { shape: number[]; data: string }>;
}

export interface FeatureExtractor {
  name: string;
  inputShape: [number, number, number];
  featureDim: number;
  numClasses: number;
  /** features and class logits for images [N, H, W, C] in [-1, 1]; batched, tensors disposed */
  extract(images: tf.Tensor4D | { values: Float32Array; count: number }, batchSize?: number): { features: FeatureMatrix; logits: FeatureMatrix };
  dispose(): void;
}

const REQUIRED = ['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias'];

function decodeFloat32(b64: string, shape: number[], name: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) throw new Error(`classifier weight ${name}: ${bytes.length} bytes, shape [${shape.join(', ')}] needs ${count * 4}`);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
}

export function featureExtractorFromJson(json: ClassifierWeightsJson, name = json.dataset): FeatureExtractor {
  if (json.format !== 'gantry-classifier-v1') throw new Error(`${name}: unknown classifier format ${String(json.format)} (expected gantry-classifier-v1)`);
  for (const k of REQUIRED) if (!json.weights[k]) throw new Error(`${name}: classifier weights lack ${k}`);
  const w: Record<string, tf.Tensor> = {};
  for (const k of REQUIRED) w[k] = tf.tensor(decodeFloat32(json.weights[k].data, json.weights[k].shape, k), json.weights[k].shape, 'float32');
  const [h, wd, c] = json.inputShape;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [2, 2], [2, 2], [0, 0]];
  const forward = (x: tf.Tensor4D): [tf.Tensor2D, tf.Tensor2D] => {
    const h1 = tf.relu(tf.add(tf.conv2d(x, w['conv1/kernel'] as tf.Tensor4D, 2, pad), w['conv1/bias'])) as tf.Tensor4D;
    const h2 = tf.relu(tf.add(tf.conv2d(h1, w['conv2/kernel'] as tf.Tensor4D, 2, pad), w['conv2/bias'])) as tf.Tensor4D;
    const flat = tf.reshape(h2, [h2.shape[0], -1]) as tf.Tensor2D;
    const features = tf.relu(tf.add(tf.matMul(flat, w['dense1/kernel'] as tf.Tensor2D), w['dense1/bias'])) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(features, w['dense2/kernel'] as tf.Tensor2D), w['dense2/bias']) as tf.Tensor2D;
    return [features, logits];
  };
  return {
    name, inputShape: json.inputShape, featureDim: json.featureDim, numClasses: json.numClasses,
    extract(images, batchSize = 256) {
      const count = 'count' in images ? images.count : images.shape[0];
      if (!('count' in images) && (images.shape[1] !== h || images.shape[2] !== wd || images.shape[3] !== c)) {
        throw new Error(`${name} extractor: images must be [N, ${h}, ${wd}, ${c}], got [${images.shape.join(', ')}]`);
      }
      if ('count' in images && images.values.length !== count * h * wd * c) {
        throw new Error(`${name} extractor: ${images.values.length} values for ${count} images of ${h}x${wd}x${c}`);
      }
      const features = new Float64Array(count * json.featureDim);
      const logits = new Float64Array(count * json.numClasses);
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        const [f, l] = tf.tidy(() => {
          const x = 'count' in images
            ? tf.tensor4d(images.values.subarray(start * h * wd * c, (start + n) * h * wd * c), [n, h, wd, c])
            : tf.slice(images, [start, 0, 0, 0], [n, h, wd, c]);
          return forward(x);
        });
        features.set(f.dataSync(), start * json.featureDim);
        logits.set(l.dataSync(), start * json.numClasses);
        tf.dispose([f, l]);
      }
      return { features: { rows: count, cols: json.featureDim, data: features }, logits: { rows: count, cols: json.numClasses, data: logits } };
    },
    dispose() { tf.dispose(Object.values(w)); },
  };
}
