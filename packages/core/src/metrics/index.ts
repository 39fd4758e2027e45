// Browser-safe evaluation metrics on feature arrays, the classifier feature extractors, paired image
// metrics (L1, PSNR, SSIM), and scores of predicted labels.
export * from './features.js';
export * from './linalg.js';
export * from './frechet.js';
export * from './kid.js';
export * from './knn.js';
export * from './manifold.js';
export * from './inception-score.js';
export * from './feature-extractor.js';
export * from './feature-distances.js';
export * from './image-quality.js';
export * from './classification.js';
export * from './evaluate.js';
export * from './roc-auc.js';
