// gantry train --model pix2pix|cyclegan|discogan --data A --target B: image-to-image translation runs.
// train.ts hands its parsed flags here. A translation run directory holds what core's loop writes
// (checkpoints/, latest.json, metrics.jsonl; the checkpoint keeps the model's config) and translation.json,
// the model and the data specs that translate and a resume load again; config.json describes GAN runs
// only, so it is absent. pix2pix trains on pairs; CycleGAN and DiscoGAN on unpaired images: for emoji,
// domain A and B come from disjoint halves of the training split (unpairedHalves), for folders each
// folder is one domain, whole and unpaired.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  fileRunStore, loadImageFolder, PIX2PIX_OBJECTIVES, resumeCycleGan, resumeDiscoGan, resumePix2pix, trainCycleGan, trainDiscoGan, trainPix2pix,
  translationMetrics, unpairedHalves, writeFileAtomic, type PairedDataset, type ProgressMode, type TwoWayResult, type UnpairedImages,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, numberInRangeFlag, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { holdsRunFile, readRunFile, type RunFileKind } from './run-file.js';
import { loadPairedData, parseEmojiSpec, type LoadedPairs } from './data.js';

export const TRANSLATION_FILE = 'translation.json';
export const TRANSLATION_MODELS = ['pix2pix', 'cyclegan', 'discogan'] as const;
export type TranslationModel = (typeof TRANSLATION_MODELS)[number];
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

/** translation.json: how to load the run's pairs again. */
export interface TranslationRun {
  format: 'gantry-translation-1';
  model: TranslationModel;
  data: string;
  target: string;
  imageSize?: number;
  createdAt: string;
}

const TRANSLATION_RUN: RunFileKind = { file: TRANSLATION_FILE, format: 'gantry-translation-1', model: 'pix2pix', title: 'translation' };

export function isTranslationRun(runDir: string): boolean {
  return holdsRunFile(runDir, TRANSLATION_RUN);
}

export function readTranslationRun(runDir: string): TranslationRun {
  const run = readRunFile<TranslationRun>(runDir, TRANSLATION_RUN);
  if (!TRANSLATION_MODELS.includes(run.model)) throw new Error(`${join(runDir, TRANSLATION_FILE)}: unknown model ${JSON.stringify(run.model)}`);
  return run;
}

/** The checkpoint's model that translates in `direction`: pix2pix's one generator, or gAB / gBA. */
export function translationGeneratorName(run: TranslationRun, runDir: string, direction: 'ab' | 'ba'): string {
  if (run.model === 'pix2pix' && direction === 'ba') throw new UsageError(`${runDir} is a pix2pix run, which translates one way only (--direction ab)`);
  return run.model === 'pix2pix' ? 'generator' : direction === 'ab' ? 'gAB' : 'gBA';
}

export function loadRunPairs(run: TranslationRun): LoadedPairs {
  return loadPairedData(run.data, run.target, run.imageSize === undefined ? {} : { imageSize: run.imageSize });
}

/** A run's training images for CycleGAN and DiscoGAN, and for emoji the test pairs to score against. */
export function loadRunUnpaired(run: TranslationRun): { train: UnpairedImages; test?: PairedDataset } {
  if (parseEmojiSpec(run.data) || parseEmojiSpec(run.target)) {
    const pairs = loadRunPairs(run);
    return { train: unpairedHalves(pairs.train), test: pairs.test };
  }
  const size = run.imageSize ?? 32;
  const folder = (dir: string) => {
    try {
      return loadImageFolder(resolve(dir), { size: [size, size], channels: 3 });
    } catch (e) {
      throw new UsageError(`${dir}: ${(e as Error).message}`);
    }
  };
  return { train: { name: `${run.data} | ${run.target}`, a: folder(run.data), b: folder(run.target) } };
}

/** The pairs the other way round: B's images as sources, A's as their targets. */
export function reversedPairs(pairs: PairedDataset): PairedDataset {
  return { name: `${pairs.name} (reversed)`, source: pairs.target, target: pairs.source, names: pairs.names };
}

