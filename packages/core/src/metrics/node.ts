// Node-only: load the shipped classifier weights (packages/core/assets/<dataset>-classifier.json).
import { readFileSync } from 'node:fs';
import { featureExtractorFromJson, type ClassifierWeightsJson, type FeatureExtractor } from './feature-extractor.js';

export type ShippedExtractor = 'mnist' | 'fashion-mnist';

export function classifierAssetPath(name: ShippedExtractor): string {
  return new URL(`../../assets/${name}-classifier.json`, import.meta.url).pathname;
}

export function readClassifierJson(pathOrName: string): ClassifierWeightsJson {
  const path = pathOrName === 'mnist' || pathOrName === 'fashion-mnist' ? classifierAssetPath(pathOrName) : pathOrName;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClassifierWeightsJson;
  } catch (e) {
    throw new Error(`cannot read classifier weights ${path}: ${(e as Error).message} (train them with examples/features/train_classifier.py)`);
  }
}

export function loadFeatureExtractor(pathOrName: ShippedExtractor | string): FeatureExtractor {
  const json = readClassifierJson(pathOrName);
  return featureExtractorFromJson(json, json.dataset);
}
