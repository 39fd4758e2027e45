// Training: browser-safe parts. The file-system run store is in @gantry/core/node.
export * from './types.js';
export { resolveConfig, buildOptimizers, optimizerFromSpec, type ResolvedConfig } from './config.js';
export { discriminatorStep, generatorStep, type StepContext } from './steps.js';
export { trainGan, resumeGan, type TrainOptions, type ResumeOptions } from './trainer.js';
export { sample, score, fixedSampleInputs, type SampleOptions } from './sampling.js';
export { createEma, type Ema } from './ema.js';
export { DivergenceError, assertFiniteLosses, assertFiniteWeights, firstNonFiniteSavedWeight, firstNonFiniteWeight } from './guard.js';
export { checkModelShapes } from './shapes.js';
export { createProgress, formatLosses, type ProgressMode, type ProgressReporter } from './progress.js';
export { memoryRunStore, registerRunDirStore, storeForRunDir, type RunStore } from './run-store.js';
export {
  CHECKPOINT_FORMAT, modelToBlob, modelFromBlob, loadBlobIntoModel, tensorsToBlob, blobToTensors, optimizerState,
  restoreOptimizer, type Checkpoint, type CheckpointState, type ModelBlob, type TensorBlob, type TensorSpec,
} from './checkpoint.js';
export { tensorDataSource } from './data-source.js';
