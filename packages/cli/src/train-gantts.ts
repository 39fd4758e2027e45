// gantry train --model gantts [--data <corpus dir>]: GAN-TTS on espeak-ng machine speech (docs/audio.md).
// train.ts hands its parsed flags here. Without --data the corpus is runs/speech-corpus, built on first use
// (espeak-ng; progress on stderr; resumable). The run directory holds gantts.json (the corpus and options,
// which a resume reads again) beside the loop's checkpoints; gantry speak reads G and the features' meaning
// (phoneme inventory, log-F0 statistics) from the newest checkpoint. At every checkpoint G speaks a preview,
// samples/step-NNNNNN.wav, which the studio plays (from the averaged G when the run keeps one, --ema).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildCorpus, createRng, encodeWav, featureWidth, frameFeatures, HOP, isCorpus, loadCorpus, minutesOf, resumeGantts, SAMPLE_RATE, stepName, synthesize, trainGantts,
  utterancesOf, writeFileAtomic, type GanttsOptions, type LoopCallbacks, type ProgressMode, type SpeechCorpus,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, numberInRangeFlag, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { loadGenerator } from './run.js';

export const GANTTS_FILE = 'gantts.json';
export const DEFAULT_CORPUS = join('runs', 'speech-corpus');
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

interface GanttsRun { format: 'gantry-gantts-1'; data: string; steps: number; options: GanttsOptions; createdAt: string }

export const isGanttsRun = (runDir: string) => existsSync(join(runDir, GANTTS_FILE));

/** The frames G is given: a multiple of 4 (its time-folded dilated convolutions), padded with silence. */
export const paddedFrames = (frames: number) => Math.ceil(frames / 4) * 4;

// the preview speaks at most 2 s (400 frames of 5 ms) of the first held-out utterance, with noise seed 0
const PREVIEW_FRAMES = 400;

/**
 * After each checkpoint, G's speech for the features of the first held-out utterance (the first one when
 * the corpus holds none out), always with the same noise, as samples/step-NNNNNN.wav (16 kHz mono):
 * listening along the run is comparing like with like.
 */
function previewSpeech(runDir: string, corpus: SpeechCorpus): LoopCallbacks {
  const u = corpus.utterances.find((x) => x.split === 'heldout') ?? corpus.utterances[0];
  const frames = Math.min(u.track.phonemes.length, PREVIEW_FRAMES);
  const padded = paddedFrames(frames);
  const features = frameFeatures(u.track, 0, padded, corpus.inventory.length, corpus.pitch);
  return {
    async onCheckpoint({ step }) {
      const { generator } = await loadGenerator(runDir, 'generator', { averaged: true });
      try {
        const latentDim = generator.inputs[1].shape[1]!;
        const wave = synthesize(generator, features, padded, featureWidth(corpus), latentDim, createRng(0)).subarray(0, frames * HOP);
        const dir = join(runDir, 'samples');
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(join(dir, `${stepName(step)}.wav`), encodeWav({ samples: wave, sampleRate: SAMPLE_RATE }), dir);
      } finally {
        generator.dispose();
      }
    },
  };
}

/** The corpus in `dir`; the default one is built when missing (a few minutes; progress on stderr), another must exist. */
export function corpusFor(dir: string | undefined) {
  const path = dir ?? DEFAULT_CORPUS;
  if (!isCorpus(path)) {
    if (dir !== undefined && existsSync(dir)) throw new UsageError(`--data ${dir} holds no speech corpus (no corpus.json); omit --data to build the default one`);
    console.error(`gantry train: building the espeak-ng speech corpus (machine speech) in ${path}; an interrupted build resumes`);
    buildCorpus(path, { onProgress: (done, total, voice) => { if (done % 25 === 0 || done === total) console.error(`  ${done}/${total} utterances (voice ${voice})`); } });
  }
  const corpus = loadCorpus(path);
  console.error(`gantry train: corpus ${path}: ${minutesOf(utterancesOf(corpus, 'train')).toFixed(1)} min of machine speech (espeak-ng) to train on, ` +
    `${corpus.inventory.length} phonemes`);
  return corpus;
}

/** gantry train --model gantts with train's flags (--data, --steps, --batch, --seed, --lr-g, --ema, --checkpoint-every, --out, --progress). */
export async function trainGanttsRun(values: Record<string, unknown>): Promise<void> {
  const taken = ['model', 'data', 'steps', 'batch', 'seed', 'lr-g', 'ema', 'checkpoint-every', 'out', 'progress', 'config'];
  const other = Object.keys(values).find((k) => values[k] !== undefined && !taken.includes(k));
  if (other) throw new UsageError(`--model gantts does not take --${other} (docs/audio.md lists its options)`);
  const steps = integerFlag(values.steps, 'steps', 1) ?? 2000;
  const options: GanttsOptions = {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0, batchSize: integerFlag(values.batch, 'batch', 1), learningRate: positiveNumberFlag(values['lr-g'], 'lr-g'),
    emaDecay: numberInRangeFlag(values.ema, 'ema', 0.5, 0.99999),
    checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
  };
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const data = stringFlag(values.data, 'data');
  const out = stringFlag(values.out, 'out') ?? join('runs', `gantts-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(out, 'latest.json')) || isGanttsRun(out)) throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  const backend = await selectBackend();
  const corpus = corpusFor(data);
  const run: GanttsRun = { format: 'gantry-gantts-1', data: data ?? DEFAULT_CORPUS, steps, options, createdAt: new Date().toISOString() };
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, GANTTS_FILE), `${JSON.stringify(run, null, 2)}\n`, out);
  console.error(`gantry train: GAN-TTS, ${steps} steps on ${backend} -> ${out}`);
  const r = await trainGantts(corpus, { ...options, steps }, { runDir: out, progress, callbacks: previewSpeech(out, corpus) });
  console.error(`gantry train: done at step ${r.step}; speak with gantry speak ${out} --text "..." --out a.wav`);
}

/** gantry train --resume RUN [--steps N] for a GAN-TTS run. */
export async function resumeGanttsRun(runDir: string, values: Record<string, unknown>): Promise<void> {
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'steps', 'progress'].includes(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}/${GANTTS_FILE}); got --${extra[0]}`);
  const saved = JSON.parse(readFileSync(join(runDir, GANTTS_FILE), 'utf8')) as GanttsRun;
  if (saved.format !== 'gantry-gantts-1') throw new Error(`${join(runDir, GANTTS_FILE)}: unknown format ${JSON.stringify(saved.format)}`);
  const steps = integerFlag(values.steps, 'steps', 1) ?? saved.steps;
  if (steps !== saved.steps) writeFileAtomic(join(runDir, GANTTS_FILE), `${JSON.stringify({ ...saved, steps }, null, 2)}\n`, runDir);
  const backend = await selectBackend();
  const corpus = corpusFor(saved.data);
  console.error(`gantry train: resuming GAN-TTS run ${runDir} to step ${steps} on ${backend}`);
  const r = await resumeGantts(corpus, { runDir, steps, progress: choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto', callbacks: previewSpeech(runDir, corpus) });
  console.error(`gantry train: done at step ${r.step}; run directory ${runDir}`);
}
