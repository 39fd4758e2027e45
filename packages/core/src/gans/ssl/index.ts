// Semi-supervised classification with a GAN (Salimans et al. 2016) and its baselines on the same network.
export { balancedLabelDraw } from './labels.js';
export { featureMatchingLoss, pseudoLabelLoss, supervisedLoss, unsupervisedLoss } from './losses.js';
export { SslClassifier } from './predict.js';
export {
  resumeSsl, sslClassifierFromCheckpoint, sslTrainable, trainSsl, SSL_KIND, SSL_METHODS, type SslConfig, type SslMethod, type SslOptions,
} from './trainer.js';
