// Node-only: load the shipped classifier weights (packages/core/assets/<dataset>-classifier.json).
import { readFileSync } from 'node:fs';
import { featureExtractorFromJson, type ClassifierWeightsJson, type FeatureExtractor } from './feature-extractor.js';

/** mnist, fashion-mnist: 28 x 28 grayscale; emoji: 64 x 64 RGB (the 10 emoji categories, docs/translation.md) */
export const SHIPPED_EXTRACTORS = ['mnist', 'fashion-mnist', 'emoji'] as const;
export type ShippedExtractor = (typeof SHIPPED_EXTRACTORS)[number];

export function classifierAssetPath(name: ShippedExtractor): string {
  return new URL(`../../assets/${name}-classifier.json`, import.meta.url).pathname;
}

export function readClassifierJson(pathOrName: string): ClassifierWeightsJson {
  const shipped = (SHIPPED_EXTRACTORS as readonly string[]).includes(pathOrName);
  const path = shipped ? classifierAssetPath(pathOrName as ShippedExtractor) : pathOrName;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClassifierWeightsJson;
  } catch (e) {
    throw new Error(`cannot read classifier weights ${path}: ${(e as Error).message} (train them with examples/features/train_classifier.py, or examples/translation/train_emoji_classifier.py for emoji)`);
  }
}

export function loadFeatureExtractor(pathOrName: ShippedExtractor | string): FeatureExtractor {
  const json = readClassifierJson(pathOrName);
  return featureExtractorFromJson(json, json.dataset);
}
