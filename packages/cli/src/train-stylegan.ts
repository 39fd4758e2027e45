// gantry train --model stylegan --data emoji:<style>[:32|:16|:64]|fashion-mnist (docs/generation.md). train.ts hands its argv
// here when it names StyleGAN (fresh, or --resume of a StyleGAN run), since StyleGAN's flags are its own. The run
// directory holds stylegan.json (the data spec and the options, which a resume and sample/mix/interpolate read)
// beside the loop's checkpoints, whose EMA copies of mapping and synthesis are the generator the tools use.
import {
  fileRunStore, resumeStylegan, styleGeneratorFromCheckpoint, trainStylegan,
  type ProgressMode, type StyleGenerator, type StyleganConfig, type StyleganOptions,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, numberInRangeFlag, numberValue, parseFlags, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { generationDataSpec, loadGenerationData } from './generation-data.js';
import { holdsRunFile, readRunFile, resumedRun, startRunDir, type RunFileKind } from './run-file.js';
import { modelTrainRequest } from './train-request.js';

const STYLEGAN_RUN = { file: 'stylegan.json', format: 'gantry-stylegan-1', model: 'stylegan', title: 'StyleGAN' } as const satisfies RunFileKind;
export const STYLEGAN_FILE = STYLEGAN_RUN.file;
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

export interface StyleganRun { format: 'gantry-stylegan-1'; data: string; steps: number; options: StyleganOptions; createdAt: string }

const FLAGS = {
  model: { type: 'string' }, data: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
  'lr-g': { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, progress: { type: 'string' },
  'checkpoint-every': { type: 'string' }, 'sample-every': { type: 'string' }, augment: { type: 'string' }, mixing: { type: 'string' },
  r1: { type: 'string' }, 'r1-every': { type: 'string' }, mode: { type: 'string' }, 'latent-dim': { type: 'string' },
  'mapping-depth': { type: 'string' }, 'max-channels': { type: 'string' }, 'image-size': { type: 'string' }, ema: { type: 'string' },
  conditional: { type: 'boolean' },
} as const;

export function isStyleganRun(runDir: string): boolean {
  return holdsRunFile(runDir, STYLEGAN_RUN);
}

export function readStyleganRun(runDir: string): StyleganRun {
  return readRunFile<StyleganRun>(runDir, STYLEGAN_RUN);
}

/** The StyleGAN argv of train (--model stylegan, or --resume of a StyleGAN run), else undefined. */
export function styleganTrainRequest(argv: string[]): 'train' | 'resume' | undefined {
  return modelTrainRequest(argv, 'stylegan', isStyleganRun);
}

async function runTraining(runDir: string, run: StyleganRun, progress: ProgressMode, resume: boolean): Promise<void> {
  const backend = await selectBackend();
  // the run file keeps the spec as given; the options' resolution is the size it was trained at
  const data = loadGenerationData(generationDataSpec(run.data, 'stylegan', run.options.resolution).spec);
  console.error(`gantry train: StyleGAN (${run.options.mode ?? 'adain'}) on ${run.data} (${data.count} images of [${data.itemShape}]), ` +
    `${run.steps} steps on ${backend} -> ${runDir}`);
  const r = resume
    ? await resumeStylegan(data, { runDir, steps: run.steps, progress })
    : await trainStylegan(data, { ...run.options, steps: run.steps }, { runDir, progress });
  console.error(`gantry train: done at step ${r.step}; sample with gantry sample ${runDir} --truncation 0.7 --out samples.png`);
}

/** gantry train --model stylegan ... or --resume RUN [--steps N] [--progress p] of a StyleGAN run. */
export async function styleganTrain(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, FLAGS, 0);
  const progress = choiceFlag(v.progress, 'progress', PROGRESS) ?? 'auto';
  if (typeof v.resume === 'string') {
    const { runDir, run } = resumedRun<StyleganRun>(v, STYLEGAN_RUN);
    return runTraining(runDir, run, progress, true);
  }
  const data = stringFlag(v.data, 'data');
  if (!data) throw new UsageError('--model stylegan needs --data emoji:<style>[:16|:32|:64] or fashion-mnist');
  const augment = choiceFlag(v.augment, 'augment', ['diff', 'none'] as const) ?? 'none';
  const steps = integerFlag(v.steps, 'steps', 1) ?? 3000;
  const imageSize = integerFlag(v['image-size'], 'image-size', 1);
  const dataset = loadGenerationData(generationDataSpec(data, 'stylegan', imageSize).spec);
  const options: StyleganOptions = {
    seed: integerFlag(v.seed, 'seed', 0) ?? 0, resolution: dataset.itemShape[0], batchSize: integerFlag(v.batch, 'batch', 2),
    learningRate: positiveNumberFlag(v['lr-g'], 'lr-g'), mixing: numberInRangeFlag(v.mixing, 'mixing', 0, 1), r1Gamma: numberInRangeFlag(v.r1, 'r1', 0, 1e6),
    r1Every: integerFlag(v['r1-every'], 'r1-every', 1), mode: choiceFlag(v.mode, 'mode', ['adain', 'modulated'] as const),
    latentDim: integerFlag(v['latent-dim'], 'latent-dim', 1), mappingDepth: integerFlag(v['mapping-depth'], 'mapping-depth', 1),
    maxChannels: integerFlag(v['max-channels'], 'max-channels', 1), emaDecay: numberInRangeFlag(v.ema, 'ema', 0, 0.99999),
    checkpointEvery: integerFlag(v['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
    sampleEvery: integerFlag(v['sample-every'], 'sample-every', 0), ...(augment === 'diff' ? { augment: ['color', 'translation', 'cutout'] } : {}),
    ...(v.conditional === true ? { conditional: true } : {}),
  };
  const clean = Object.fromEntries(Object.entries(options).filter(([, x]) => x !== undefined)) as StyleganOptions;
  const run: StyleganRun = { format: STYLEGAN_RUN.format, data, steps, options: clean, createdAt: new Date().toISOString() };
  return runTraining(startRunDir(v.out, STYLEGAN_RUN, run), run, progress, false);
}

/**
 * The run's generator from its newest checkpoint: the EMA copies of mapping and synthesis (`averaged`, default) or
 * the trained ones; numClasses and classNames of a conditional run.
 */
export async function loadStyleGenerator(runDir: string, averaged = true): Promise<{ generator: StyleGenerator; step: number; numClasses?: number; classNames?: string[] }> {
  readStyleganRun(runDir);
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint yet (training has not written one)`);
  const { numClasses, classNames } = checkpoint.state.config as StyleganConfig;
  return { generator: await styleGeneratorFromCheckpoint(checkpoint, { averaged, where: runDir }), step: checkpoint.state.step, numClasses, classNames };
}

/** Comma-separated integer seeds of a flag. */
export function seedList(value: unknown, flag: string): number[] {
  const text = stringFlag(value, flag);
  if (!text) throw new UsageError(`--${flag} <seed,seed,...> is required`);
  return text.split(',').map((s) => {
    if (!/^\d+$/.test(s.trim())) throw new UsageError(`--${flag}: seeds are non-negative integers, got ${JSON.stringify(s)}`);
    return Number(s.trim());
  });
}

/** --truncation in (0, 1], default 1. */
export function truncationFlag(value: unknown): number {
  if (value === undefined) return 1;
  const psi = numberValue(value);
  if (!(psi > 0 && psi <= 1)) throw new UsageError(`--truncation must lie in (0, 1], got ${String(value)}`);
  return psi;
}
