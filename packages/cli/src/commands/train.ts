// gantry train: builds data, models and a GanConfig from flags (or a JSON/YAML config file), then runs
// core's trainer into a run directory; --resume continues one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parse as parseYaml } from 'yaml';
import {
  createRng, DIFF_AUGMENT_TRANSFORMS, fileRunStore, LOSS_NAMES, TRAINING_DEFAULTS, OPTIMIZER_PRESETS, optimizerSpecsForLoss, RUN_FORMAT, resumeGan, trainGan, writeImageGrid, type DataSource, type GanConfig, type ProgressMode,
  type RunConfig,
} from '@gantry/core/node';
import {
  choiceFlag, command, integerFlag, numberInRangeFlag, parseFlags, positiveNumberFlag, stringFlag, UsageError, type Parsed,
} from '../args.js';
import { selectBackend } from '../backend.js';
import { categoricalFlag } from '../csv-input.js';
import { BUILTIN_DATA, loadData, reloadData, type LoadedData } from '../data.js';
import { buildModels, defaultPreset, flattensData, MODEL_PRESETS, type ModelPreset } from '../models.js';
import { FAKE_RGB, plotRangeOf, scatterPng, REAL_RGB } from '../plot.js';
import { DISTRIBUTED_OPTIONS, DISTRIBUTED_USAGE, launchRanks, rankFromEnv, replicasFromEnv, requireSingleProcess } from '../distributed.js';
import { readRunConfig, writeRunConfig } from '../run.js';
import { isSslRun, resumeSslRun, trainSslRun } from '../train-ssl.js';
import { isSrganRun, resumeSrganRun, trainSrganRun } from '../train-srgan.js';
import { styleganTrain, styleganTrainRequest } from '../train-stylegan.js';
import { proganTrain, proganTrainRequest } from '../train-progan.js';
import { stackganTrain, stackganTrainRequest } from '../train-stackgan.js';
import { isGanttsRun, resumeGanttsRun, trainGanttsRun } from '../train-gantts.js';
import { isVideoRun, resumeVideoRun, trainVideoRun } from '../train-video.js';
import { isTranslationRun, resumeTranslation, trainTranslation, TRANSLATION_MODELS } from '../train-translation.js';

const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];

