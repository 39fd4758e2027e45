// What the image-translation variants (pix2pix, CycleGAN, DiscoGAN) share around the loop: their run
// options (the loop's, plus a progress callback of their own) and the resume preamble.
import {
  checkpointToResume, continueTraining, reportingSteps, startTraining, type LoopOptions, type LoopResult, type Trainable,
} from '../train/loop.js';

export interface VariantRunOptions extends LoopOptions {
  /** called every progressEvery steps (default 100) and at the last */
  onProgress?: (p: { step: number; losses: Record<string, number> }) => void;
  progressEvery?: number;
}

/** The run's loop options with run.onProgress called every progressEvery steps and at the last. */
export function withProgress(run: VariantRunOptions, steps: number): LoopOptions {
  const every = run.progressEvery ?? 100;
  const report = run.onProgress;
  return reportingSteps(run, (s) => s % every === 0 || s === steps, report && (({ step, losses }) => report({ step, losses })));
}

/**
 * Continues a run of `kind` from its newest checkpoint: `rebuild` makes the variant from the checkpoint's
 * config (after checking it against the data, naming `where`), and the loop restores the rest.
 */
export async function resumeVariant<C>(kind: string, what: string, run: VariantRunOptions & { steps?: number },
  rebuild: (config: C, where: string) => Trainable): Promise<{ result: LoopResult; trainable: Trainable }> {
  const { store, checkpoint } = await checkpointToResume(kind, run, what);
  const trainable = rebuild(checkpoint.state.config as C, store.location);
  const steps = run.steps ?? checkpoint.state.totalSteps;
  const result = await continueTraining(trainable, checkpoint, { ...withProgress(run, steps), store, runDir: undefined, progress: run.progress ?? 'off', steps });
  return { result, trainable };
}

/** Trains a fresh variant for `steps` steps; its optimizers are freed after, and its models too when training fails. */
export async function trainVariant(trainable: Trainable, steps: number, run: VariantRunOptions): Promise<LoopResult> {
  let result: LoopResult;
  try {
    result = await startTraining(trainable, { ...withProgress(run, steps), progress: run.progress ?? 'off', steps });
  } catch (e) {
    for (const model of Object.values(trainable.models)) model.dispose();
    throw e;
  }
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
  return result;
}
