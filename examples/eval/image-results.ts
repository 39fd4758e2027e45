// Measured image results (issue 4): a DCGAN-architecture GAN trained by gantry and the same network trained
// by PyTorch (examples/eval/torch_dcgan.py) for the same number of generator steps, both dumping samples at
// the same steps, all scored by the same gantry metrics against the test set beside the real-data floor.
//
//   node --conditions=gantry-source --import tsx examples/eval/image-results.ts --data mnist --loss nonsaturating --steps 300
//   node --conditions=gantry-source --import tsx examples/eval/image-results.ts --data fashion-mnist --loss wgan-gp --steps 50 --checkpoints 5 --stage evaluate
//
// --stage train-gantry | train-torch | evaluate | all (default all: both trainings side by side, then the
// evaluation). Output in <out>/<data>-<loss>/{gantry,torch}/ (samples-<step>.idx, timing.json) and
// <out>/<data>-<loss>/results.json; --img-dir <dir> writes eval-<data>-<loss>-fid.png (FID over steps:
// gantry orange, PyTorch blue, floor dashed grey, log scale) and eval-<data>-<loss>-{gantry,torch}.png
// (the first 64 samples of the last dump).
// Other options: --checkpoints 6 (dumps, evenly spaced, the last at --steps), --samples 2000 (per dump),
// --seed 1, --threads 1 (ATen threads on both sides), --out runs/image-results, --kid-subsets 20.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  arrayDataSource, createProgress, createRng, dcganDiscriminator, dcganGenerator, encodeIdx, evaluateSamples, formatEvaluation, loadFashionMnist,
  loadFeatureExtractor, loadMnistPackage, permutation, readIdxFile, sample, subsetDataset, trainGan, writeImageGrid,
  type ArrayDataset, type Evaluation, type SampleMetrics,
} from '@gantry/core/node';
import { linePlotPng } from './line-plot.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: 'mnist' },
    loss: { type: 'string', default: 'nonsaturating' },
    steps: { type: 'string' },
    checkpoints: { type: 'string', default: '6' },
    samples: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    stage: { type: 'string', default: 'all' },
    out: { type: 'string', default: 'runs/image-results' },
    'img-dir': { type: 'string' },
    'kid-subsets': { type: 'string', default: '20' },
  },
});

function int(name: string, v: string | undefined, min: number): number {
  const x = Number(v);
  if (v === undefined || !Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  return x;
}
function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got ${v}`);
  return v as T;
}

const data = oneOf('data', a.data, ['mnist', 'fashion-mnist'] as const);
const loss = oneOf('loss', a.loss, ['nonsaturating', 'wgan-gp'] as const);
const stage = oneOf('stage', a.stage, ['all', 'train-gantry', 'train-torch', 'evaluate'] as const);
const steps = int('steps', a.steps, 1);
const checkpoints = Math.min(int('checkpoints', a.checkpoints, 1), steps);
const sampleCount = int('samples', a.samples, 10);
const seed = int('seed', a.seed, 0);
const threads = int('threads', a.threads, 1);
const runDir = join(resolve(repoRoot, a.out!), `${data}-${loss}`);
const imgDir = a['img-dir'] === undefined ? undefined : resolve(repoRoot, a['img-dir']);
/** Steps at which both frameworks dump samples: evenly spaced, the last at --steps. */
const dumpSteps = [...new Set(Array.from({ length: checkpoints }, (_, i) => Math.round((steps * (i + 1)) / checkpoints)))];
const BATCH = 64;
const LATENT = 100;
const rel = (p: string) => relative(process.cwd(), p);

// gantry's LibTorch backend with a fixed number of ATen threads (the env var is read when the addon loads).
process.env.GANTRY_TORCH_THREADS = String(threads);
await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend('torch'))) throw new Error('the torch backend did not initialise');

interface Timing { framework: string; steps: number; trainSeconds: number; msPerStep: number; threads: number; backend: string; dumpSteps: number[]; seed: number }

function loadSplit(split: 'train' | 'test'): ArrayDataset {
  return data === 'mnist' ? loadMnistPackage({ split }) : loadFashionMnist({ split });
}

function writeSamplesIdx(path: string, images: tf.Tensor): void {
  writeFileSync(path, Buffer.from(encodeIdx({ dtype: 'float32', shape: images.shape, data: images.dataSync() as Float32Array })));
}

/** The library's DCGAN builders (base 64 filters); WGAN-GP's critic has no batch norm (it breaks the per-sample penalty). */
async function trainGantry(): Promise<Timing> {
  const dir = join(runDir, 'gantry');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const generator = dcganGenerator({ imageSize: 28, channels: 1, latentDim: LATENT, baseFilters: 64, seed });
  const discriminator = dcganDiscriminator({
    imageSize: 28, channels: 1, baseFilters: 64, seed: seed + 1, normalization: loss === 'wgan-gp' ? 'none' : 'batch',
  });
  const source = arrayDataSource(loadSplit('train'));
  let dumpMs = 0;
  const started = performance.now();
  const dump = (step: number) => {
    const t0 = performance.now();
    // the same noise at every dump, so the curve follows one set of latent points
    const rng = createRng(seed + 1000);
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < sampleCount; i += 500) parts.push(sample(generator, Math.min(500, sampleCount - i), { rng }));
    const all = tf.concat(parts);
    writeSamplesIdx(join(dir, `samples-${step}.idx`), all);
    tf.dispose([...parts, all]);
    dumpMs += performance.now() - t0;
  };
  await trainGan({
    generator, discriminator, data: source, steps, progress: createProgress('off'),
    config: { loss, latentDim: LATENT, seed, batchSize: BATCH },
    callbacks: {
      onStep: ({ step, losses }) => {
        if (step % 100 === 0 || step === steps) {
          const s = ((performance.now() - started - dumpMs) / 1000).toFixed(0);
          console.log(`gantry step ${step}/${steps} ${Object.entries(losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')} (${s} s)`);
        }
        if (dumpSteps.includes(step)) dump(step);
      },
    },
  });
  const trainSeconds = (performance.now() - started - dumpMs) / 1000;
  const timing: Timing = {
    framework: 'gantry', steps, trainSeconds, msPerStep: (trainSeconds * 1000) / steps, threads, backend: 'torch', dumpSteps, seed,
  };
  writeFileSync(join(dir, 'timing.json'), JSON.stringify(timing, null, 1));
  console.log(`gantry: ${steps} steps in ${trainSeconds.toFixed(0)} s (${timing.msPerStep.toFixed(0)} ms/step, ${threads} thread(s))`);
  return timing;
}

