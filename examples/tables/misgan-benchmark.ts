// MisGAN (Li, Jiang & Marlin, ICLR 2019) beside GAIN and column means on the GAIN paper's protocol: letter or spam,
// 20% of the entries removed completely at random (the same masks as gain-benchmark.ts: createRng(1000 + seed)),
// RMSE on the removed entries in min-max units. Prints one JSON line per seed (and appends it to
// runs/tables/misgan-runs.jsonl) with each method's RMSE and its CPU seconds (process.cpuUsage, user + system).
//
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/tables/misgan-benchmark.ts --dataset letter --seeds 3
//     [--first-seed 0] [--steps 2000] [--width 128] [--latent 32] [--beta 0.1] [--gamma 0] [--lr 1e-4] [--imputer-lr 2e-4] [--draws 1,20] [--methods misgan,gain,mean]
//
// --draws: the trained imputer's fill scored once per count: one completion, or the mean of that many (each with
// its own noise; RMSE rewards the mean). The training is shared, its CPU seconds counted once.
//     [--gain-iterations 10000]
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, imputationRmse, meanImpute, removeCompletelyAtRandom, trainGain, trainMisgan, type NumericMatrix } from '@gantry/core';
import { loadFeatures, runsDir, useFastestBackend } from './docs-section.js';

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'letter' },
    seeds: { type: 'string', default: '3' },
    'first-seed': { type: 'string', default: '0' },
    steps: { type: 'string', default: '2000' },
    width: { type: 'string', default: '128' },
    latent: { type: 'string', default: '32' },
    beta: { type: 'string', default: '0.1' },
    gamma: { type: 'string', default: '0' },
    lr: { type: 'string', default: '0.0001' },
    'imputer-lr': { type: 'string', default: '0.0002' },
    draws: { type: 'string', default: '1,20' },
    methods: { type: 'string', default: 'misgan,gain,mean' },
    'gain-iterations': { type: 'string', default: '10000' },
    out: { type: 'string', default: join(runsDir, 'misgan-runs.jsonl') },
  },
});

/** CPU seconds (user + system) of this process while f runs. */
async function cpuSeconds<T>(f: () => Promise<T> | T): Promise<{ value: T; cpu: number }> {
  const before = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(before);
  return { value, cpu: (used.user + used.system) / 1e6 };
}

const methods = args.methods!.split(',');
const misganSettings = {
  steps: Number(args.steps), width: Number(args.width), latentDim: Number(args.latent), beta: Number(args.beta), gamma: Number(args.gamma),
  learningRate: Number(args.lr), imputerLearningRate: Number(args['imputer-lr']),
};
const draws = args.draws!.split(',').map(Number);
const gainIterations = Number(args['gain-iterations']);
const backend = await useFastestBackend();
const truth = loadFeatures(args.dataset!);
mkdirSync(runsDir, { recursive: true });
const first = Number(args['first-seed']);
for (let seed = first; seed < first + Number(args.seeds); seed++) {
  const amputation = removeCompletelyAtRandom(truth, 0.2, createRng(1000 + seed));
  const score = (filled: NumericMatrix) => imputationRmse(truth, filled, amputation.removed);
  const line: Record<string, unknown> = { dataset: args.dataset, missing: 'mcar 0.2', seed, backend, threads: process.env.GANTRY_TORCH_THREADS ?? null };
  if (methods.includes('mean')) {
    const r = await cpuSeconds(() => score(meanImpute(amputation.data)));
    Object.assign(line, { mean: r.value, meanCpuSeconds: r.cpu });
  }
  if (methods.includes('gain')) {
    const r = await cpuSeconds(async () => {
      const imputer = await trainGain(amputation.data, { seed, iterations: gainIterations });
      try { return score(imputer.impute(amputation.data)); } finally { imputer.dispose(); }
    });
    Object.assign(line, { gain: r.value, gainIterations, gainCpuSeconds: r.cpu });
  }
  if (methods.includes('misgan')) {
    const r = await cpuSeconds(async () => {
      const imputer = await trainMisgan(amputation.data, { seed, ...misganSettings });
      try { return draws.map((n) => score(imputer.impute(amputation.data, { draws: n }))); } finally { imputer.dispose(); }
    });
    Object.assign(line, { misgan: Object.fromEntries(draws.map((n, i) => [`draws${n}`, r.value[i]])), misganSettings, misganCpuSeconds: r.cpu });
  }
  appendFileSync(args.out!, JSON.stringify(line) + '\n');
  console.log(JSON.stringify(line));
}
