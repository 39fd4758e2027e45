// npm run demo: trains a small GAN end to end and writes what it learned to runs/demo/.
//
//   npm run demo                       # ring8 on the cpu backend, MNIST digits on the torch backend
//   npm run demo -- --data mnist       # class-conditional MLP GAN on 5,000 MNIST digits
//   npm run demo -- --data ring8 --steps 3000 --seconds 300 --seed 2 --backend cpu
//
// The run stops at --steps or after --seconds (default 100), whichever comes first; the run directory
// then holds a checkpoint that `resumeGan({runDir})` continues from.
import { parseArgs } from 'node:util';
import { rmSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  arrayDataSource, createProgress, loadMnistPackage, mlpDiscriminator, mlpGenerator, modeMetrics, ring8, sample, trainGan,
  writeImageGrid, writeScatterPng, type GanConfig, type ProgressReporter,
} from '@gantry/core/node';

const repoRoot = new URL('..', import.meta.url).pathname;

/** The native LibTorch backend when its addon is built, else tfjs's cpu backend. */
async function pickBackend(wanted: string): Promise<{ name: string; note: string }> {
  if (wanted === 'cpu') {
    await tf.setBackend('cpu');
    return { name: 'cpu', note: 'asked for with --backend cpu' };
  }
  try {
    await import('@gantry/tfjs-backend-torch');
    if (await tf.setBackend('torch')) return { name: 'torch', note: 'native LibTorch kernels' };
  } catch (err) {
    if (wanted === 'torch') throw err;
    await tf.setBackend('cpu');
    const why = (err as Error).message.split('\n')[0];
    return { name: 'cpu', note: `torch backend unavailable (${why}); build it with npm run build:native` };
  }
  await tf.setBackend('cpu');
  return { name: 'cpu', note: 'torch backend did not initialise' };
}

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    steps: { type: 'string' },
    seconds: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'runs/demo' },
  },
});

function timeBudget(seconds: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), seconds * 1000).unref();
  return controller.signal;
}

const rel = (p: string): string => relative(process.cwd(), p) || '.';

/** 8 Gaussians on a circle: the classic mode-collapse test; progress is measured as modes covered. */
async function ring8Demo(outDir: string, steps: number, seconds: number, seed: number, progress: ProgressReporter): Promise<void> {
  const data = ring8();
  // small and fast-moving: on one core this covers the ring within a few hundred steps
  const generator = mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [64, 64], seed });
  const discriminator = mlpDiscriminator({ inputDim: 2, hidden: [64, 64], seed: seed + 1 });
  const adam = { kind: 'adam' as const, learningRate: 2e-3, beta1: 0.5 };
  const config: GanConfig = { loss: 'nonsaturating', latentDim: 2, seed, batchSize: 64, checkpointEvery: 250, optimizers: { generator: adam, discriminator: adam } };
  const report = (step: number): string => {
    const points = sample(generator, 1000, { seed: 12345 });
    const m = modeMetrics(points, data);
    const png = join(outDir, `ring8-step-${String(step).padStart(5, '0')}.png`);
    writeScatterPng(png, points, { extent: 3, size: 320, references: data.means });
    points.dispose();
    return `step ${step}: modes covered ${m.modesCovered}/${m.modes}, samples within 3 std of a mode ${(100 * m.highQualityFraction).toFixed(1)}%  -> ${rel(png)}`;
  };
  progress.message(`ring8: 8 Gaussians (std ${data.std}) on a circle of radius 2; MLP GAN 64x64, non-saturating loss, Adam 2e-3, batch 64`);
  progress.message(report(0));
  const every = Math.max(50, Math.round(steps / 8));
  const runDir = join(outDir, 'ring8-run');
  const result = await trainGan({
    generator, discriminator, data, config, steps, runDir, progress, signal: timeBudget(seconds),
    callbacks: { onStep: ({ step }) => { if (step % every === 0) progress.message(report(step)); } },
  });
  const final = report(result.step);
  writeScatterPng(join(outDir, 'ring8.png'), sample(generator, 1000, { seed: 12345 }), { extent: 3, size: 320, references: data.means });
  progress.message(final);
  progress.message(`final scatter plot (blue: samples, red rings: the 8 modes): ${rel(join(outDir, 'ring8.png'))}`);
  progress.message(`checkpoints, metrics.jsonl: ${rel(runDir)}${result.stopped ? ` (stopped at step ${result.step} by the ${seconds}s budget)` : ''}`);
}

/** A class-conditional MLP GAN on MNIST digits; the grid has one column per digit 0..9. */
async function mnistDemo(outDir: string, steps: number, seconds: number, seed: number, progress: ProgressReporter): Promise<void> {
  const digits = loadMnistPackage({ limitPerDigit: 500 });
  const flat = { ...digits, itemShape: [784] };
  const latentDim = 64;
  const generator = mlpGenerator({ latentDim, outputDim: 784, hidden: [256, 512], outputActivation: 'tanh', numClasses: 10, seed });
  const discriminator = mlpDiscriminator({ inputDim: 784, hidden: [512, 256], numClasses: 10, seed: seed + 1 });
  const config: GanConfig = {
    loss: 'nonsaturating', latentDim, seed, batchSize: 64, numClasses: 10, sampleEvery: Math.max(100, Math.round(steps / 5)), sampleCount: 100,
    sampleShape: [28, 28, 1], checkpointEvery: 500, realLabel: 0.9,
  };
  progress.message(`mnist: ${digits.count} digits from the npm mnist package; conditional MLP GAN (cGAN, projection D), batch 64`);
  const runDir = join(outDir, 'mnist-run');
  const result = await trainGan({
    generator, discriminator, data: arrayDataSource(flat), config, steps, runDir, progress, signal: timeBudget(seconds),
    callbacks: { onSample: ({ step, location }) => { if (location) progress.message(`step ${step}: sample grid ${rel(location)}`); } },
  });
  const labels = Array.from({ length: 100 }, (_, i) => i % 10);
  const images = tf.reshape(sample(generator, 100, { labels, seed: 7 }), [100, 28, 28, 1]);
  writeImageGrid(join(outDir, 'mnist.png'), images, { columns: 10, scale: 2 });
  progress.message(`final grid (column k shows digit k): ${rel(join(outDir, 'mnist.png'))}`);
  progress.message(`checkpoints, metrics.jsonl, samples/: ${rel(runDir)}${result.stopped ? ` (stopped at step ${result.step} by the ${seconds}s budget)` : ''}`);
}

if (!['auto', 'cpu', 'torch'].includes(args.backend!)) throw new Error(`--backend must be auto, cpu or torch, got ${args.backend}`);
const backend = await pickBackend(args.backend!);
const data = args.data ?? (backend.name === 'torch' ? 'mnist' : 'ring8');
if (data !== 'ring8' && data !== 'mnist') throw new Error(`--data must be ring8 or mnist, got ${data}`);
const seconds = Number(args.seconds);
const seed = Number(args.seed);
const steps = Number(args.steps ?? (data === 'mnist' ? 3000 : 2000));
for (const [name, v] of [['--steps', steps], ['--seconds', seconds], ['--seed', seed]] as const) {
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
}
const outDir = join(repoRoot, args.out!);
// a demo always starts fresh: its run directories are replaced
rmSync(join(outDir, `${data}-run`), { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const progress = createProgress('auto');
progress.message(`gantry demo: backend ${backend.name} (${backend.note})`);
const t0 = performance.now();
if (data === 'ring8') await ring8Demo(outDir, steps, seconds, seed, progress);
else await mnistDemo(outDir, steps, seconds, seed, progress);
progress.message(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