const usage = `usage: gantry train --data <name|path> [options]
       gantry train --config <file.json|file.yaml> [options]
       gantry train --resume <run-dir> [--steps <total>]

Trains a GAN and writes a run directory: config.json, metrics.jsonl, checkpoints/, samples/.

options:
  --data <d>            ${BUILTIN_DATA.join(', ')} (emoji:<style>:32 or :16 for
                        smaller emoji; the fixed train split); or a .csv file (numeric columns standardised,
                        categorical ones one-hot; rows with missing cells skipped),
                        an IDX file, or a folder of images (subfolders = classes)
  --model <m>           ${MODEL_PRESETS.join(', ')} (default: dcgan for 28/32/64 px images when available, else mlp),
                        or pix2pix, cyclegan, discogan with --target <emoji:style|dir> (image-to-image translation;
                        docs/translation.md; pix2pix takes --objective l1|adversarial|l1+adversarial, the
                        paper's ablation, default l1+adversarial; cyclegan takes --cycle-weight w (default 10)
                        and --identity-weight w (default 5), 0 and 0 being the paper's "GAN alone"; discogan
                        --cycle-weight, its reconstruction weight, default 1),
                        or ssl with --labels <n> [--method gan|supervised|pseudo-label] [--minibatch <kernels>]
                        (a semi-supervised classifier; docs/ssl.md)
                        or srgan: x4 super-resolution of emoji:<style> or a folder (16 -> 64 px; SRResNet on MSE
                        for --pretrain-steps, default 2000, then SRGAN for --steps, default 1000, at
                        --lr-finetune, default 3e-5 (--lr-g alone sets both phases);
                        gantry upscale uses it; docs/translation.md#srgan)
                        or stylegan with --data emoji:<style>[:16|:32|:64] (default 32) or fashion-mnist
                        (padded to 32 x 32 RGB) [--augment diff]
                        [--mixing p] [--r1 gamma] [--r1-every k] [--mode adain|modulated]: StyleGAN with
                        an averaged G (gantry sample --truncation, mix, interpolate; docs/generation.md)
                        or progan with --data emoji:<style>[:16|:32|:64] (default 32) or fashion-mnist
                        (padded to 32 x 32 RGB) [--augment diff]
                        [--phase-steps n] [--fade-fraction f] [--resolution r]: ProGAN growing from 4 px
                        with fade-in, WGAN-GP + drift, an averaged G (gantry sample; docs/generation.md)
                        or stackgan with --data emoji:<style> [--matcher-steps m] [--stage1-steps s] [--filters f]:
                        text -> 64 px emoji from their names (a text encoder, stage I at 16 px for s steps,
                        stage II at 64 px for --steps; gantry sample --text; docs/stackgan.md)
                        or gantts: GAN-TTS on espeak-ng machine speech (--data <corpus dir>, default
                        runs/speech-corpus, built on first use; [--ema d]; gantry speak uses it; docs/audio.md)
                        or video with --data moving-mnist [--loss mse|adversarial|adversarial+gdl]
                        [--image-size 32|64]: next-frame prediction, 10 frames in, 10 out (default 3000
                        steps at 32 px; gantry predict uses it; docs/video.md)
  --loss <l>            ${LOSS_NAMES.join(', ')} (default nonsaturating)
  --steps <n>           generator steps (default: 2500 for 2D, 2000 tables, 3000 images)
  --batch <n>           batch size (default: 256 for 2D, 128 tables, 64 images)
  --lr-g <x>, --lr-d <x> Adam learning rates (default: 1e-3 for 2D and tables, 2e-4 images; WGAN: RMSprop 5e-5)
  --lr-decay <f>        both rates fall linearly to 0 over the last fraction f of the run (default 0.4 for 2D, else 0)
  --r1 <gamma>          R1 penalty on real data (default 1 for 2D with a non-Wasserstein loss, else 0)
  --augment diff|none   DiffAugment (colour, translation, cutout) of D's inputs, image data (default none)
  --ema <decay>         keep an averaged generator (EMA of G's weights, e.g. 0.999), which sample and eval use
                        (gantts: speak and the checkpoints' preview WAVs use it)
  --seed <n>            random seed (default 0); the same seed gives the same run
  --latent-dim <n>      size of z (default: 2 for 2D, 16 tables, 64 images)
  --hidden <a,b,..>     MLP hidden widths (default 128,128; 256,512 for images)
  --conditional         class-conditional G and D (labelled data only)
  --image-size <n>      image folders are resized to n x n (default 32); emoji: 64 (default), 32 or 16
  --categorical <a,b>   CSV data: read these columns as categories even if they hold numbers
  --out <dir>           run directory (default runs/<data>-<loss>-<time>); must not hold a run
  --resume <dir>        continue the run in <dir> from its newest checkpoint
  --sample-every <n>    write a sample grid every n steps (default: about 10 per run)
  --checkpoint-every <n> checkpoint every n steps (default: steps/10)
  --progress <p>        ${PROGRESS.join(', ')} (default auto: a bar on a terminal)
  --config <file>       JSON or YAML with any of these options (camelCase or kebab-case keys);
                        flags given on the command line win
${DISTRIBUTED_USAGE}

examples:
  gantry train --data ring8 --loss wgan-gp --steps 3000 --out runs/ring
  gantry train --data fashion-mnist --steps 5000 --out runs/fashion
  gantry train --data ../shared/datasets/letter.csv --out runs/letter
  gantry train --resume runs/ring --steps 6000`;

