// gantry train --model pix2pix --data A --target B: image-to-image translation runs. train.ts hands its
// parsed flags here. A translation run directory holds what core's loop writes (checkpoints/,
// latest.json, metrics.jsonl; the checkpoint keeps pix2pix's config) and translation.json, the data
// specs that translate and a resume load again; config.json describes GAN runs only, so it is absent.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fileRunStore, resumePix2pix, trainPix2pix, translationMetrics, writeFileAtomic, type PairedDataset, type Pix2pixOptions, type ProgressMode,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, numberInRangeFlag, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { loadPairedData, type LoadedPairs } from './data.js';

export const TRANSLATION_FILE = 'translation.json';
export const TRANSLATION_MODELS = ['pix2pix'] as const;
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

/** translation.json: how to load the run's pairs again. */
export interface TranslationRun {
  format: 'gantry-translation-1';
  model: (typeof TRANSLATION_MODELS)[number];
  data: string;
  target: string;
  imageSize?: number;
  createdAt: string;
}

export function isTranslationRun(runDir: string): boolean {
  return existsSync(join(runDir, TRANSLATION_FILE));
}

export function readTranslationRun(runDir: string): TranslationRun {
  const path = join(runDir, TRANSLATION_FILE);
  if (!existsSync(path)) throw new UsageError(`${runDir} is not a translation run (no ${TRANSLATION_FILE}; train one with gantry train --model pix2pix)`);
  const run = JSON.parse(readFileSync(path, 'utf8')) as TranslationRun;
  if (run.format !== 'gantry-translation-1' || !TRANSLATION_MODELS.includes(run.model)) throw new Error(`${path}: unknown format or model`);
  return run;
}

export function loadRunPairs(run: TranslationRun): LoadedPairs {
  return loadPairedData(run.data, run.target, run.imageSize === undefined ? {} : { imageSize: run.imageSize });
}

/** Test-split metrics, when the data has a test split (emoji); folders have none. */
function reportTestMetrics(generator: Parameters<typeof translationMetrics>[0], test: PairedDataset | undefined): void {
  if (!test) return;
  const m = translationMetrics(generator, test);
  console.error(`gantry train: test split (${m.count} pairs): L1 ${m.l1.toFixed(4)}, PSNR ${m.psnr.toFixed(2)} dB, SSIM ${m.ssim.toFixed(4)}`);
}

/** gantry train --model pix2pix (or any --target) with train's flag values (--data, --target, --steps, --batch, --seed, --lr-g, --lr-decay, --image-size, --checkpoint-every, --out, --progress). */
export async function trainTranslation(values: Record<string, unknown>): Promise<void> {
  if (values.model !== undefined && values.model !== 'pix2pix') throw new UsageError(`--target is for --model pix2pix, not --model ${String(values.model)}`);
  const data = stringFlag(values.data, 'data');
  const target = stringFlag(values.target, 'target');
  if (!data || !target) throw new UsageError('--model pix2pix needs --data (the inputs) and --target (their targets): emoji:<style> or image folders paired by file name');
  const ignored = ['loss', 'lr-d', 'latent-dim', 'hidden', 'conditional', 'r1', 'categorical', 'sample-every'].filter((k) => values[k] !== undefined);
  if (ignored.length) throw new UsageError(`--model pix2pix does not take --${ignored[0]} (its loss is adversarial + 100 x L1, its networks a U-Net and a PatchGAN)`);
  const steps = integerFlag(values.steps, 'steps', 1) ?? 3000;
  const imageSize = integerFlag(values['image-size'], 'image-size', 4);
  const options: Pix2pixOptions = {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0, steps, batchSize: integerFlag(values.batch, 'batch', 1) ?? 1,
    learningRate: positiveNumberFlag(values['lr-g'], 'lr-g'), learningRateDecay: numberInRangeFlag(values['lr-decay'], 'lr-decay', 0, 1),
    checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
  };
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const out = stringFlag(values.out, 'out') ?? join('runs', `pix2pix-${target.replace(/[^A-Za-z0-9_-]+/g, '_').slice(-30)}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(out, 'config.json')) || existsSync(join(out, 'latest.json')) || isTranslationRun(out)) {
    throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  }
  const backend = await selectBackend();
  const run: TranslationRun = { format: 'gantry-translation-1', model: 'pix2pix', data, target, imageSize, createdAt: new Date().toISOString() };
  const pairs = loadRunPairs(run);
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, TRANSLATION_FILE), `${JSON.stringify(run, null, 2)}\n`, out);
  const { source, target: t } = pairs.train;
  console.error(`gantry train: pix2pix ${data} -> ${target} (${source.count} pairs of [${source.itemShape}] -> [${t.itemShape}]), ` +
    `${steps} steps of batch ${options.batchSize} on ${backend} -> ${out}`);
  const r = await trainPix2pix(pairs.train, options, { runDir: out, progress });
  reportTestMetrics(r.generator, pairs.test);
  console.error(`gantry train: done at step ${r.step}; run directory ${out}`);
}

/** gantry train --resume RUN [--steps N] for a translation run. */
export async function resumeTranslation(runDir: string, values: Record<string, unknown>): Promise<void> {
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'steps', 'progress'].includes(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}/${TRANSLATION_FILE}); got --${extra[0]}`);
  const run = readTranslationRun(runDir);
  const steps = integerFlag(values.steps, 'steps', 1);
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const backend = await selectBackend();
  const pairs = loadRunPairs(run);
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint to resume from; start it again with gantry train --model pix2pix`);
  console.error(`gantry train: resuming ${runDir} from step ${checkpoint.state.step} on ${backend}`);
  const r = await resumePix2pix(pairs.train, { runDir, progress, ...(steps === undefined ? {} : { steps }) });
  reportTestMetrics(r.generator, pairs.test);
  console.error(`gantry train: done at step ${r.step}; run directory ${runDir}`);
}
