// One rank of the data-parallel equivalence test (distributed.test.ts): trains the classic GAN
// (non-saturating, also with a batch-norm generator, synchronised or per rank), WGAN-GP and GAIN for a few steps of a full batch of FULL_BATCH rows, split over the
// ranks that torchrun's environment describes (one process when WORLD_SIZE is unset), and prints every
// trained weight as one JSON line per case (rank 0 only).
import * as tf from '@tensorflow/tfjs-core';
import { mlpDiscriminator, mlpGenerator, ring8, trainGain, trainGan, type LossName, type Replicas } from '@gantry/core';
import { replicasFromEnv } from '../src/distributed.js';
import { selectBackend } from '../src/backend.js';

const FULL_BATCH = 32;
const STEPS = 6;

async function weightsOf(models: readonly { getWeights(): tf.Tensor[] }[]): Promise<number[][]> {
  return Promise.all(models.flatMap((m) => m.getWeights()).map(async (w) => Array.from(await w.data())));
}

async function classic(loss: LossName, replicas: Replicas | undefined, batchNorm?: 'synced' | 'per-rank'): Promise<number[][]> {
  const generator = mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [16, 16], seed: 1, batchNorm: batchNorm !== undefined });
  const discriminator = mlpDiscriminator({ inputDim: 2, hidden: [16, 16], seed: 2 });
  const r = await trainGan({
    generator, discriminator, data: ring8(), steps: STEPS, progress: 'off', replicas,
    config: {
      loss, latentDim: 2, batchSize: FULL_BATCH, seed: 3, sampleEvery: 0, criticSteps: loss === 'wgan-gp' ? 2 : 1, syncBatchNorm: batchNorm === 'synced',
    },
  });
  return weightsOf([r.generator, r.discriminator]);
}

async function gain(replicas: Replicas | undefined): Promise<number[][]> {
  const rows = 64;
  const cols = 3;
  const values = Float64Array.from({ length: rows * cols }, (_, k) => (k % 7 === 3 ? NaN : Math.sin(k) * (1 + (k % cols))));
  const imputer = await trainGain({ rows, cols, values }, { iterations: STEPS, batchSize: FULL_BATCH, hiddenDim: 8, seed: 4 }, { replicas });
  return weightsOf([imputer.generator]);
}

await selectBackend();
const replicas = await replicasFromEnv();
const cases: Record<string, () => Promise<number[][]>> = {
  nonsaturating: () => classic('nonsaturating', replicas),
  'wgan-gp': () => classic('wgan-gp', replicas),
  gain: () => gain(replicas),
  'batchnorm-synced': () => classic('nonsaturating', replicas, 'synced'),
  'batchnorm-per-rank': () => classic('nonsaturating', replicas, 'per-rank'),
};
for (const [name, run] of Object.entries(cases)) {
  const weights = await run();
  if ((replicas?.rank ?? 0) === 0) console.log(JSON.stringify({ case: name, worldSize: replicas?.worldSize ?? 1, weights }));
}
