// gantry train --model stackgan --data emoji:<style> (docs/stackgan.md): text -> 64 px emoji from their names.
// train.ts hands its argv here when it names StackGAN (fresh, or --resume of a StackGAN run). The run directory
// holds stackgan.json (the data spec, the options and the vocabulary, which a resume and `gantry sample --text`
// read) and three runs of the loop, trained in turn as examples/stackgan/emoji.ts does:
//   matcher/  the text-image matcher, whose text branch is the text encoder phi(t)   (--matcher-steps)
//   stage1/   StackGAN stage I, 16 px                                                 (--stage1-steps)
//   stage2/   stage II, 64 px, on the frozen stage I                                  (--steps)
// A resume continues the first phase that has not reached its steps; --steps on a resume is stage II's total.
// Each stage II checkpoint writes the preview samples/step-NNNNNN.png (stage2Previews), which the studio shows.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  bagsOfWords, buildVocabulary, checkpointModel, embedTexts, emojiInSplit, emojiText, encodePng, fileRunStore, loadEmoji, modelFromBlob, readEmojiCatalogue,
  resumeMatcher, resumeStackGan, stackGanSample, stepName, tileImages, trainMatcher, trainStackGan, UNKNOWN_WORD, writeFileAtomic,
  type ArrayDataset, type Checkpoint, type EmojiStyle, type LoopCallbacks, type Matcher, type ProgressMode, type TextImagePairs,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, parseFlags, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { emojiRoot, parseEmojiSpec } from './data.js';
import { holdsRunFile, readRunFile, resumedRun, startRunDir, type RunFileKind } from './run-file.js';
import { modelTrainRequest } from './train-request.js';

const STACKGAN_RUN = { file: 'stackgan.json', format: 'gantry-stackgan-1', model: 'stackgan', title: 'StackGAN' } as const satisfies RunFileKind;
/** Stage II's output size: the data must hold images at least this large. */
const STACKGAN_IMAGE_SIZE = 64;
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

export interface StackganRunOptions { seed: number; batchSize: number; filters: number; noiseDim: number; conditionDim: number; checkpointEvery: number }

/** stackgan.json: how to load the run's data again, each phase's steps, the options, and the text encoder's vocabulary. */
export interface StackganRun {
  format: typeof STACKGAN_RUN.format;
  data: string;
  matcherSteps: number;
  stage1Steps: number;
  steps: number;
  options: StackganRunOptions;
  /** the bag-of-words vocabulary (text.ts): '<unk>' first, then the training names' words */
  vocabulary: string[];
  createdAt: string;
}

const FLAGS = {
  model: { type: 'string' }, data: { type: 'string' }, steps: { type: 'string' }, 'stage1-steps': { type: 'string' }, 'matcher-steps': { type: 'string' },
  batch: { type: 'string' }, filters: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' },
  progress: { type: 'string' }, 'checkpoint-every': { type: 'string' }, 'image-size': { type: 'string' },
} as const;

export const stackganPhaseDirs = (runDir: string) => ({ matcher: join(runDir, 'matcher'), stage1: join(runDir, 'stage1'), stage2: join(runDir, 'stage2') });

export function isStackganRun(runDir: string): boolean {
  return holdsRunFile(runDir, STACKGAN_RUN);
}

export function readStackganRun(runDir: string): StackganRun {
  return readRunFile<StackganRun>(runDir, STACKGAN_RUN);
}

/** The StackGAN argv of train (--model stackgan, or --resume of a StackGAN run), else undefined. */
export function stackganTrainRequest(argv: string[]): 'train' | 'resume' | undefined {
  return modelTrainRequest(argv, 'stackgan', isStackganRun);
}

interface StackganData { texts: string[]; images16: ArrayDataset; images64: ArrayDataset }

/** emoji:<style> at 64 px, stage II's size: smaller emoji (emoji:<style>:16, --image-size 32) are refused. */
function stackganStyle(spec: string, imageSize?: number): EmojiStyle {
  if (imageSize !== undefined && imageSize !== STACKGAN_IMAGE_SIZE) {
    throw new UsageError(`--image-size ${imageSize}: StackGAN draws ${STACKGAN_IMAGE_SIZE} px images (stage I at 16, stage II at ${STACKGAN_IMAGE_SIZE}) and takes no other size`);
  }
  const emoji = parseEmojiSpec(spec, spec.split(':').length > 2 ? undefined : STACKGAN_IMAGE_SIZE);
  if (!emoji) throw new UsageError(`--data ${spec}: --model stackgan trains on emoji:<style> (the names and 64 px images of emoji:google or emoji:twitter)`);
  if (emoji.size < STACKGAN_IMAGE_SIZE) {
    throw new UsageError(`--data ${spec}: ${emoji.size} px images are too small for StackGAN, whose stage II draws ` +
      `${STACKGAN_IMAGE_SIZE} x ${STACKGAN_IMAGE_SIZE}; use emoji:${emoji.style}`);
  }
  return emoji.style;
}