/** Test-split metrics, when the data has a test split (emoji); folders have none. */
function reportTestMetrics(directions: [string, Parameters<typeof translationMetrics>[0], PairedDataset][]): void {
  for (const [label, generator, pairs] of directions) {
    const m = translationMetrics(generator, pairs);
    console.error(`gantry train: test split${label} (${m.count} pairs): L1 ${m.l1.toFixed(4)}, PSNR ${m.psnr.toFixed(2)} dB, SSIM ${m.ssim.toFixed(4)}`);
  }
}

function reportTwoWay(r: TwoWayResult, test: PairedDataset | undefined): void {
  if (test) reportTestMetrics([[', A -> B', r.gAB, test], [', B -> A', r.gBA, reversedPairs(test)]]);
}

/** The options every translation model takes from train's flags (--steps, --batch, --seed, --lr-g, --lr-decay, --checkpoint-every, --sample-every). */
function commonOptions(values: Record<string, unknown>) {
  const steps = integerFlag(values.steps, 'steps', 1) ?? 3000;
  return {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0, steps, batchSize: integerFlag(values.batch, 'batch', 1),
    learningRate: positiveNumberFlag(values['lr-g'], 'lr-g'), learningRateDecay: numberInRangeFlag(values['lr-decay'], 'lr-decay', 0, 1),
    checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
    // input | output | target (pix2pix) or input | translation | back (unpaired) grids in samples/, shown by the studio
    sampleEvery: integerFlag(values['sample-every'], 'sample-every', 0) ?? Math.max(1, Math.round(steps / 10)),
  };
}

const OBJECTIVES: Record<TranslationModel, string> = {
  pix2pix: 'its loss is adversarial + 100 x L1, its networks a U-Net and a PatchGAN',
  cyclegan: 'its loss is least squares + 10 x cycle + 5 x identity, its networks ResNet generators and PatchGANs',
  discogan: 'its loss is the non-saturating GAN loss + reconstruction, its networks encoder-decoders',
};

