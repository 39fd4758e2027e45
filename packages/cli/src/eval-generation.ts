// gantry eval of a StyleGAN or ProGAN run (docs/generation.md): n images, image i from seed 1000 + seed + i (so the
// defaults draw seeds 1000 .. 1370 as the docs' measurements do), from the averaged generator (--no-ema: the trained
// one; StyleGAN with --truncation psi), scored by core's emojiScoring (fashionScoring for a fashion-mnist run):
// Frechet and kernel distances and precision / recall against the test split of the run's emoji style in the emoji
// classifier's features (Fashion-MNIST's test split in its classifier's), beside the training split's floor. A ProGAN run is sampled at the phase its newest checkpoint is in, shown at the target side. The
// record is appended to the run's metrics.jsonl as an "eval" event (the studio plots it). A conditional run draws
// image i of the class of the test split's image i (cycling), so the fakes' classes follow the reference's.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfc from '@tensorflow/tfjs-core';
import {
  EMOJI_SIZES, emojiScoring, FASHION_PADDED_SIDE, fashionScoring, proganResolutionOf, proganSample, resolutionOf, styleganSample,
  type EmojiScore, type EmojiScoring,
} from '@gantry/core/node';
import { UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { emojiRoot, parseEmojiSpec } from './data.js';
import { isFashionSpec } from './generation-data.js';
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

interface LoadedGenerator { side: number; step: number; conditional: boolean; detail: Record<string, unknown>; draw(seeds: number[], classes?: number[]): tfc.Tensor4D }

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

/** images drawn at once: a few hundred keep a 32 px generator's activations to some hundred MB */
const DRAW_BATCH = 256;

/**
 * The scoring of a run's data (emoji of its style at the generator's side, which may be below its data's size:
 * ProGAN pools 32 px emoji for --resolution 16; or Fashion-MNIST padded to 32 px), and what the record calls it.
 */
function scoringFor(runDir: string, spec: string, side: number): { scoring: EmojiScoring; reference: string } {
  if (isFashionSpec(spec)) {
    if (side !== FASHION_PADDED_SIDE) throw new Error(`${runDir}: the generator draws ${side} px images; fashion-mnist is scored at ${FASHION_PADDED_SIDE} px`);
    const scoring = fashionScoring();
    return { scoring, reference: `fashion-mnist test split (${scoring.test.count} images evenly spaced over it, padded to ${side} px)` };
  }
  const emoji = parseEmojiSpec(spec);
  if (!emoji) throw new UsageError(`${runDir}: gantry eval scores StyleGAN and ProGAN runs on emoji (emoji:<style>) or fashion-mnist; this run's data is ${spec}`);
  if (!(EMOJI_SIZES as readonly number[]).includes(side)) throw new Error(`${runDir}: the generator draws ${side} px images; the emoji splits are scored at ${EMOJI_SIZES.join(', ')} px`);
  const scoring = emojiScoring({ style: emoji.style, size: side as (typeof EMOJI_SIZES)[number], packageRoot: emojiRoot(emoji.style) });
  return { scoring, reference: `emoji:${emoji.style}:${side} test split (${scoring.test.count} images)` };
}

/** n images in batches of DRAW_BATCH, concatenated. */
function drawAll(generator: LoadedGenerator, seeds: number[], classes?: number[]): tfc.Tensor4D {
  const parts: tfc.Tensor4D[] = [];
  for (let at = 0; at < seeds.length; at += DRAW_BATCH) parts.push(generator.draw(seeds.slice(at, at + DRAW_BATCH), classes?.slice(at, at + DRAW_BATCH)));
  if (parts.length === 1) return parts[0];
  const all = tfc.concat(parts) as tfc.Tensor4D;
  tfc.dispose(parts);
  return all;
}

const line = (label: string, s: EmojiScore) =>
  `${label.padEnd(24)} FD ${s.fd.toFixed(2).padStart(8)}   KID ${s.kid.toFixed(4).padStart(8)}   precision ${s.precision.toFixed(3)}   recall ${s.recall.toFixed(3)}`;

export async function evalGeneration(runDir: string, model: 'stylegan' | 'progan', o: GenerationEvalOptions): Promise<void> {
  const spec = model === 'stylegan' ? readStyleganRun(runDir).data : readProganRun(runDir).data;
  if (model === 'progan' && o.truncation !== 1) throw new UsageError('--truncation is for StyleGAN runs; a ProGAN run has no mapping network to truncate');
  const backend = await selectBackend();
  const generator = await loadGenerator(runDir, model, o);
  // the side comes from the generator: a StyleGAN run's spec may leave it to --image-size
  const { scoring, reference } = scoringFor(runDir, spec, generator.side);
  const n = o.n ?? scoring.test.count;
  const { labels } = scoring.test;
  if (generator.conditional && !labels) throw new Error(`${runDir} is a conditional run, and the test split has no classes to draw`);
  const classes = generator.conditional ? Array.from({ length: n }, (_, i) => labels![i % labels!.length]) : undefined;
  const images = drawAll(generator, Array.from({ length: n }, (_, i) => EVAL_SEED_BASE + o.seed + i), classes);
  try {
    assertFiniteOutput(images, `${runDir}: the generator's output at step ${generator.step}`);
    const score = scoring.score(images);
    const floor = scoring.floor();
    const which = o.averaged ? 'averaged' : 'trained';
    const record = {
      event: 'eval', step: generator.step, model, generator: which, ...generator.detail, ...(classes ? { classes: 'the test split\'s, in order' } : {}), n, seeds: `${EVAL_SEED_BASE + o.seed}..${EVAL_SEED_BASE + o.seed + n - 1}`,
      features: isFashionSpec(spec) ? 'fashion-mnist-classifier' : 'emoji-classifier', reference,
      ...score, floor, backend, time: new Date().toISOString(),
    };
    appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
    if (o.json) console.log(JSON.stringify(record, null, 2));
    else {
      console.log(`${runDir} at step ${generator.step}: ${n} images of the ${which} generator${model === 'stylegan' ? `, truncation ${o.truncation}` : ''}, ` +
        `against ${record.reference} in the ${isFashionSpec(spec) ? 'Fashion-MNIST' : 'emoji'} classifier's features`);
      console.log(line('  generator', score));
      console.log(line('  training split (floor)', floor));
    }
  } finally {
    images.dispose();
    scoring.dispose();
  }
}
