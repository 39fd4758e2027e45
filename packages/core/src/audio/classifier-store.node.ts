// The FDSD / KDSD phoneme classifier kept beside its corpus (phoneme-classifier.json: options, held-out
// accuracy and weights), trained on first use, so every measurement of a corpus uses the same network.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from '../run/files.node.js';
import type { SpeechCorpus } from './corpus.js';
import { phonemeClassifier, trainPhonemeClassifier, type PhonemeClassifierOptions } from './phoneme-classifier.js';

export const CLASSIFIER_FILE = 'phoneme-classifier.json';

interface StoredClassifier { format: 'gantry-phoneme-classifier-1'; options: Omit<PhonemeClassifierOptions, 'onProgress'>; phonemes: number; heldoutAccuracy: number; weights: Array<{ shape: number[]; values: number[] }> }

/** The corpus directory's classifier, trained (and stored atomically) when it has none or one of other options. */
export function corpusClassifier(dir: string, corpus: SpeechCorpus, o: PhonemeClassifierOptions): { model: tfl.LayersModel; heldoutAccuracy: number; trained: boolean } {
  const path = join(dir, CLASSIFIER_FILE);
  const { onProgress, ...options } = o;
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredClassifier;
    if (JSON.stringify(stored.options) === JSON.stringify(options) && stored.phonemes === corpus.inventory.length) {
      const model = phonemeClassifier(stored.phonemes, options.channels ?? 64, options.seed);
      model.setWeights(stored.weights.map((w) => tf.tensor(w.values, w.shape)));
      return { model, heldoutAccuracy: stored.heldoutAccuracy, trained: false };
    }
  }
  const { model, heldoutAccuracy } = trainPhonemeClassifier(corpus, { ...options, onProgress });
  const weights = model.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
  const stored: StoredClassifier = { format: 'gantry-phoneme-classifier-1', options, phonemes: corpus.inventory.length, heldoutAccuracy, weights };
  writeFileAtomic(path, JSON.stringify(stored), dir);
  return { model, heldoutAccuracy, trained: true };
}