/** gantry train --model pix2pix|cyclegan|discogan (pix2pix when only --target is given) with train's flag values (the common ones, --data, --target, --image-size, --out, --progress). */
export async function trainTranslation(values: Record<string, unknown>): Promise<void> {
  const model = values.model === undefined ? 'pix2pix' : values.model as TranslationModel;
  if (!TRANSLATION_MODELS.includes(model)) throw new UsageError(`--target is for --model ${TRANSLATION_MODELS.join(', ')}, not --model ${String(values.model)}`);
  const data = stringFlag(values.data, 'data');
  const target = stringFlag(values.target, 'target');
  if (!data || !target) {
    throw new UsageError(model === 'pix2pix'
      ? '--model pix2pix needs --data (the inputs) and --target (their targets): emoji:<style> or image folders paired by file name'
      : `--model ${model} needs --data (domain A) and --target (domain B): emoji:<style> (unpaired halves of the training split) or two image folders`);
  }
  const ignored = ['loss', 'lr-d', 'latent-dim', 'hidden', 'conditional', 'r1', 'categorical'].filter((k) => values[k] !== undefined);
  if (ignored.length) throw new UsageError(`--model ${model} does not take --${ignored[0]} (${OBJECTIVES[model]})`);
  if (model !== 'pix2pix' && values.objective !== undefined) {
    throw new UsageError(`--objective is pix2pix's ablation; --model ${model} does not take it (${OBJECTIVES[model]})`);
  }
  // pix2pix's ablation (Isola et al. 2017, table 1): the L1 term alone, the adversarial term alone, or both
  const objective = choiceFlag(values.objective, 'objective', PIX2PIX_OBJECTIVES);
  const weights = twoWayWeights(model, values);
  const options = commonOptions(values);
  const imageSize = integerFlag(values['image-size'], 'image-size', 4);
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const out = stringFlag(values.out, 'out') ?? join('runs', `${model}-${target.replace(/[^A-Za-z0-9_-]+/g, '_').slice(-30)}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(out, 'config.json')) || existsSync(join(out, 'latest.json')) || isTranslationRun(out)) {
    throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  }
  const backend = await selectBackend();
  const run: TranslationRun = { format: 'gantry-translation-1', model, data, target, imageSize, createdAt: new Date().toISOString() };
  // the data loads before anything is written, so that a bad folder leaves no half-made run behind
  const loaded = model === 'pix2pix' ? { pairs: loadRunPairs(run) } : { unpaired: loadRunUnpaired(run) };
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, TRANSLATION_FILE), `${JSON.stringify(run, null, 2)}\n`, out);
  const batch = options.batchSize === undefined ? 'the default batch' : `batch ${options.batchSize}`;
  if (loaded.pairs) {
    const { source, target: t } = loaded.pairs.train;
    console.error(`gantry train: pix2pix ${data} -> ${target} (${source.count} pairs of [${source.itemShape}] -> [${t.itemShape}]), ` +
      `objective ${objective ?? 'l1+adversarial'}, ${options.steps} steps of ${batch} on ${backend} -> ${out}`);
    const r = await trainPix2pix(loaded.pairs.train, { ...options, ...(objective ? { objective } : {}) }, { runDir: out, progress });
    if (loaded.pairs.test) reportTestMetrics([['', r.generator, loaded.pairs.test]]);
    console.error(`gantry train: done at step ${r.step}; run directory ${out}`);
    return;
  }
  const { train, test } = loaded.unpaired!;
  console.error(`gantry train: ${model} ${data} <-> ${target} (unpaired: ${train.a.count} images of [${train.a.itemShape}] in A, ${train.b.count} of ` +
    `[${train.b.itemShape}] in B), ${options.steps} steps of ${batch} on ${backend} -> ${out}`);
  const r = await (model === 'cyclegan' ? trainCycleGan : trainDiscoGan)(train, { ...options, ...weights }, { runDir: out, progress });
  reportTwoWay(r, test);
  console.error(`gantry train: done at step ${r.step}; run directory ${out}`);
}

/**
 * --cycle-weight and --identity-weight: CycleGAN's ablation (Zhu et al. 2017, table 4: 0 and 0 is "GAN alone");
 * DiscoGAN's reconstruction term is its cycle term, so --cycle-weight sets it, and it has no identity term.
 */
function twoWayWeights(model: TranslationModel, values: Record<string, unknown>): { cycleWeight?: number; identityWeight?: number; reconstructionWeight?: number } {
  const cycle = numberInRangeFlag(values['cycle-weight'], 'cycle-weight', 0, Infinity);
  const identity = numberInRangeFlag(values['identity-weight'], 'identity-weight', 0, Infinity);
  const given = cycle !== undefined ? 'cycle-weight' : identity !== undefined ? 'identity-weight' : undefined;
  if (model === 'pix2pix' && given) throw new UsageError(`--${given} is for --model cyclegan or discogan; pix2pix has no cycle (${OBJECTIVES.pix2pix})`);
  if (model === 'discogan') {
    if (identity !== undefined) throw new UsageError(`--identity-weight is for --model cyclegan; discogan has no identity term (${OBJECTIVES.discogan})`);
    return cycle === undefined ? {} : { reconstructionWeight: cycle };
  }
  return { ...(cycle === undefined ? {} : { cycleWeight: cycle }), ...(identity === undefined ? {} : { identityWeight: identity }) };
}

/** gantry train --resume RUN [--steps N] for a translation run. */
export async function resumeTranslation(runDir: string, values: Record<string, unknown>): Promise<void> {
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'steps', 'progress'].includes(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}/${TRANSLATION_FILE}); got --${extra[0]}`);
  const run = readTranslationRun(runDir);
  const steps = integerFlag(values.steps, 'steps', 1);
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const backend = await selectBackend();
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint to resume from; start it again with gantry train --model ${run.model}`);
  console.error(`gantry train: resuming ${run.model} run ${runDir} from step ${checkpoint.state.step} on ${backend}`);
  const o = { runDir, progress, ...(steps === undefined ? {} : { steps }) };
  let step: number;
  if (run.model === 'pix2pix') {
    const pairs = loadRunPairs(run);
    const r = await resumePix2pix(pairs.train, o);
    if (pairs.test) reportTestMetrics([['', r.generator, pairs.test]]);
    step = r.step;
  } else {
    const { train, test } = loadRunUnpaired(run);
    const r = await (run.model === 'cyclegan' ? resumeCycleGan : resumeDiscoGan)(train, o);
    reportTwoWay(r, test);
    step = r.step;
  }
  console.error(`gantry train: done at step ${step}; run directory ${runDir}`);
}