const options = {
  config: { type: 'string' }, data: { type: 'string' }, model: { type: 'string' }, loss: { type: 'string' },
  steps: { type: 'string' }, batch: { type: 'string' }, 'lr-g': { type: 'string' }, 'lr-d': { type: 'string' },
  seed: { type: 'string' }, 'latent-dim': { type: 'string' }, hidden: { type: 'string' }, conditional: { type: 'boolean' },
  'image-size': { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, 'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' }, progress: { type: 'string' }, 'lr-decay': { type: 'string' }, r1: { type: 'string' },
  categorical: { type: 'string' }, target: { type: 'string' }, ...DISTRIBUTED_OPTIONS, labels: { type: 'string' }, method: { type: 'string' }, minibatch: { type: 'string' },
  'pretrain-steps': { type: 'string' }, 'lr-finetune': { type: 'string' }, 'sync-batch-norm': { type: 'boolean' }, objective: { type: 'string' },
  'cycle-weight': { type: 'string' }, 'identity-weight': { type: 'string' }, augment: { type: 'string' }, ema: { type: 'string' },
} as const;

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Config-file values under flag names; command-line flags override them. */
function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`--config: cannot read ${path}: ${(e as Error).message}`); }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`--config ${path}: expected a mapping of option names to values`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const name = kebab(k);
    if (!(name in options) || name === 'config' || name === 'resume') {
      throw new UsageError(`--config ${path}: unknown option "${k}" (accepted: ${Object.keys(options).filter((o) => o !== 'config' && o !== 'resume').join(', ')})`);
    }
    out[name] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

