// Issue 17's comparison, one run per call: DCGAN, ProGAN or StyleGAN on emoji:google at 32 px or Fashion-MNIST
// padded to 32 px RGB, trained for a budget of this process's CPU seconds (one torch thread), with or without
// DiffAugment, then scored twice from the same run: the averaged generator (EMA) and the trained one. Scores are
// core's emojiScoring / fashionScoring (what `gantry eval` prints): FD, KID and precision / recall (k = 3)
// against the fixed test split (emoji: 371 images; Fashion: 1,000 evenly spaced), n samples = the test count from
// seeds 1000.. . StyleGAN on emoji adds a truncation sweep of the averaged G (psi 0.9 .. 0.5). Prints one JSON line per
// generator; summarise with compare-summary.ts.
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx \
//     examples/generation/compare-generators.ts --data emoji --model stylegan --seed 0 [--augment] --cpu-seconds 220
// StyleGAN's --lr, --r1-gamma and --mixing change its settings for a diagnosis; the JSON lines then name them (variant).
// --steps N trains N steps instead of the CPU budget.
// --run-dir DIR checkpoints the run there (about every 4 CPU minutes, or every --checkpoint-every steps) and, when DIR already holds a checkpoint, resumes
// it: the budget then counts the CPU seconds of the steps kept (recorded beside the checkpoints), not work lost at a stop.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  arrayDataSource, createRng, dcganDiscriminator, dcganGenerator, emojiScoring, fashionScoring, fileRunStore, loadPaddedFashionMnist, memoryRunStore,
  proganSample, randomNormal, resumeGan, resumeProgan, resumeStylegan, styleganSample, trainGan, trainProgan, trainStylegan, writeFileAtomic,
  type ArrayDataset, type DiffAugmentTransform,
} from '@gantry/core/node';
import { cpuSeconds } from '../common/measure.js';
import { cpuBudget, rounded } from './emoji-scoring.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'emoji' }, model: { type: 'string', default: 'stylegan' }, seed: { type: 'string', default: '0' },
    augment: { type: 'boolean', default: false }, 'cpu-seconds': { type: 'string', default: '220' }, batch: { type: 'string', default: '16' },
    'phase-steps': { type: 'string', default: '400' }, lr: { type: 'string' }, 'r1-gamma': { type: 'string' }, mixing: { type: 'string' },
    steps: { type: 'string' }, 'run-dir': { type: 'string' }, 'checkpoint-every': { type: 'string' },
  },
});
const { data, model } = values;
if (data !== 'emoji' && data !== 'fashion') throw new Error(`--data ${data}: expected emoji or fashion`);
if (!['dcgan', 'progan', 'stylegan'].includes(model)) throw new Error(`--model ${model}: expected dcgan, progan or stylegan`);
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);

const SIZE = 32;
const LATENT = 64;
const seed = Number(values.seed);
const batchSize = Number(values.batch);
const maxSteps = values.steps === undefined ? 1_000_000 : Number(values.steps);
const augment: DiffAugmentTransform[] | undefined = values.augment ? ['color', 'translation', 'cutout'] : undefined;
const styleSettings = { learningRate: Number(values.lr ?? 0.002), r1Gamma: Number(values['r1-gamma'] ?? 1), mixing: Number(values.mixing ?? 0.9) };
const changed = [values.lr && `lr ${values.lr}`, values['r1-gamma'] && `R1 gamma ${values['r1-gamma']}`, values.mixing && `mixing ${values.mixing}`].filter(Boolean);
if (changed.length && model !== 'stylegan') throw new Error(`--lr, --r1-gamma and --mixing are StyleGAN's (--model stylegan), not ${model}'s`);
const started = cpuSeconds();
const scoring = data === 'emoji' ? emojiScoring({ style: 'google', size: SIZE }) : fashionScoring();
const train: ArrayDataset = data === 'emoji' ? scoring.train : loadPaddedFashionMnist({ split: 'train' });
const loadCpuSeconds = cpuSeconds() - started;
const sampleSeeds = Array.from({ length: scoring.test.count }, (_, i) => 1000 + i);

/** A name per generator (averaged first), each drawing the test count of images from fixed seeds. */
type Samplers = Record<string, () => tf.Tensor4D>;

// steps between checkpoints of a --run-dir run: about 4 CPU minutes of each model on this machine
const CHECKPOINT_EVERY: Record<string, number> = { dcgan: 8000, progan: 2000, stylegan: 2000 };

/**
 * The training CPU seconds spent up to each checkpointed step of a --run-dir run, in DIR/train-cpu-seconds.json. A
 * step's entry is written before its checkpoint, so whichever checkpoint a resume finds has one.
 */
function cpuRecord(dir: string) {
  const path = join(dir, 'train-cpu-seconds.json');
  const at: Record<string, number> = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  return {
    at,
    save(step: number, seconds: number) {
      at[step] = +seconds.toFixed(3);
      writeFileAtomic(path, JSON.stringify(at), dir);
    },
  };
}