function loadStackganData(spec: string): StackganData {
  const style = stackganStyle(spec);
  const load = (size: 16 | 64) => loadEmoji({ style, size, split: 'train', packageRoot: emojiRoot(style) });
  const big = load(64);
  return { texts: big.images.map(emojiText), images16: load(16).dataset, images64: big.dataset };
}

/** The models of a phase's newest checkpoint when it has reached `steps`, else undefined. */
async function finishedPhase(dir: string, steps: number, names: string[]): Promise<Record<string, tfl.LayersModel> | undefined> {
  const checkpoint = await fileRunStore(dir).loadLatestCheckpoint();
  if (!checkpoint || checkpoint.state.step < steps) return undefined;
  return checkpointModels(checkpoint, names);
}

export async function checkpointModels(checkpoint: Checkpoint, names: string[]): Promise<Record<string, tfl.LayersModel>> {
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await modelFromBlob(checkpointModel(checkpoint, name))] as const)));
}

const hasCheckpoint = async (dir: string) => (await fileRunStore(dir).loadLatestCheckpoint()) !== null;

/** How many held-out names stage II's preview draws. */
const PREVIEW_NAMES = 8;

/**
 * After each stage II checkpoint, one image for each of the first PREVIEW_NAMES held-out names (the test split's,
 * never trained on), always with noise seed 0, as samples/step-NNNNNN.png: watching the run compares like with
 * like, on the texts that measure it. phi of those names is taken from `matcher` now.
 */
function stage2Previews(runDir: string, run: StackganRun, matcher: Matcher): LoopCallbacks {
  const style = stackganStyle(run.data);
  const texts = emojiInSplit(readEmojiCatalogue(style, emojiRoot(style)), 'test').slice(0, PREVIEW_NAMES).map(emojiText);
  const { bags, size } = bagsOfWords({ words: run.vocabulary }, texts);
  const phi = embedTexts(matcher, bags, size);
  const rows = { values: phi.dataSync().slice(), shape: phi.shape };
  phi.dispose();
  return {
    async onCheckpoint({ step }) {
      const checkpoint = await fileRunStore(stackganPhaseDirs(runDir).stage2).loadLatestCheckpoint();
      if (!checkpoint) return;
      const models = await checkpointModels(checkpoint, ['g1', 'ca1', 'g2', 'ca2']);
      const texts = tf.tensor2d(rows.values, rows.shape);
      const images = stackGanSample(models, texts, { seed: 0, noiseDim: run.options.noiseDim, conditionDim: run.options.conditionDim });
      try {
        const dir = join(runDir, 'samples');
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(join(dir, `${stepName(step)}.png`), encodePng(tileImages({ data: images.dataSync(), shape: images.shape }, { columns: PREVIEW_NAMES })), dir);
      } finally {
        tf.dispose([texts, images]);
        for (const m of Object.values(models)) m.dispose();
      }
    },
  };
}

