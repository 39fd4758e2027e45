// gantry train --model srgan --data <emoji:style|dir>: SRGAN x4 (docs/translation.md#srgan). train.ts hands its
// parsed flags here. The run directory holds srgan.json (the data spec and options, which upscale and a
// resume load again) and two loop runs: srresnet/ (phase 1, SRResNet on MSE, --pretrain-steps) and srgan/
// (phase 2, the adversarial fine-tuning of phase 1's G, --steps). The data are the high-resolution
// images (64 px, the content network's input); the low-resolution inputs are their 4 x 4 area averages.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  contentNetwork, fileRunStore, loadEmoji, readClassifierJson, resolveSrganOptions, resumeSrgan, resumeSrResNet, superResolutionPairs, superResolutionScores,
  trainSrgan, trainSrResNet, upsampleDataset, upscaleImages, writeFileAtomic, type PairedDataset, type ProgressMode, type SrganOptions,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, numberInRangeFlag, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { holdsRunFile, readRunFile, resumedRun, type RunFileKind } from './run-file.js';
import { emojiRoot, loadPairedData, parseEmojiSpec } from './data.js';
import { loadGenerator } from './run.js';

export const SRGAN_FILE = 'srgan.json';
/** The high-resolution side: the emoji classifier whose features the content loss compares takes 64 x 64 images. */
export const SRGAN_SIZE = 64;
export const SRGAN_SCALE = 4;
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

/** srgan.json: how to load the run's images again, and the options of both phases. */
export interface SrganRun {
  format: 'gantry-srgan-1';
  data: string;
  pretrainSteps: number;
  steps: number;
  options: SrganOptions;
  /** phase 2's learning rate (absent in runs from before it had its own: those used options.learningRate) */
  finetuneLearningRate?: number;
  createdAt: string;
}

/**
 * Phase 2's rate when neither --lr-finetune nor --lr-g is given: on emoji (seed 0, docs/translation.md#srgan)
 * 3e-5 kept SRResNet's PSNR and FD where the paper's 1e-4 tripled FD within 250 steps.
 */
export const SRGAN_FINETUNE_RATE = 3e-5;

const SRGAN_RUN: RunFileKind = { file: SRGAN_FILE, format: 'gantry-srgan-1', model: 'srgan', title: 'SRGAN', article: 'an' };

export function isSrganRun(runDir: string): boolean {
  return holdsRunFile(runDir, SRGAN_RUN);
}

export function readSrganRun(runDir: string): SrganRun {
  return readRunFile<SrganRun>(runDir, SRGAN_RUN);
}

/** emoji:<style> (64 px; the fixed split) or a folder of images resized to 64 x 64, as x4 pairs; names kept. */
export function loadSrganPairs(data: string): { train: PairedDataset; test?: PairedDataset } {
  const emoji = parseEmojiSpec(data, SRGAN_SIZE);
  if (emoji) {
    const load = (split: 'train' | 'test') => {
      const { dataset, images } = loadEmoji({ style: emoji.style, size: SRGAN_SIZE, split, packageRoot: emojiRoot(emoji.style) });
      return superResolutionPairs(dataset, SRGAN_SCALE, images.map((e) => e.image));
    };
    return { train: load('train'), test: load('test') };
  }
  const folder = loadPairedData(data, data, { imageSize: SRGAN_SIZE }).train;
  return { train: superResolutionPairs(folder.target, SRGAN_SCALE, folder.names) };
}

/** The run's content network: the emoji classifier cut after the run's layer (default conv3). */
export function runContentNetwork(run: SrganRun) {
  return contentNetwork(readClassifierJson('emoji'), run.options.contentLayer);
}

export const phaseDirs = (runDir: string) => ({ mse: join(runDir, 'srresnet'), gan: join(runDir, 'srgan') });

/** PSNR / SSIM of bicubic, SRResNet and SRGAN on the test split (emoji only). */
async function reportTest(runDir: string, test: PairedDataset | undefined): Promise<void> {
  if (!test) return;
  const dirs = phaseDirs(runDir);
  const rows: [string, () => Promise<tf.Tensor4D>][] = [['bicubic', async () => upsampleDataset(test.source, SRGAN_SCALE, 'bicubic')]];
  for (const [name, dir] of [['SRResNet', dirs.mse], ['SRGAN', dirs.gan]] as const) {
    if (!(await fileRunStore(dir).loadLatestCheckpoint())) continue;
    rows.push([name, async () => {
      const { generator } = await loadGenerator(dir);
      try { return upscaleImages(generator, test.source); } finally { generator.dispose(); }
    }]);
  }
  for (const [name, make] of rows) {
    const output = await make();
    const s = superResolutionScores(output, test);
    output.dispose();
    console.error(`gantry train: test split (${s.count} images), ${name}: PSNR ${s.psnr.toFixed(2)} dB, SSIM ${s.ssim.toFixed(4)}, L1 ${s.l1.toFixed(4)}`);
  }
}

