// The small convolutional classifiers used as feature extractors (weights trained by
// examples/features/train_classifier.py (MNIST, Fashion-MNIST) and examples/translation/
// train_emoji_classifier.py (emoji), stored as JSON with base64 float32 weights in tfjs layout).
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
  /** the network, input to logits; absent in the MNIST files, whose network is MNIST_LAYERS */
  layers?: ClassifierLayer[];
  classNames?: string[];
  /** torch's outputs for a few test images (testStyles: which emoji style each index is of) */
  check?: { testIndices: number[]; testStyles?: string[]; logits: number[][]; features: number[][] };
  weights: Record<string, { shape: number[]; data: string }>;
}

/**
 * One step of a classifier. Convolutions and dense layers read `<name>/kernel` and `<name>/bias`;
 * padding is zeros on every side. The features are the input of the last layer, which must be dense.
 */
export type ClassifierLayer =
  | { op: 'conv'; name: string; stride: number; padding: number; relu: boolean }
  | { op: 'dense'; name: string; relu: boolean }
  | { op: 'avgPool'; size: number }
  | { op: 'globalAvgPool' }
  | { op: 'flatten' };

/** The network of the MNIST and Fashion-MNIST files (written before `layers` existed). */
export const MNIST_LAYERS: readonly ClassifierLayer[] = [
  { op: 'conv', name: 'conv1', stride: 2, padding: 2, relu: true },
  { op: 'conv', name: 'conv2', stride: 2, padding: 2, relu: true },
  { op: 'flatten' },
  { op: 'dense', name: 'dense1', relu: true },
  { op: 'dense', name: 'dense2', relu: false },
];

export interface FeatureExtractor {
  name: string;
  inputShape: [number, number, number];
  featureDim: number;
  numClasses: number;
  /** features and class logits for images [N, H, W, C] in [-1, 1]; batched, tensors disposed */
  extract(images: tf.Tensor4D | { values: Float32Array; count: number }, batchSize?: number): { features: FeatureMatrix; logits: FeatureMatrix };
  dispose(): void;
}

function decodeFloat32(b64: string, shape: number[], name: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) throw new Error(`classifier weight ${name}: ${bytes.length} bytes, shape [${shape.join(', ')}] needs ${count * 4}`);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
}

/** One step of a classifier on tensors (differentiable: SRGAN's content loss runs through it). */
export function applyClassifierLayer(x: tf.Tensor, layer: ClassifierLayer, w: Record<string, tf.Tensor>): tf.Tensor {
  switch (layer.op) {
    case 'conv': {
      const p = layer.padding;
      const y = tf.add(tf.conv2d(x as tf.Tensor4D, w[`${layer.name}/kernel`] as tf.Tensor4D, layer.stride, [[0, 0], [p, p], [p, p], [0, 0]]), w[`${layer.name}/bias`]);
      return layer.relu ? tf.relu(y) : y;
    }
    case 'dense': {
      const y = tf.add(tf.matMul(x as tf.Tensor2D, w[`${layer.name}/kernel`] as tf.Tensor2D), w[`${layer.name}/bias`]);
      return layer.relu ? tf.relu(y) : y;
    }
    case 'avgPool': return tf.avgPool(x as tf.Tensor4D, layer.size, layer.size, 'valid');
    case 'globalAvgPool': return tf.mean(x, [1, 2]);
    case 'flatten': return tf.reshape(x, [x.shape[0], -1]);
  }
}

/** A classifier file's network and its weights as tensors (the caller disposes them), checked. */
export function classifierNetwork(json: ClassifierWeightsJson, name = json.dataset): { layers: readonly ClassifierLayer[]; weights: Record<string, tf.Tensor> } {
  if (json.format !== 'gantry-classifier-v1') throw new Error(`${name}: unknown classifier format ${String(json.format)} (expected gantry-classifier-v1)`);
  const layers = json.layers ?? MNIST_LAYERS;
  const last = layers[layers.length - 1];
  if (last?.op !== 'dense') throw new Error(`${name}: a classifier's last layer must be dense (its input is the features)`);
  const required = layers.flatMap((l) => (l.op === 'conv' || l.op === 'dense' ? [`${l.name}/kernel`, `${l.name}/bias`] : []));
  for (const k of required) if (!json.weights[k]) throw new Error(`${name}: classifier weights lack ${k}`);
  const weights: Record<string, tf.Tensor> = {};
  for (const k of required) weights[k] = tf.tensor(decodeFloat32(json.weights[k].data, json.weights[k].shape, k), json.weights[k].shape, 'float32');
  return { layers, weights };
}

export function featureExtractorFromJson(json: ClassifierWeightsJson, name = json.dataset): FeatureExtractor {
  const { layers, weights: w } = classifierNetwork(json, name);
  const last = layers[layers.length - 1];
  const [h, wd, c] = json.inputShape;
  const forward = (x: tf.Tensor4D): [tf.Tensor2D, tf.Tensor2D] => {
    const features = layers.slice(0, -1).reduce<tf.Tensor>((t, l) => applyClassifierLayer(t, l, w), x) as tf.Tensor2D;
    return [features, applyClassifierLayer(features, last, w) as tf.Tensor2D];
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
