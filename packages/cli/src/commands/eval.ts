// gantry eval: sample quality of a run's newest generator next to the real-data floor, appended to the
// run's metrics log (so the studio plots it).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  evaluateSamples, formatEvaluation, loadFeatureExtractor, sample, type FeatureMatrix, type Evaluation, type RunConfig,
} from '@gantry/core/node';
import { choiceFlag, command, integerFlag, parseFlags, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { reloadData } from '../data.js';
import { evalGeneration } from '../eval-generation.js';
import { evalStackgan } from '../eval-stackgan.js';
import { evalTranslation } from '../eval-translation.js';
import { asItems, loadGenerator, readRunConfig } from '../run.js';
import { isProganRun } from '../train-progan.js';
import { isStackganRun } from '../train-stackgan.js';
import { isStyleganRun, truncationFlag } from '../train-stylegan.js';
import { isTranslationRun } from '../train-translation.js';

const METRICS = { fid: 'fid', kid: 'kid', pr: 'prdc', prdc: 'prdc' } as const;

const usage = `usage: gantry eval <run-dir> [--metrics fid,kid,pr] [--n 1000] [--seed 0] [--json]
       gantry eval <translation-run-dir> [--split test|train] [--direction ab|ba] [--seed 0] [--json]
       gantry eval <stylegan-or-progan-run-dir> [--n 371] [--seed 0] [--no-ema] [--truncation psi] [--json]
       gantry eval <stackgan-run-dir> [--n 371] [--seed s] [--json]

Compares n generated samples with n held-out real examples, and reports the same metrics between two
real samples (the floor a perfect generator would reach). Images of mnist / fashion-mnist are compared
in the features of gantry's shipped classifier; other data in its own coordinates.
The result is appended to <run-dir>/metrics.jsonl as an "eval" event.

options:
  --metrics <list>  any of fid, kid, pr (precision/recall/density/coverage); default all
  --n <n>           samples per set (default 1000)
  --seed <s>        seed for sampling and subsets (default 0)
  --json            print JSON instead of a table
  --split <s>       translation runs (emoji): test (default) or train pairs, scored against their true
                    targets (L1, PSNR, SSIM; FD and KID at 64 px) beside the input copied unchanged
  --direction <d>   cyclegan, discogan: ab or ba (default both)
  --no-ema          score the trained generator, not the averaged (EMA) one (StyleGAN, ProGAN, and GAN runs
                    trained with --ema; a GAN run without an averaged generator is scored as it is)
  --truncation <psi>  StyleGAN: truncation psi in (0, 1] (default 1: none)

StyleGAN and ProGAN runs (docs/generation.md): n images (default: as many as the emoji test split has), image i
from seed 1000 + seed + i, scored against the test split of the run's emoji style in the emoji classifier's
features (FD, KID, precision / recall k = 3) beside the training split's floor.
StackGAN runs (docs/stackgan.md): stage II's images for the first n held-out test names (default all; noise seed
default: the run's seed + 1): category accuracy, FD and KID against the real test images, retrieval against 99
other texts under the run's matcher, beside the real images' accuracy and retrieval.

examples:
  gantry eval runs/ring --metrics fid,pr
  gantry eval runs/fashion --n 2000
  gantry eval runs/stylegan --truncation 0.7
  gantry eval runs/stackgan --json`;

function featuresOf(config: RunConfig, x: tf.Tensor, extractor: ReturnType<typeof loadFeatureExtractor> | undefined): FeatureMatrix {
  if (extractor) return extractor.extract(asItems(x, config) as tf.Tensor4D).features;
  const flat = tf.reshape(x, [x.shape[0], -1]);
  const m = { rows: flat.shape[0], cols: flat.shape[1] ?? 1, data: Float64Array.from(flat.dataSync()) };
  flat.dispose();
  return m;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    metrics: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, split: { type: 'string' }, direction: { type: 'string' },
    'no-ema': { type: 'boolean' }, truncation: { type: 'string' },
  }, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('expected a run directory');
  const split = choiceFlag(values.split, 'split', ['test', 'train'] as const);
  const direction = choiceFlag(values.direction, 'direction', ['ab', 'ba'] as const);
  if (isTranslationRun(runDir)) {
    if (values.metrics !== undefined || values.n !== undefined) throw new UsageError('--metrics and --n are for GAN runs; a translation run is scored on its whole split');
    await selectBackend();
    return evalTranslation(runDir, { split: split ?? 'test', direction, seed: integerFlag(values.seed, 'seed', 0) ?? 0, json: values.json === true });
  }
  if (split || direction) throw new UsageError('--split and --direction are for translation runs (pix2pix, cyclegan, discogan)');
  const stylegan = isStyleganRun(runDir);
  if (values.truncation !== undefined && !stylegan) throw new UsageError(`--truncation is for StyleGAN runs; ${runDir} is not one`);
  if (stylegan || isProganRun(runDir) || isStackganRun(runDir)) {
    if (values.metrics !== undefined) throw new UsageError('--metrics is for GAN runs of gantry train\'s own models; StyleGAN, ProGAN and StackGAN runs report all their scores');
    const n = integerFlag(values.n, 'n', 4);
    const seed = integerFlag(values.seed, 'seed', 0);
    if (isStackganRun(runDir)) {
      if (values['no-ema']) throw new UsageError(`--no-ema: ${runDir} is a StackGAN run, which keeps no averaged generator`);
      return evalStackgan(runDir, { n, seed, json: values.json === true });
    }
    const options = { n, seed: seed ?? 0, averaged: values['no-ema'] !== true, truncation: truncationFlag(values.truncation), json: values.json === true };
    return evalGeneration(runDir, stylegan ? 'stylegan' : 'progan', options);
  }
  const names = String(values.metrics ?? 'fid,kid,pr').split(',').map((s) => s.trim()).filter(Boolean);
  for (const m of names) if (!(m in METRICS)) throw new UsageError(`--metrics: unknown metric "${m}" (accepted: fid, kid, pr)`);
  const metrics = [...new Set(names.map((m) => METRICS[m as keyof typeof METRICS]))];
  const n = integerFlag(values.n, 'n', 10) ?? 1000;
  const seed = integerFlag(values.seed, 'seed', 0) ?? 0;
  const config = readRunConfig(runDir);

  await selectBackend();
  const { generator, step, averaged } = await loadGenerator(runDir, 'generator', { averaged: values['no-ema'] !== true });
  const data = reloadData(config.data);
  const extractor = config.data.kind === 'image' && (config.data.spec === 'mnist' || config.data.spec === 'fashion-mnist')
    ? loadFeatureExtractor(config.data.spec) : undefined;
  const numClasses = config.model.conditional ? config.data.numClasses : undefined;
  const fake = sample(generator, n, { seed: seed + 1000, labels: numClasses ? Array.from({ length: n }, (_, i) => i % numClasses) : undefined });
  const { real, reference } = data.realSets(n, seed);
  let result: Evaluation;
  try {
    result = evaluateSamples({
      generated: featuresOf(config, fake, extractor),
      real: featuresOf(config, real, extractor),
      reference: featuresOf(config, reference, extractor),
    }, { metrics, seed });
  } finally {
    tf.dispose([fake, real, reference]);
    extractor?.dispose();
  }
  const pick = (m: Evaluation['model']) => ({
    ...(metrics.includes('fid') ? { fid: m.fid } : {}),
    ...(metrics.includes('kid') ? { kid: m.kid.mean } : {}),
    ...(metrics.includes('prdc') ? { precision: m.precision, recall: m.recall, density: m.density, coverage: m.coverage } : {}),
  });
  const record = { event: 'eval', step, ...(config.train.ema ? { generator: averaged ? 'averaged' : 'trained' } : {}), n: result.model.count, features: extractor ? `${config.data.spec}-classifier` : 'raw', ...pick(result.model), floor: pick(result.floor), time: new Date().toISOString() };
  appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
  if (values.json) console.log(JSON.stringify(record, null, 2));
  else console.log(`${runDir} at step ${step}, ${record.features} features\n${formatEvaluation(result, { model: 'generator', floor: 'real floor' })}`);
}

export const evalCommand = command('eval', 'FID, KID, precision/recall of a run against held-out data', usage, run);