/** Trains (or resumes) under the budget; returns the step count and a sampler per generator. */
async function trainOne(budget: ReturnType<typeof cpuBudget>, resume: boolean, runDir?: string): Promise<{ step: number; samplers: Samplers }> {
  const record = runDir === undefined ? undefined : cpuRecord(runDir);
  const every = Number(values['checkpoint-every'] ?? CHECKPOINT_EVERY[model]);
  const callbacks = {
    onStep: ({ step }: { step: number }) => {
      budget.callbacks.onStep();
      // the loop checkpoints every `every` steps and the step it stops at (budget spent, or --steps reached)
      if (record && (step % every === 0 || budget.signal.aborted || step === maxSteps)) record.save(step, budget.spent());
    },
  };
  const run = { store: runDir === undefined ? memoryRunStore() : fileRunStore(runDir), signal: budget.signal, callbacks };
  const checkpointing = runDir === undefined ? {} : { checkpointEvery: every };
  if (model === 'stylegan') {
    const r = resume ? await resumeStylegan(train, { ...run, steps: maxSteps }) : await trainStylegan(train, {
      seed, steps: maxSteps, batchSize, resolution: SIZE, latentDim: LATENT, mappingDepth: 8, maxChannels: 32, channelBase: 512,
      ...styleSettings, r1Every: 16, emaDecay: 0.995, ...checkpointing, ...(augment ? { augment } : {}),
    }, run);
    const samplers: Samplers = { EMA: () => styleganSample(r.averaged, sampleSeeds), 'no EMA': () => styleganSample(r.generator, sampleSeeds) };
    // the truncation sweep of the issue (precision should rise and recall fall as psi falls), on emoji only: on
    // Fashion-MNIST StyleGAN does not learn at these settings (docs/generation.md), so a sweep there says nothing
    if (data === 'emoji') for (const psi of [0.9, 0.8, 0.7, 0.6, 0.5]) samplers[`EMA, psi ${psi}`] = () => styleganSample(r.averaged, sampleSeeds, { psi });
    return { step: r.step, samplers };
  }
  if (model === 'progan') {
    const r = resume ? await resumeProgan(train, { ...run, steps: maxSteps }) : await trainProgan(train, {
      seed, steps: maxSteps, batchSize, resolution: SIZE, latentDim: LATENT, maxChannels: 32, channelBase: 512,
      phaseSteps: Number(values['phase-steps']), fadeFraction: 0.5, emaDecay: 0.995, ...checkpointing, ...(augment ? { augment } : {}),
    }, run);
    return { step: r.step, samplers: { EMA: () => proganSample(r.averaged, sampleSeeds, r.phase), 'no EMA': () => proganSample(r.generator, sampleSeeds, r.phase) } };
  }
  const loop = { steps: maxSteps, data: arrayDataSource(train), progress: 'off' as const, ...run };
  const r = resume ? await resumeGan(loop) : await trainGan({
    generator: dcganGenerator({ imageSize: SIZE, channels: 3, latentDim: LATENT, baseFilters: 32, seed }),
    discriminator: dcganDiscriminator({ imageSize: SIZE, channels: 3, baseFilters: 32, seed: seed + 1 }), ...loop,
    config: { loss: 'nonsaturating', latentDim: LATENT, seed, batchSize, emaDecay: 0.995, ...checkpointing, ...(augment ? { augment } : {}) },
  });
  const draw = (g: typeof r.generator) => () => {
    const z = randomNormal(createRng(seed + 7), [sampleSeeds.length, LATENT]);
    try { return tf.tidy(() => tf.clipByValue(g.predict(z) as tf.Tensor, -1, 1)) as tf.Tensor4D; } finally { z.dispose(); }
  };
  return { step: r.step, samplers: { EMA: draw(r.emaGenerator!), 'no EMA': draw(r.generator) } };
}

/** Where a --run-dir run stands: resume from its newest checkpoint (and the CPU seconds spent up to it), or start. */
async function sittingOf(runDir: string | undefined): Promise<{ resume: boolean; spentBefore: number }> {
  if (runDir === undefined) return { resume: false, spentBefore: 0 };
  mkdirSync(runDir, { recursive: true });
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  if (!checkpoint) return { resume: false, spentBefore: 0 };
  const { step } = checkpoint.state;
  const spent = cpuRecord(runDir).at[step];
  if (spent === undefined) throw new Error(`${runDir}: no CPU seconds recorded for the checkpoint at step ${step}`);
  return { resume: true, spentBefore: spent };
}

const runDir = values['run-dir'];
const sitting = await sittingOf(runDir);
const budget = cpuBudget(values.steps === undefined ? Number(values['cpu-seconds']) : Infinity, sitting.spentBefore);
const { step, samplers } = await trainOne(budget, sitting.resume, runDir);
const trainCpuSeconds = budget.spent();
for (const [generator, drawImages] of Object.entries(samplers)) {
  const images = drawImages();
  const s = rounded(scoring.score(images));
  images.dispose();
  console.log(JSON.stringify({
    data, model, ...(changed.length ? { variant: changed.join(', ') } : {}), augment: Boolean(augment), generator, seed, steps: step, trainCpuSeconds: +trainCpuSeconds.toFixed(0), ...s,
    ...(sitting.resume ? { resumedWithCpuSeconds: +sitting.spentBefore.toFixed(0) } : {}),
    samples: sampleSeeds.length, loadCpuSeconds: +loadCpuSeconds.toFixed(0), totalCpuSeconds: +(cpuSeconds() - started + sitting.spentBefore).toFixed(0), backend: engine,
  }));
}