function hiddenFlag(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--hidden must be comma-separated positive integers such as 128,128; got ${JSON.stringify(v)}`);
  }
  return parts;
}

/** 2D and flattened-image runs draw their own sample pictures (the run store only tiles N x H x W x C). */
function sampleWriter(runDir: string, config: RunConfig, real: Float32Array | undefined) {
  return async ({ step, images }: { step: number; images: tf.Tensor }) => {
    const path = join(runDir, 'samples', `step-${String(step).padStart(6, '0')}.png`);
    if (config.data.kind === 'image' && config.model.flatten) {
      writeImageGrid(path, tf.tidy(() => tf.reshape(images, [images.shape[0], ...config.data.itemShape])), { scale: 2 });
    } else if (config.data.kind !== 'image' && config.plot) {
      mkdirSync(join(runDir, 'samples'), { recursive: true });
      const fake = (await images.data()) as Float32Array;
      const columns = images.shape[1] ?? 2;
      const xy = columns === 2 ? fake : Float32Array.from({ length: 2 * images.shape[0] }, (_, i) => fake[Math.floor(i / 2) * columns + (i % 2)]);
      writeFileSync(path, scatterPng([...(real ? [{ points: real, rgb: REAL_RGB }] : []), { points: xy, rgb: FAKE_RGB }], config.plot));
    }
  };
}

function realPreview(data: LoadedData, config: RunConfig): Float32Array | undefined {
  if (config.data.kind === 'image') return undefined;
  const x = data.source.sampleBatch(createRng(config.train.seed + 12345), 512).x;
  const values = x.dataSync() as Float32Array;
  const cols = x.shape[1] ?? 2;
  x.dispose();
  return cols === 2 ? values : Float32Array.from({ length: 1024 }, (_, i) => values[Math.floor(i / 2) * cols + (i % 2)]);
}

function ganConfig(c: RunConfig): GanConfig {
  return {
    loss: c.train.loss,
    latentDim: c.model.latentDim,
    seed: c.train.seed,
    batchSize: c.train.batch,
    numClasses: c.model.conditional ? c.data.numClasses : undefined,
    optimizers: optimizerSpecsForLoss(c.train.loss, { generator: c.train.lrG, discriminator: c.train.lrD }),
    penalty: c.train.r1 ? { kind: 'r1', weight: c.train.r1 } : undefined,
    sampleEvery: c.train.sampleEvery,
    sampleCount: c.data.kind === 'image' ? 64 : 512,
    checkpointEvery: c.train.checkpointEvery,
    learningRateDecay: c.train.lrDecay,
    syncBatchNorm: c.train.syncBatchNorm,
    augment: c.train.augment,
    emaDecay: c.train.ema,
    logEvery: Math.max(1, Math.min(10, Math.floor(c.train.steps / 50))),
  };
}

/**
 * The spread of 2D data (root mean square deviation over both axes, 2 decimals). Nets that work at unit
 * scale and are rescaled by it covered 23.2 instead of 20.4 grid25 modes (docs/mode-collapse.md).
 */
function spreadOf(source: DataSource, seed: number): number {
  const x = source.sampleBatch(createRng(seed + 777), 4096).x;
  const values = x.dataSync();
  x.dispose();
  const n = values.length / 2;
  let spread = 0;
  for (const axis of [0, 1]) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[2 * i + axis] / n;
    for (let i = 0; i < n; i++) spread += (values[2 * i + axis] - mean) ** 2 / (2 * n);
  }
  return Math.max(0.01, Math.round(Math.sqrt(spread) * 100) / 100);
}

function flattenSource(source: DataSource, size: number): DataSource {
  return {
    size: source.size,
    sampleBatch(rng, n) {
      const b = source.sampleBatch(rng, n);
      const x = tf.reshape(b.x, [b.x.shape[0], size]);
      b.x.dispose();
      return { x, labels: b.labels };
    },
  };
}

function dataSourceFor(data: LoadedData, config: RunConfig): DataSource {
  return config.model.flatten ? flattenSource(data.source, config.data.itemShape.reduce((a, b) => a * b, 1)) : data.source;
}

/** Trains a run whose config.json is written, from step 0 (a new run, or one that never reached a checkpoint). */
async function trainAfresh(out: string, config: RunConfig, data: LoadedData, progress: ProgressMode, preview: Float32Array | undefined): Promise<number> {
  const { preset, latentDim, conditional, hidden, scale } = config.model;
  const models = buildModels({ preset, data: config.data, latentDim, conditional, seed: config.train.seed, hidden, scale });
  const result = await trainGan({
    generator: models.generator, discriminator: models.discriminator, data: dataSourceFor(data, config),
    config: ganConfig(config), steps: config.train.steps, runDir: out, progress, replicas: await replicasFromEnv(),
    callbacks: { onSample: sampleWriter(out, config, preview) },
  });
  return result.step;
}

/** Continues a run from its newest complete checkpoint, or from the start when it never wrote one. Nothing is written before every check passed. */
async function resume(runDir: string, values: Parsed['values']): Promise<void> {
  const allowed = new Set(['resume', 'steps', 'progress']);
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && !allowed.has(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}/config.json); got --${extra[0]}`);
  const saved = readRunConfig(runDir);
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const steps = integerFlag(values.steps, 'steps', 1) ?? saved.train.steps;
  const store = fileRunStore(runDir);
  const checkpoint = await store.loadLatestCheckpoint();
  if (checkpoint && steps < checkpoint.state.step) {
    throw new UsageError(`--steps ${steps} is below the run's current step ${checkpoint.state.step}; give a total of at least ${checkpoint.state.step}`);
  }
  const config: RunConfig = { ...saved, train: { ...saved.train, steps } };
  const backend = await selectBackend();
  const data = reloadData(config.data);
  if (steps !== saved.train.steps && rankFromEnv() === 0) writeRunConfig(runDir, config);
  const preview = realPreview(data, config);
  let step: number;
  if (!checkpoint) {
    console.error(`gantry train: ${runDir} has no complete checkpoint; starting it afresh (${steps} steps on ${backend})`);
    step = await trainAfresh(runDir, config, data, progress, preview);
  } else {
    console.error(`gantry train: resuming ${runDir} from step ${checkpoint.state.step} to ${steps} steps on ${backend}`);
    // the checkpoint read and verified above is the one training continues from
    const result = await resumeGan({
      store: { ...store, loadLatestCheckpoint: async () => checkpoint }, data: dataSourceFor(data, config), steps, progress, replicas: await replicasFromEnv(),
      callbacks: { onSample: sampleWriter(runDir, config, preview) },
    });
    step = result.step;
  }
  console.error(`gantry train: done at step ${step}; run directory ${runDir}`);
}

