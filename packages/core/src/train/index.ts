// Training: browser-safe parts. The file-system run store is in @gantry/core/node.
export * from './types.js';
export { resolveConfig, buildOptimizers, type ResolvedConfig } from '../gans/classic/config.js';
export { discriminatorStep, generatorStep, type StepContext } from '../gans/classic/steps.js';
export { ganTrainable, trainGan, resumeGan, GAN_KIND, type TrainOptions, type ResumeOptions } from '../gans/classic/trainer.js';
export {
  checkpointToResume, continueTraining, latestCheckpointOf, reportingSteps, requireSameShape, startTraining, type LoopCallbacks, type LoopOptions, type LoopResult,
  type LoopSettings, type ParameterSet, type StepEnv,
  type Trainable,
} from './loop.js';
export { minimize, term, type LossTerms, type Trained, type UpdateEnv } from './update.js';
export { SINGLE_PROCESS, checkShardable, shardRows, takeShard, type Replicas } from './replicas.js';
export { synchroniseBatchNorm, syncedBatchNorm, withSyncedBatchNorm } from './sync-batch-norm.js';
export { sample, score, fixedSampleInputs, type SampleOptions } from './sampling.js';
export { createEma, type Ema } from './ema.js';
export { DivergenceError, assertFiniteLosses, assertFiniteVariables, assertFiniteWeights, firstNonFiniteSavedWeight, firstNonFiniteWeight } from './guard.js';
export { checkModelShapes } from '../gans/classic/shapes.js';
export { createProgress, formatLosses, type ProgressMode, type ProgressReporter } from './progress.js';
export { memoryRunStore, registerRunDirStore, storeForRunDir, type RunStore } from './run-store.js';
export {
  CHECKPOINT_FORMAT, averagedCheckpointModel, checkpointModel, modelToBlob, modelFromBlob, loadBlobIntoModel, tensorsToBlob, blobToTensors, optimizerState,
  restoreOptimizer, type Checkpoint, type CheckpointState, type ModelBlob, type TensorBlob, type TensorSpec,
} from './checkpoint.js';
export { tensorDataSource } from './data-source.js';
