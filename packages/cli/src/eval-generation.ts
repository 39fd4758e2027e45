// gantry eval of a StyleGAN or ProGAN run (docs/generation.md): n images, image i from seed 1000 + seed + i (so the
// defaults draw seeds 1000 .. 1370 as the docs' measurements do), from the averaged generator (--no-ema: the trained
// one; StyleGAN with --truncation psi), scored by core's emojiScoring: Frechet and kernel distances and precision /
// recall against the test split of the run's emoji style in the emoji classifier's features, beside the training
// split's floor. A ProGAN run is sampled at the phase its newest checkpoint is in, shown at the target side. The
// record is appended to the run's metrics.jsonl as an "eval" event (the studio plots it). A conditional run draws
// image i of the class of the test split's image i (cycling), so the fakes' classes follow the reference's.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import {
  EMOJI_SIZES, emojiScoring, proganResolutionOf, proganSample, resolutionOf, styleganSample, type EmojiScore, type EmojiSize, type EmojiStyle,
} from '@gantry/core/node';
import { UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { emojiRoot, parseEmojiSpec } from './data.js';
import { assertFiniteOutput } from './run.js';
import { loadProganGenerator, readProganRun } from './train-progan.js';
import { loadStyleGenerator, readStyleganRun } from './train-stylegan.js';

/** The first seed eval draws (plus --seed): the seeds of the docs' measurements (examples/generation). */
export const EVAL_SEED_BASE = 1000;

export interface GenerationEvalOptions {
  /** samples (default: as many as the test split has) */
  n?: number;
  seed: number;
  /** the averaged (EMA) generator, or the trained one */
  averaged: boolean;
  /** StyleGAN's truncation psi in (0, 1] */
  truncation: number;
  json: boolean;
}

interface LoadedGenerator { side: number; step: number; conditional: boolean; detail: Record<string, unknown>; draw(seeds: number[], classes?: number[]): tf.Tensor4D }

/** The run's newest checkpoint's generator (either copy), its side, and what the record says of how it draws. */
async function loadGenerator(runDir: string, model: 'stylegan' | 'progan', o: GenerationEvalOptions): Promise<LoadedGenerator> {
  if (model === 'stylegan') {
    const { generator, step, numClasses } = await loadStyleGenerator(runDir, o.averaged);
    return {
      side: resolutionOf(generator), step, conditional: Boolean(numClasses), detail: { truncation: o.truncation },
      draw: (seeds, classes) => styleganSample(generator, seeds, { psi: o.truncation, classIndex: classes }),
    };
  }
  const { generator, phase, step, numClasses } = await loadProganGenerator(runDir, o.averaged);
  return {
    side: proganResolutionOf(generator), step, conditional: Boolean(numClasses), detail: { resolution: phase.resolution, alpha: phase.alpha },
    draw: (seeds, classes) => proganSample(generator, seeds, phase, classes),
  };
}

/**
 * The emoji style of a run's data spec and the generator's side, at which the splits are loaded (a run may train
 * below its data's size: ProGAN pools 32 px emoji for --resolution 16).
 */
function scoredData(runDir: string, spec: string, side: number): { style: EmojiStyle; size: EmojiSize } {
  const emoji = parseEmojiSpec(spec);
  if (!emoji) throw new UsageError(`${runDir}: gantry eval scores StyleGAN and ProGAN runs on emoji (emoji:<style>); this run's data is ${spec}`);
  if (!(EMOJI_SIZES as readonly number[]).includes(side)) throw new Error(`${runDir}: the generator draws ${side} px images; the emoji splits are scored at ${EMOJI_SIZES.join(', ')} px`);
  return { style: emoji.style, size: side as EmojiSize };
}

const line = (label: string, s: EmojiScore) =>
  `${label.padEnd(24)} FD ${s.fd.toFixed(2).padStart(8)}   KID ${s.kid.toFixed(4).padStart(8)}   precision ${s.precision.toFixed(3)}   recall ${s.recall.toFixed(3)}`;

export async function evalGeneration(runDir: string, model: 'stylegan' | 'progan', o: GenerationEvalOptions): Promise<void> {
  const spec = model === 'stylegan' ? readStyleganRun(runDir).data : readProganRun(runDir).data;
  if (model === 'progan' && o.truncation !== 1) throw new UsageError('--truncation is for StyleGAN runs; a ProGAN run has no mapping network to truncate');
  const backend = await selectBackend();
  const generator = await loadGenerator(runDir, model, o);
  // the side comes from the generator: a StyleGAN run's spec may leave it to --image-size
  const data = scoredData(runDir, spec, generator.side);
  const scoring = emojiScoring({ ...data, packageRoot: emojiRoot(data.style) });
  const n = o.n ?? scoring.test.count;
  const { labels } = scoring.test;
  if (generator.conditional && !labels) throw new Error(`${runDir} is a conditional run, and the emoji test split has no classes to draw`);
  const classes = generator.conditional ? Array.from({ length: n }, (_, i) => labels![i % labels!.length]) : undefined;
  const images = generator.draw(Array.from({ length: n }, (_, i) => EVAL_SEED_BASE + o.seed + i), classes);
  try {
    assertFiniteOutput(images, `${runDir}: the generator's output at step ${generator.step}`);
    const score = scoring.score(images);
    const floor = scoring.floor();
    const which = o.averaged ? 'averaged' : 'trained';
    const record = {
      event: 'eval', step: generator.step, model, generator: which, ...generator.detail, ...(classes ? { classes: 'the test split\'s, in order' } : {}), n, seeds: `${EVAL_SEED_BASE + o.seed}..${EVAL_SEED_BASE + o.seed + n - 1}`,
      features: 'emoji-classifier', reference: `emoji:${data.style}:${data.size} test split (${scoring.test.count} images)`,
      ...score, floor, backend, time: new Date().toISOString(),
    };
    appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
    if (o.json) console.log(JSON.stringify(record, null, 2));
    else {
      console.log(`${runDir} at step ${generator.step}: ${n} images of the ${which} generator${model === 'stylegan' ? `, truncation ${o.truncation}` : ''}, ` +
        `against ${record.reference} in the emoji classifier's features`);
      console.log(line('  generator', score));
      console.log(line('  training split (floor)', floor));
    }
  } finally {
    images.dispose();
    scoring.dispose();
  }
}
