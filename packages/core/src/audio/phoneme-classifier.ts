// The speech recogniser behind FDSD and KDSD (GAN-TTS's Frechet / kernel DeepSpeech distances): a small
// per-frame phoneme classifier trained here on the corpus's train split (machine speech), standing in for
// DeepSpeech. The waveform is folded to 80-sample frames ([1, T/80, 80]: one 5 ms frame per position),
// three 1x3 convs with dilations 1, 2, 4 (64 channels, ReLU; the last is the 'penultimate' layer) and a
// 1x1 conv to one logit per phoneme. A clip's features are its penultimate activations averaged over its
// frames (the paper averages DeepSpeech's over windows); the distances are metrics/frechet.ts's and
// metrics/kid.ts's (the cubic-kernel unbiased MMD^2), unchanged.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d } from '../layers/conv2d.js';
import { auxiliaryClassLoss } from '../losses.js';
import type { FeatureMatrix } from '../metrics/features.js';
import { frechetDistance } from '../metrics/frechet.js';
import { kernelInceptionDistance, type KidOptions } from '../metrics/kid.js';
import { SeededInit } from '../models/common.js';
import { adam } from '../optimizers.js';
import { createRng } from '../random.js';
import { featureWidth, sampleClips, tileClips, utterancesOf, type Clips, type SpeechCorpus } from './corpus.js';
import { timeConv } from './dilated-conv.js';
import { HOP } from './frames.js';

export const PENULTIMATE = 'penultimate';

export interface PhonemeClassifierOptions {
  seed: number;
  /** default 800 */
  steps?: number;
  /** default 16 clips of 64 frames */
  batchSize?: number;
  clipFrames?: number;
  channels?: number;
  learningRate?: number;
  onProgress?: (step: number, loss: number) => void;
}

/** [N, 1, T, 1] audio (T a multiple of 80) -> [N, 1, T/80, phonemes] logits. */
export function phonemeClassifier(phonemes: number, channels = 64, seed?: number): tfl.LayersModel {
  const init = new SeededInit(seed);
  const input = tfl.input({ shape: [1, null, 1], name: 'audio' });
  let x = tfl.layers.reshape({ targetShape: [1, -1, HOP], name: 'frames' }).apply(input) as tfl.SymbolicTensor;
  [1, 2, 4].forEach((dilation, i) => {
    x = timeConv(x, { filters: channels, kernel: 3, dilation, activation: 'relu', kernelInitializer: init.glorotUniform(), name: i === 2 ? PENULTIMATE : `conv${i + 1}` });
  });
  const logits = conv2d({ filters: phonemes, kernelSize: 1, kernelInitializer: init.glorotUniform(), name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'phoneme_classifier' });
}

/** The phoneme id of every frame of the clips (the one-hot block of their features). */
function clipLabels(clips: Clips, phonemes: number, width: number): Int32Array {
  const labels = new Int32Array(clips.count * clips.frames);
  for (let r = 0; r < labels.length; r++) {
    for (let p = 0; p < phonemes; p++) if (clips.features[r * width + p] === 1) { labels[r] = p; break; }
  }
  return labels;
}

const audioTensor = (clips: Clips) => tf.tensor4d(clips.audio, [clips.count, 1, clips.frames * HOP, 1]);

/** Trains the classifier on random train clips (Adam); returns it with its frame accuracy on the held-out split. */
export function trainPhonemeClassifier(corpus: SpeechCorpus, o: PhonemeClassifierOptions): { model: tfl.LayersModel; heldoutAccuracy: number } {
  const phonemes = corpus.inventory.length;
  const width = featureWidth(corpus);
  const model = phonemeClassifier(phonemes, o.channels ?? 64, o.seed);
  const rng = createRng(o.seed);
  const optimizer = adam(o.learningRate ?? 1e-3, 0.9, 0.999);
  const train = utterancesOf(corpus, 'train');
  const steps = o.steps ?? 800;
  for (let step = 1; step <= steps; step++) {
    const clips = sampleClips(corpus, train, rng, o.batchSize ?? 16, o.clipFrames ?? 64);
    const loss = tf.tidy(() => {
      const x = audioTensor(clips);
      const labels = tf.tensor1d(clipLabels(clips, phonemes, width), 'int32');
      return optimizer.minimize(() => auxiliaryClassLoss(
        tf.reshape(model.apply(x, { training: true }) as tf.Tensor, [-1, phonemes]), labels), true)!.dataSync()[0];
    });
    if (step % 100 === 0 || step === steps) o.onProgress?.(step, loss);
  }
  optimizer.dispose();
  const held = tileClips(corpus, utterancesOf(corpus, 'heldout'), 40);
  const labels = clipLabels(held, phonemes, width);
  const predicted = tf.tidy(() => tf.argMax(tf.reshape(model.predict(audioTensor(held)) as tf.Tensor, [-1, phonemes]), 1).dataSync());
  const correct = labels.reduce((s, l, i) => s + (predicted[i] === l ? 1 : 0), 0);
  return { model, heldoutAccuracy: correct / labels.length };
}

/** One feature row per clip: the penultimate layer's activations averaged over the clip's frames. */
export function speechFeatures(classifier: tfl.LayersModel, audio: Float32Array, count: number, batch = 32): FeatureMatrix {
  const cut = tfl.model({ inputs: classifier.inputs, outputs: classifier.getLayer(PENULTIMATE).output as tfl.SymbolicTensor });
  const length = audio.length / count;
  const rows: Float32Array[] = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    rows.push(tf.tidy(() => tf.mean(cut.predict(tf.tensor4d(audio.subarray(i * length, (i + n) * length), [n, 1, length, 1])) as tf.Tensor, [1, 2]).dataSync() as Float32Array));
  }
  const cols = classifier.getLayer(PENULTIMATE).outputShape[3] as number;
  return { rows: count, cols, data: Float64Array.from(rows.flatMap((r) => Array.from(r))) };
}

export interface SpeechDistances {
  /** Frechet distance of the clip features' Gaussians (FDSD) */
  fdsd: number;
  /** unbiased MMD^2, cubic kernel, over random subsets (KDSD): mean and population std */
  kdsd: { mean: number; std: number; subsetSize: number };
  counts: [number, number];
}

/** FDSD and KDSD between two feature sets (speechFeatures of two clip sets). */
export function speechDistances(x: FeatureMatrix, y: FeatureMatrix, kid: KidOptions = {}): SpeechDistances {
  const k = kernelInceptionDistance(x, y, kid);
  return { fdsd: frechetDistance(x, y), kdsd: { mean: k.mean, std: k.std, subsetSize: k.subsetSize }, counts: [x.rows, y.rows] };
}