async function run(argv: string[]): Promise<void> {
  if (styleganTrainRequest(argv)) return styleganTrain(argv);
  if (proganTrainRequest(argv)) return proganTrain(argv);
  if (stackganTrainRequest(argv)) return stackganTrain(argv);
  const { values: cli } = parseFlags(argv, options, 0);
  if (await launchRanks('train', argv, cli)) return;
  if (typeof cli.resume === 'string') {
    if (isSslRun(cli.resume) || isTranslationRun(cli.resume) || isSrganRun(cli.resume)) {
      requireSingleProcess(`--resume of a ${isSslRun(cli.resume) ? 'ssl' : isSrganRun(cli.resume) ? 'srgan' : 'translation'} run`);
    }
    if (isSslRun(cli.resume)) return resumeSslRun(cli.resume, cli);
    if (isSrganRun(cli.resume)) return resumeSrganRun(cli.resume, cli);
    if (isGanttsRun(cli.resume)) {
      requireSingleProcess('--resume of a gantts run');
      return resumeGanttsRun(cli.resume, cli);
    }
    if (isVideoRun(cli.resume)) {
      requireSingleProcess('--resume of a video run');
      return resumeVideoRun(cli.resume, cli);
    }
    return isTranslationRun(cli.resume) ? resumeTranslation(cli.resume, cli) : resume(cli.resume, cli);
  }
  const fromFile = typeof cli.config === 'string' ? readConfigFile(cli.config) : {};
  const v: Record<string, unknown> = { ...fromFile, ...Object.fromEntries(Object.entries(cli).filter(([, x]) => x !== undefined)) };
  if ((TRANSLATION_MODELS as readonly unknown[]).includes(v.model) || v.target !== undefined || v.model === 'ssl') requireSingleProcess(`--model ${String(v.model ?? 'pix2pix')}`);
  const ganFlag = (['augment', 'ema'] as const).find((k) => v[k] !== undefined);
  const without = ['ssl', 'srgan', 'video', ...(ganFlag === 'ema' ? [] : ['gantts'])];
  if (ganFlag && ((TRANSLATION_MODELS as readonly unknown[]).includes(v.model) || v.target !== undefined || without.includes(String(v.model)))) {
    throw new UsageError(`--${ganFlag} is for GAN runs (dcgan, mlp) and --model stylegan|progan${ganFlag === 'ema' ? '|gantts' : ''}; --model ${String(v.model ?? 'pix2pix')} does not take it`);
  }
  if (v['lr-finetune'] !== undefined && v.model !== 'srgan') throw new UsageError('--lr-finetune is SRGAN\'s phase-2 learning rate (--model srgan); other models do not take it');
  if ((TRANSLATION_MODELS as readonly unknown[]).includes(v.model) || v.target !== undefined) return trainTranslation(v);
  if (v.objective !== undefined) throw new UsageError('--objective is pix2pix\'s ablation (--model pix2pix with --target); other models do not take it');
  const weightFlag = ['cycle-weight', 'identity-weight'].find((k) => v[k] !== undefined);
  if (weightFlag) throw new UsageError(`--${weightFlag} is for --model cyclegan or discogan (with --target); other models do not take it`);
  if (v.model === 'ssl') return trainSslRun(v);
  if (v.model === 'srgan') {
    requireSingleProcess('--model srgan');
    return trainSrganRun(v);
  }
  if (v.model === 'gantts') {
    requireSingleProcess('--model gantts');
    return trainGanttsRun(v);
  }
  if (v.model === 'video') {
    requireSingleProcess('--model video');
    return trainVideoRun(v);
  }
  const dataSpec = stringFlag(v.data, 'data');
  if (!dataSpec) throw new UsageError(`--data is required (${BUILTIN_DATA.join(', ')}, or a path)`);
  // check every flag before the (slow) data loading
  const loss = choiceFlag(v.loss, 'loss', LOSS_NAMES) ?? 'nonsaturating';
  const presetFlag = choiceFlag(v.model, 'model', MODEL_PRESETS);
  const stepsFlag = integerFlag(v.steps, 'steps', 1);
  const batchFlag = integerFlag(v.batch, 'batch', 1);
  const lrG = positiveNumberFlag(v['lr-g'], 'lr-g');
  const lrD = positiveNumberFlag(v['lr-d'], 'lr-d');
  const seed = integerFlag(v.seed, 'seed', 0) ?? 0;
  const latentFlag = integerFlag(v['latent-dim'], 'latent-dim', 1);
  const hidden = hiddenFlag(v.hidden);
  const imageSize = integerFlag(v['image-size'], 'image-size', 4);
  const sampleEveryFlag = integerFlag(v['sample-every'], 'sample-every', 0);
  const checkpointEveryFlag = integerFlag(v['checkpoint-every'], 'checkpoint-every', 0);
  const progress = choiceFlag(v.progress, 'progress', PROGRESS) ?? 'auto';
  const lrDecayFlag = numberInRangeFlag(v['lr-decay'], 'lr-decay', 0, 1);
  const r1Flag = numberInRangeFlag(v.r1, 'r1', 0, Infinity);
  const augment = choiceFlag(v.augment, 'augment', ['diff', 'none'] as const) ?? 'none';
  const ema = numberInRangeFlag(v.ema, 'ema', 0, 0.99999);
  if (ema === 0) throw new UsageError('--ema must lie in (0, 1): the decay of the averaged generator, e.g. 0.999');
  const wasserstein = loss === 'wgan' || loss === 'wgan-gp';
  if (wasserstein && r1Flag) throw new UsageError(`--r1 is for discriminators with a logistic, hinge or least-squares loss, not --loss ${loss}`);
  const conditional = v.conditional === true || v.conditional === 'true';
  const categorical = categoricalFlag(stringFlag(v.categorical, 'categorical'));
  const out = stringFlag(v.out, 'out') ?? join('runs', `${dataSpec.replace(/[^A-Za-z0-9_-]+/g, '_').slice(-40)}-${loss}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  // the other ranks of a data-parallel run find rank 0's config.json there
  if (rankFromEnv() === 0 && (existsSync(join(out, 'config.json')) || existsSync(join(out, 'latest.json')))) {
    throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  }

  const backend = await selectBackend();
  const data = loadData(dataSpec, { imageSize, categorical });
  const d = TRAINING_DEFAULTS[data.info.kind];
  const steps = stepsFlag ?? d.steps;
  const preset: ModelPreset = presetFlag ?? defaultPreset(data.info);
  const latentDim = latentFlag ?? d.latentDim;
  const wganLr = OPTIMIZER_PRESETS.wgan.optimizer.learningRate;
  const sampleEvery = sampleEveryFlag ?? Math.max(1, Math.round(steps / 10));
  const scale = data.info.kind === 'points' && preset === 'mlp' ? spreadOf(data.source, seed) : undefined;
  const config: RunConfig = {
    format: RUN_FORMAT,
    data: data.info,
    model: { preset, latentDim, conditional, flatten: flattensData(preset, data.info), hidden: preset === 'mlp' ? hidden ?? undefined : undefined, scale },
    train: {
      loss, steps, batch: batchFlag ?? d.batch, seed, sampleEvery,
      lrG: lrG ?? (loss === 'wgan' ? wganLr : d.lr), lrD: lrD ?? (loss === 'wgan' ? wganLr : d.lr),
      checkpointEvery: checkpointEveryFlag ?? Math.max(1, Math.round(steps / 10)),
      lrDecay: lrDecayFlag ?? d.lrDecay,
      r1: r1Flag ?? (wasserstein ? 0 : d.r1),
      ...(v['sync-batch-norm'] === true || v['sync-batch-norm'] === 'true' ? { syncBatchNorm: true } : {}),
      ...(augment === 'diff' ? { augment: [...DIFF_AUGMENT_TRANSFORMS] } : {}),
      ...(ema !== undefined ? { ema } : {}),
    },
    createdAt: new Date().toISOString(),
  };
  const preview = realPreview(data, config);
  if (preview) config.plot = plotRangeOf(preview);
  if (rankFromEnv() === 0) writeRunConfig(out, config);
  console.error(`gantry train: ${dataSpec} (${data.info.kind} ${JSON.stringify(data.info.itemShape)}), ${preset} ${loss}, ` +
    `${steps} steps of batch ${config.train.batch} on ${backend} -> ${out}`);
  const step = await trainAfresh(out, config, data, progress, preview);
  console.error(`gantry train: done at step ${step}; run directory ${out}`);
}

export const trainCommand = command('train', 'train a GAN into a run directory (or --resume one)', usage, run);
