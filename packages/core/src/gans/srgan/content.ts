// SRGAN's content loss (Ledig et al. 2017, eq. 5): the MSE between the feature maps of a fixed, trained
// network on the super-resolved image and on the true one. The paper uses VGG19's ImageNet features; those
// weights cannot be downloaded here, so the network is core's own emoji classifier (the 10 emoji
// categories, trained on the training split of both styles; packages/core/assets/emoji-classifier.json,
// docs/translation.md "The emoji feature space"), cut after one of its convolutions (after its ReLU, as the
// paper's phi_i,j). Its weights are constants, never trained: gradients reach the generator only.
import * as tf from '@tensorflow/tfjs-core';
import { applyClassifierLayer, classifierNetwork, type ClassifierWeightsJson } from '../../metrics/feature-extractor.js';

export interface ContentNetwork {
  /** the classifier file's dataset ('emoji') and the layer the features come from */
  readonly name: string;
  readonly layer: string;
  /** a fingerprint of the weights, kept in checkpoints so that a resume uses the same network */
  readonly fingerprint: string;
  readonly inputShape: readonly [number, number, number];
  /** feature maps of images [N, H, W, C] in [-1, 1] (differentiable) */
  features(images: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/** FNV-1a over the weights' base64 text: cheap, and any changed weight changes it. */
function fingerprintOf(json: ClassifierWeightsJson): string {
  let h = 0x811c9dc5;
  for (const key of Object.keys(json.weights).sort()) {
    const text = key + json.weights[key].data;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The classifier's layers up to and including the conv named `layer` (default its third, 'conv3'). */
export function contentNetwork(json: ClassifierWeightsJson, layer = 'conv3'): ContentNetwork {
  const { layers, weights } = classifierNetwork(json);
  const end = layers.findIndex((l) => l.op === 'conv' && l.name === layer);
  if (end < 0) {
    tf.dispose(Object.values(weights));
    const convs = layers.flatMap((l) => (l.op === 'conv' ? [l.name] : []));
    throw new Error(`content network ${json.dataset}: no conv layer ${JSON.stringify(layer)} (it has ${convs.join(', ')})`);
  }
  const path = layers.slice(0, end + 1);
  return {
    name: json.dataset, layer, fingerprint: fingerprintOf(json), inputShape: json.inputShape,
    features: (images) => path.reduce((x, l) => applyClassifierLayer(x, l, weights), images),
    dispose: () => tf.dispose(Object.values(weights)),
  };
}

/** mean((phi(output) - phi(target))^2); the target is data, so only phi(output) carries a gradient to G. */
export function contentLoss(network: ContentNetwork, output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(network.features(output), network.features(target))) as tf.Scalar);
}

/** mean((output - target)^2) over pixels and channels: SRResNet's loss (the paper's MSE-based SRResNet). */
export function pixelMse(output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(output, target)) as tf.Scalar);
}