/** The matcher, stage I and stage II in turn, each from its own checkpoint when it has one; returns stage II's step (or the step a phase stopped at). */
async function runPhases(runDir: string, run: StackganRun, data: StackganData, progress: ProgressMode): Promise<number> {
  const dirs = stackganPhaseDirs(runDir);
  const { bags, size } = bagsOfWords({ words: run.vocabulary }, data.texts);
  const pairs: TextImagePairs = { bags, vocabularySize: size, images: data.images16 };
  const o = run.options;
  const loop = (dir: string, steps: number) => ({ runDir: dir, steps, progress });

  let matcher = await finishedPhase(dirs.matcher, run.matcherSteps, ['text', 'image']);
  if (!matcher) {
    console.error(`gantry train: text encoder (text-image matcher), ${run.matcherSteps} steps -> ${dirs.matcher}`);
    const fresh = { seed: o.seed, steps: run.matcherSteps, checkpointEvery: o.checkpointEvery };
    const m = await hasCheckpoint(dirs.matcher) ? await resumeMatcher(pairs, loop(dirs.matcher, run.matcherSteps)) : await trainMatcher(pairs, fresh, { runDir: dirs.matcher, progress });
    matcher = { text: m.text, image: m.image };
    // a matcher stopped early (an interrupt) is continued by the next --resume, not built upon
    const reached = (await fileRunStore(dirs.matcher).loadLatestCheckpoint())?.state.step ?? 0;
    if (reached < run.matcherSteps) return reached;
  }
  const phiTensor = embedTexts({ text: matcher.text, image: matcher.image }, bags, size);
  const phi = { phi: phiTensor.dataSync() as Float32Array, textDim: phiTensor.shape[1] };
  phiTensor.dispose();
  const callbacks = stage2Previews(runDir, run, { text: matcher.text, image: matcher.image });
  for (const m of Object.values(matcher)) m.dispose();

  if (await hasCheckpoint(dirs.stage2)) {
    console.error(`gantry train: stage II (64 px), resuming to step ${run.steps} -> ${dirs.stage2}`);
    return (await resumeStackGan({ ...phi, images: data.images64 }, 2, { ...loop(dirs.stage2, run.steps), callbacks })).step;
  }
  const options = {
    seed: o.seed, batchSize: o.batchSize, generatorFilters: o.filters, discriminatorFilters: o.filters, noiseDim: o.noiseDim, conditionDim: o.conditionDim,
    checkpointEvery: o.checkpointEvery,
  };
  let stage1 = await finishedPhase(dirs.stage1, run.stage1Steps, ['g1', 'ca1']);
  if (!stage1) {
    console.error(`gantry train: stage I (16 px), ${run.stage1Steps} steps -> ${dirs.stage1}`);
    const data16 = { ...phi, images: data.images16 };
    const r = await hasCheckpoint(dirs.stage1)
      ? await resumeStackGan(data16, 1, loop(dirs.stage1, run.stage1Steps))
      : await trainStackGan(data16, { ...options, steps: run.stage1Steps }, 1, undefined, { runDir: dirs.stage1, progress });
    if (r.stopped) return r.step;
    stage1 = r.models;
  }
  console.error(`gantry train: stage II (64 px), ${run.steps} steps -> ${dirs.stage2}`);
  const r = await trainStackGan({ ...phi, images: data.images64 }, { ...options, steps: run.steps }, 2, { g1: stage1.g1, ca1: stage1.ca1 }, { runDir: dirs.stage2, progress, callbacks });
  for (const m of Object.values(stage1)) m.dispose();
  return r.step;
}

async function runTraining(runDir: string, run: StackganRun, progress: ProgressMode): Promise<void> {
  const backend = await selectBackend();
  const loaded = loadStackganData(run.data);
  console.error(`gantry train: StackGAN on ${run.data} (${loaded.texts.length} names and images; vocabulary of ${run.vocabulary.length - 1} words and ${UNKNOWN_WORD}), ` +
    `${run.matcherSteps} + ${run.stage1Steps} + ${run.steps} steps on ${backend} -> ${runDir}`);
  const step = await runPhases(runDir, run, loaded, progress);
  console.error(`gantry train: done at step ${step}; draw from it with gantry sample ${runDir} --text "red apple" --out apple.png`);
}

/** gantry train --model stackgan ... or --resume RUN [--steps N] [--progress p] of a StackGAN run. */
export async function stackganTrain(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, FLAGS, 0);
  const progress = choiceFlag(v.progress, 'progress', PROGRESS) ?? 'auto';
  if (typeof v.resume === 'string') {
    const steps = integerFlag(v.steps, 'steps', 1);
    const stage2 = await fileRunStore(stackganPhaseDirs(v.resume).stage2).loadLatestCheckpoint();
    if (stage2 && steps !== undefined && steps < stage2.state.step) throw new UsageError(`--steps ${steps} is below stage II's current step ${stage2.state.step}`);
    const { runDir, run } = resumedRun<StackganRun>(v, STACKGAN_RUN);
    return runTraining(runDir, run, progress);
  }
  const spec = stringFlag(v.data, 'data');
  if (!spec) throw new UsageError('--model stackgan needs --data emoji:<style> (google or twitter)');
  const style = stackganStyle(spec, integerFlag(v['image-size'], 'image-size', 1));
  const steps = integerFlag(v.steps, 'steps', 1) ?? 400;
  const stage1Steps = integerFlag(v['stage1-steps'], 'stage1-steps', 1) ?? 800;
  const matcherSteps = integerFlag(v['matcher-steps'], 'matcher-steps', 1) ?? 600;
  const options: StackganRunOptions = {
    seed: integerFlag(v.seed, 'seed', 0) ?? 0, batchSize: integerFlag(v.batch, 'batch', 2) ?? 32, filters: integerFlag(v.filters, 'filters', 2) ?? 16,
    noiseDim: 32, conditionDim: 32,
    checkpointEvery: integerFlag(v['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(Math.max(steps, stage1Steps, matcherSteps) / 10)),
  };
  // the vocabulary from the catalogue's training names alone; the images are loaded when training starts
  const texts = emojiInSplit(readEmojiCatalogue(style, emojiRoot(style)), 'train').map(emojiText);
  const run: StackganRun = {
    format: STACKGAN_RUN.format, data: spec, matcherSteps, stage1Steps, steps, options, vocabulary: buildVocabulary(texts).words, createdAt: new Date().toISOString(),
  };
  return runTraining(startRunDir(v.out, STACKGAN_RUN, run), run, progress);
}