/** The PyTorch twin, same steps, seed, dumps and thread count; its output is streamed with a prefix. */
function trainTorch(): Promise<void> {
  const dir = join(runDir, 'torch');
  rmSync(dir, { recursive: true, force: true });
  const args = [join(repoRoot, 'examples/eval/torch_dcgan.py'), '--dataset', data, '--loss', loss, '--steps', String(steps),
    '--seed', String(seed), '--threads', String(threads), '--samples', String(sampleCount), '--dump-steps', dumpSteps.join(','), '--out', dir];
  console.log(`/usr/bin/python3 ${args.map((x) => rel(x) || x).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8');
    let pending = '';
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const l of lines) console.log(`torch ${l}`);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`torch_dcgan.py exited with ${code}`))));
  });
}

interface Curve { framework: string; timing: Timing; points: Array<{ step: number; metrics: SampleMetrics }> }

function dumpsOf(dir: string): Array<{ step: number; path: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => /^samples-(\d+)\.idx$/.exec(f)).filter((m) => m !== null)
    .map((m) => ({ step: Number(m[1]), path: join(dir, m[0]) })).sort((x, y) => x.step - y.step);
}

function evaluate(): void {
  const started = performance.now();
  const extractor = loadFeatureExtractor(data);
  const pick = (ds: ArrayDataset, s: number) => {
    if (sampleCount > ds.count) throw new Error(`--samples ${sampleCount} exceeds the ${ds.count} images of ${ds.name}`);
    return subsetDataset(ds, permutation(createRng(s), ds.count).subarray(0, sampleCount));
  };
  const real = extractor.extract(pick(loadSplit('test'), seed + 101));
  const reference = extractor.extract(pick(loadSplit('train'), seed + 202));
  const options = { seed, kidSubsets: int('kid-subsets', a['kid-subsets'], 1), kidSubsetSize: Math.min(1000, Math.floor(sampleCount / 2)) };
  // the floor with every metric (from a last dump), and one with FD only for the dumps before it
  let floor: SampleMetrics | undefined;
  let fidFloor: SampleMetrics | undefined;
  const curves: Curve[] = [];
  const finals: Array<{ framework: string; evaluation: Evaluation; step: number }> = [];
  for (const framework of ['gantry', 'torch']) {
    const dir = join(runDir, framework);
    const dumps = dumpsOf(dir);
    if (dumps.length === 0) { console.log(`${framework}: no samples in ${rel(dir)}; skipped`); continue; }
    const timing = JSON.parse(readFileSync(join(dir, 'timing.json'), 'utf8')) as Timing;
    const curve: Curve = { framework, timing, points: [] };
    const last = dumps[dumps.length - 1];
    for (const d of dumps) {
      const idx = readIdxFile(d.path);
      if (idx.shape[0] < sampleCount) throw new Error(`${d.path}: ${idx.shape[0]} images, --samples asks for ${sampleCount}`);
      const values = Float32Array.from(idx.data.subarray(0, sampleCount * 784));
      const gen = extractor.extract({ values, count: sampleCount });
      const evaluation = evaluateSamples({
        generated: gen.features, real: real.features, reference: reference.features,
        generatedLogits: gen.logits, referenceLogits: reference.logits,
      // FD alone along the curve (KID and the k-NN metrics cost most of the time); everything at the last dump
      }, { ...options, metrics: d === last ? undefined : ['fid'], floor: floor ?? (d === last ? undefined : fidFloor) });
      if (d === last) floor = evaluation.floor;
      else fidFloor = evaluation.floor;
      curve.points.push({ step: d.step, metrics: evaluation.model });
      if (d === last) {
        finals.push({ framework, evaluation, step: d.step });
        if (imgDir) {
          const path = join(imgDir, `eval-${data}-${loss}-${framework}.png`);
          const shown = Math.min(64, sampleCount);
          writeImageGrid(path, { data: values.subarray(0, shown * 784), shape: [shown, 28, 28, 1] }, { columns: 8, scale: 2, range: 'tanh' });
        }
      }
    }
    curves.push(curve);
  }
  if (curves.length === 0 || !floor) throw new Error(`no sample dumps under ${rel(runDir)}; run the training stages first`);

  const name = (f: string) => (f === 'torch' ? 'PyTorch' : 'gantry');
  console.log(`\n${data}, ${loss}: ${sampleCount} samples per dump vs ${sampleCount} test images; floor = ${sampleCount} train images vs the same test images`);
  for (const c of curves) {
    const t = c.timing;
    console.log(`${name(c.framework)}: ${t.steps} steps, seed ${t.seed}, ${t.threads} thread(s), ${t.trainSeconds.toFixed(0)} s training (${t.msPerStep.toFixed(0)} ms/step)`);
  }
  console.log('\nFD over generator steps (floor ' + floor.fid.toFixed(2) + ')');
  const allSteps = [...new Set(curves.flatMap((c) => c.points.map((p) => p.step)))].sort((x, y) => x - y);
  console.log(`| step | ${curves.map((c) => `${name(c.framework)} FD`).join(' | ')} |`);
  console.log(`|---:|${curves.map(() => '---:').join('|')}|`);
  for (const s of allSteps) {
    console.log(`| ${s} | ${curves.map((c) => c.points.find((p) => p.step === s)?.metrics.fid.toFixed(2) ?? '-').join(' | ')} |`);
  }
  for (const f of finals) {
    console.log(`\n${name(f.framework)} at step ${f.step}`);
    console.log(formatEvaluation(f.evaluation, { model: `${name(f.framework)} vs test`, floor: 'train vs test (floor)' }));
  }
  writeFileSync(join(runDir, 'results.json'), JSON.stringify({ data, loss, samples: sampleCount, floor, curves }, null, 1));
  if (imgDir) {
    const colors: Record<string, [number, number, number]> = { gantry: [230, 110, 20], torch: [40, 90, 200] };
    const png = linePlotPng(curves.map((c) => ({ rgb: colors[c.framework], points: c.points.map((p) => [p.step, p.metrics.fid] as [number, number]) })),
      { logY: true, reference: { y: floor.fid, rgb: [150, 150, 150] } });
    const path = join(imgDir, `eval-${data}-${loss}-fid.png`);
    writeFileSync(path, png);
    console.log(`\nwrote ${rel(path)} and the sample grids eval-${data}-${loss}-{gantry,torch}.png`);
  }
  console.log(`(evaluation ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

mkdirSync(runDir, { recursive: true });
if (stage === 'all') {
  await Promise.all([trainGantry(), trainTorch()]);
} else if (stage === 'train-gantry') {
  await trainGantry();
} else if (stage === 'train-torch') {
  await trainTorch();
}
if (stage === 'all' || stage === 'evaluate') evaluate();
