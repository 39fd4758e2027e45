// Browser-safe evaluation metrics on feature arrays, and the classifier feature extractors.
export * from './features.js';
export * from './linalg.js';
export * from './frechet.js';
export * from './kid.js';
export * from './knn.js';
export * from './manifold.js';
export * from './inception-score.js';
export * from './classifier.js';
export * from './evaluate.js';
export * from './roc-auc.js';