/** Phase 1 to its steps (from its checkpoint when it has one), then phase 2 from phase 1's G (or its own checkpoint). */
async function runPhases(runDir: string, run: SrganRun, pairs: PairedDataset, progress: ProgressMode): Promise<number> {
  const dirs = phaseDirs(runDir);
  const content = runContentNetwork(run);
  try {
    const gan = await fileRunStore(dirs.gan).loadLatestCheckpoint();
    if (gan) return (await resumeSrgan(pairs, content, { runDir: dirs.gan, steps: run.steps, progress })).step;
    const mseOptions = { ...run.options, steps: run.pretrainSteps };
    const mse = await fileRunStore(dirs.mse).loadLatestCheckpoint();
    console.error(`gantry train: phase 1, SRResNet on MSE, ${mse ? `from step ${mse.state.step} ` : ''}to step ${run.pretrainSteps} -> ${dirs.mse}`);
    const pre = mse ? await resumeSrResNet(pairs, { runDir: dirs.mse, steps: run.pretrainSteps, progress }) : await trainSrResNet(pairs, mseOptions, { runDir: dirs.mse, progress });
    if (pre.stopped) return pre.step;
    const finetune = { ...run.options, steps: run.steps, learningRate: run.finetuneLearningRate ?? run.options.learningRate };
    const o = resolveSrganOptions(finetune);
    console.error(`gantry train: phase 2, SRGAN (${o.contentWeight} x content in the emoji classifier's ${content.layer} features + ${o.adversarialWeight} x adversarial` +
      ` + ${o.pixelWeight} x pixel MSE, learning rate ${o.learningRate}), ${run.steps} steps -> ${dirs.gan}`);
    const r = await trainSrgan(pairs, finetune, content, pre.generator, { runDir: dirs.gan, progress });
    pre.generator.dispose();
    return r.step;
  } finally {
    content.dispose();
  }
}

/** gantry train --model srgan with train's flag values (--data, --steps, --pretrain-steps, --batch, --seed, --lr-g, --lr-finetune, --lr-decay, --checkpoint-every, --out, --progress). */
export async function trainSrganRun(values: Record<string, unknown>): Promise<void> {
  const ignored = ['loss', 'lr-d', 'latent-dim', 'hidden', 'conditional', 'r1', 'categorical', 'sample-every', 'target', 'labels', 'method', 'minibatch']
    .filter((k) => values[k] !== undefined);
  if (ignored.length) throw new UsageError(`--model srgan does not take --${ignored[0]} (docs/translation.md#srgan lists its options)`);
  const data = stringFlag(values.data, 'data');
  if (!data) throw new UsageError('--model srgan needs --data: emoji:<style> or a folder of high-resolution images (resized to 64 x 64)');
  const imageSize = integerFlag(values['image-size'], 'image-size', 4);
  if (imageSize !== undefined && imageSize !== SRGAN_SIZE) throw new UsageError(`--model srgan trains on ${SRGAN_SIZE} px images (16 -> 64), not --image-size ${imageSize}`);
  const steps = integerFlag(values.steps, 'steps', 1) ?? 1000;
  const pretrainSteps = integerFlag(values['pretrain-steps'], 'pretrain-steps', 1) ?? 2000;
  const options: SrganOptions = {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0, batchSize: integerFlag(values.batch, 'batch', 1), learningRate: positiveNumberFlag(values['lr-g'], 'lr-g'),
    learningRateDecay: numberInRangeFlag(values['lr-decay'], 'lr-decay', 0, 1),
    checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(Math.max(steps, pretrainSteps) / 10)),
  };
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const out = stringFlag(values.out, 'out') ?? join('runs', `srgan-${data.replace(/[^A-Za-z0-9_-]+/g, '_').slice(-30)}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(out, 'config.json')) || existsSync(join(out, 'latest.json')) || isSrganRun(out)) {
    throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  }
  const backend = await selectBackend();
  // the data load before anything is written, so that a bad folder leaves no half-made run behind
  const { train, test } = loadSrganPairs(data);
  // --lr-g alone keeps its old meaning (both phases); without either flag phase 2 takes its own, lower default
  const finetuneLearningRate = positiveNumberFlag(values['lr-finetune'], 'lr-finetune') ?? options.learningRate ?? SRGAN_FINETUNE_RATE;
  const run: SrganRun = { format: 'gantry-srgan-1', data, pretrainSteps, steps, options, finetuneLearningRate, createdAt: new Date().toISOString() };
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, SRGAN_FILE), `${JSON.stringify(run, null, 2)}\n`, out);
  console.error(`gantry train: SRGAN x${SRGAN_SCALE} on ${data} (${train.source.count} pairs of [${train.source.itemShape}] -> [${train.target.itemShape}]), ` +
    `${pretrainSteps} + ${steps} steps on ${backend} -> ${out}`);
  const step = await runPhases(out, run, train, progress);
  await reportTest(out, test);
  console.error(`gantry train: done at step ${step}; upscale with gantry upscale ${out} --input <png|folder|emoji:style> --out <png|folder>`);
}

/** gantry train --resume RUN [--steps N] for an SRGAN run: N is phase 2's total. */
export async function resumeSrganRun(runDir: string, values: Record<string, unknown>): Promise<void> {
  const { run } = resumedRun<SrganRun>({ ...values, resume: runDir }, SRGAN_RUN);
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const backend = await selectBackend();
  const { train, test } = loadSrganPairs(run.data);
  console.error(`gantry train: resuming SRGAN run ${runDir} on ${backend}`);
  const step = await runPhases(runDir, run, train, progress);
  await reportTest(runDir, test);
  console.error(`gantry train: done at step ${step}; run directory ${runDir}`);
}
