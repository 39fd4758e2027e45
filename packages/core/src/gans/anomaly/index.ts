// Anomaly scores from a GAN trained on normal rows only.
export { AnomalyScorer } from './scorer.js';
export { ANOMALY_KIND, resumeAnomalyGan, trainAnomalyGan, type AnomalyGanOptions } from './trainer.js';
