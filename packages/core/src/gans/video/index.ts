// Next-frame video prediction on Moving MNIST (Mathieu, Couprie and LeCun 2016): a U-Net predictor trained
// on MSE, MSE + adversarial, or MSE + adversarial + gradient difference (docs/video.md).
export { framePredictor, sequenceDiscriminator, type FramePredictorOptions, type SequenceDiscriminatorOptions } from './networks.js';
export {
  framesAsChannels, resolveVideoOptions, resumeVideo, trainVideo, videoPredictor, videoTrainable, VIDEO_KIND, VIDEO_LOSSES,
  type VideoConfig, type VideoLoss, type VideoOptions, type VideoResult, type VideoRunOptions,
} from './trainer.js';
export { copyLastFrame, predictFrames, scoreFrames, type FrameScores } from './metrics.js';
export { comparisonGif, comparisonStrip } from './preview.js';
