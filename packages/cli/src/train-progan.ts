// gantry train --model progan --data emoji:<style>[:16|:32|:64]|fashion-mnist (docs/generation.md). train.ts hands its argv here
// when it names ProGAN (fresh, or --resume of a ProGAN run). The run directory holds progan.json (the data spec and
// the options, which a resume and `gantry sample` read) beside the loop's checkpoints; the phase (resolution, alpha)
// of a checkpoint follows from its step, so sampling shows the run where it is in its growth.
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import {
  fileRunStore, proganGeneratorFromCheckpoint, proganSample, resumeProgan, trainProgan, writeImageGrid,
  type ProganConfig, type ProganOptions, type ProgressMode,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, numberInRangeFlag, parseFlags, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { requiredClassFlag } from './class-flag.js';
import { generationDataSpec, loadGenerationData } from './generation-data.js';
import { assertFiniteOutput } from './run.js';
import { holdsRunFile, readRunFile, resumedRun, startRunDir, type RunFileKind } from './run-file.js';

const PROGAN_RUN = { file: 'progan.json', format: 'gantry-progan-1', model: 'progan', title: 'ProGAN' } as const satisfies RunFileKind;
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];
const RESOLUTIONS = ['16', '32', '64'] as const;

export interface ProganRun { format: 'gantry-progan-1'; data: string; steps: number; options: ProganOptions; createdAt: string }

const FLAGS = {
  model: { type: 'string' }, data: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
  lr: { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, progress: { type: 'string' },
  'checkpoint-every': { type: 'string' }, 'sample-every': { type: 'string' }, augment: { type: 'string' }, 'phase-steps': { type: 'string' },
  'fade-fraction': { type: 'string' }, gp: { type: 'string' }, drift: { type: 'string' }, 'latent-dim': { type: 'string' },
  'max-channels': { type: 'string' }, 'image-size': { type: 'string' }, resolution: { type: 'string' }, ema: { type: 'string' },
  conditional: { type: 'boolean' },
} as const;

export function isProganRun(runDir: string): boolean {
  return holdsRunFile(runDir, PROGAN_RUN);
}

/** The ProGAN argv of train (--model progan, or --resume of a ProGAN run), else undefined. */
export function proganTrainRequest(argv: string[]): 'train' | 'resume' | undefined {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, resume: { type: 'string' } }, strict: false, allowPositionals: true });
  if (values.model === 'progan') return 'train';
  return typeof values.resume === 'string' && isProganRun(values.resume) ? 'resume' : undefined;
}

async function runTraining(runDir: string, run: ProganRun, progress: ProgressMode, resume: boolean): Promise<void> {
  const backend = await selectBackend();
  const data = loadGenerationData(run.data);
  console.error(`gantry train: ProGAN growing to ${run.options.resolution} px on ${run.data} (${data.count} images of [${data.itemShape}]), ` +
    `${run.steps} steps on ${backend} -> ${runDir}`);
  const r = resume
    ? await resumeProgan(data, { runDir, steps: run.steps, progress })
    : await trainProgan(data, { ...run.options, steps: run.steps }, { runDir, progress });
  console.error(`gantry train: done at step ${r.step} (${r.phase.resolution} px, alpha ${r.phase.alpha}); sample with gantry sample ${runDir} --out samples.png`);
}

/** gantry train --model progan ... or --resume RUN [--steps N] [--progress p] of a ProGAN run. */
export async function proganTrain(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, FLAGS, 0);
  const progress = choiceFlag(v.progress, 'progress', PROGRESS) ?? 'auto';
  if (typeof v.resume === 'string') {
    const { runDir, run } = resumedRun<ProganRun>(v, PROGAN_RUN);
    return runTraining(runDir, run, progress, true);
  }
  const data = stringFlag(v.data, 'data');
  if (!data) throw new UsageError('--model progan needs --data emoji:<style>[:16|:32|:64] or fashion-mnist');
  const augment = choiceFlag(v.augment, 'augment', ['diff', 'none'] as const) ?? 'none';
  const steps = integerFlag(v.steps, 'steps', 1) ?? 4000;
  const { spec, side } = generationDataSpec(data, 'progan', integerFlag(v['image-size'], 'image-size', 1));
  const resolution = Number(choiceFlag(v.resolution, 'resolution', RESOLUTIONS) ?? side);
  if (resolution > side) throw new UsageError(`--resolution ${resolution}: the images of --data ${data} are ${side} x ${side}, too small for it`);
  const options: ProganOptions = {
    seed: integerFlag(v.seed, 'seed', 0) ?? 0, resolution, batchSize: integerFlag(v.batch, 'batch', 2), learningRate: positiveNumberFlag(v.lr, 'lr'),
    phaseSteps: integerFlag(v['phase-steps'], 'phase-steps', 1), fadeFraction: numberInRangeFlag(v['fade-fraction'], 'fade-fraction', 0, 1),
    gpWeight: numberInRangeFlag(v.gp, 'gp', 0, 1e6), driftWeight: numberInRangeFlag(v.drift, 'drift', 0, 1e6),
    latentDim: integerFlag(v['latent-dim'], 'latent-dim', 1), maxChannels: integerFlag(v['max-channels'], 'max-channels', 1),
    emaDecay: numberInRangeFlag(v.ema, 'ema', 0, 0.99999), checkpointEvery: integerFlag(v['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
    sampleEvery: integerFlag(v['sample-every'], 'sample-every', 0) ?? Math.max(1, Math.round(steps / 10)),
    ...(augment === 'diff' ? { augment: ['color', 'translation', 'cutout'] } : {}), ...(v.conditional === true ? { conditional: true } : {}),
  };
  const clean = Object.fromEntries(Object.entries(options).filter(([, x]) => x !== undefined)) as ProganOptions;
  const run: ProganRun = { format: PROGAN_RUN.format, data: spec, steps, options: clean, createdAt: new Date().toISOString() };
  return runTraining(startRunDir(v.out, PROGAN_RUN, run), run, progress, false);
}

export function readProganRun(runDir: string): ProganRun {
  return readRunFile<ProganRun>(runDir, PROGAN_RUN);
}

/**
 * The run's generator from its newest checkpoint (the averaged G by default, else the trained one), the phase of that
 * step, the step, and numClasses and classNames of a conditional run.
 */
export async function loadProganGenerator(runDir: string, averaged = true): Promise<Awaited<ReturnType<typeof proganGeneratorFromCheckpoint>> & { step: number; numClasses?: number; classNames?: string[] }> {
  readProganRun(runDir);
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint yet (training has not written one)`);
  const { numClasses, classNames } = checkpoint.state.config as ProganConfig;
  return { ...await proganGeneratorFromCheckpoint(checkpoint, { averaged, where: runDir }), step: checkpoint.state.step, numClasses, classNames };
}

/** gantry sample of a ProGAN run: seeds seed .. seed + n - 1 through the averaged G, at the phase of the newest checkpoint; --class of a conditional run. */
export async function sampleProgan(runDir: string, out: string, n: number, seed: number, classValue?: unknown): Promise<void> {
  if (extname(out).toLowerCase() !== '.png') throw new UsageError(`--out: a ProGAN run samples images; use .png, got ${JSON.stringify(out)}`);
  readProganRun(runDir);
  await selectBackend();
  const { generator, phase, step, numClasses, classNames } = await loadProganGenerator(runDir);
  const classIndex = requiredClassFlag(classValue, runDir, numClasses, classNames);
  const images = proganSample(generator, Array.from({ length: n }, (_, i) => seed + i), phase, classIndex);
  assertFiniteOutput(images, `${runDir}: the generator's output at step ${step}`);
  writeImageGrid(out, images, { scale: images.shape[1] < 32 ? 2 : 1 });
  images.dispose();
  console.error(`gantry sample: ${n} samples from step ${step} (${phase.resolution} px, alpha ${phase.alpha}) -> ${out}`);
}
