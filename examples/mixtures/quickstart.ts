// Train a small GAN on the 8-Gaussian ring with @gantry/core's trainer and measure mode coverage.
//   node --conditions=gantry-source --import tsx examples/mixtures/quickstart.ts [steps]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, mlpDiscriminator, mlpGenerator, modeMetrics, ring8, sample, trainGan } from '../../packages/core/src/index.js';

const steps = Number(process.argv[2] ?? 1000);
await tf.setBackend('cpu');
const data = ring8();
const result = await trainGan({
  generator: mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [64, 64], seed: 1 }),
  discriminator: mlpDiscriminator({ inputDim: 2, hidden: [64, 64], seed: 2 }),
  data,
  steps,
  progress: 'off',
  config: { loss: 'nonsaturating', latentDim: 2, seed: 1, batchSize: 100 },
});
const samples = sample(result.generator, 2500, { rng: createRng(7) });
const m = modeMetrics(samples, data);
console.log(`after ${result.step} steps: ${m.modesCovered}/${m.modes} modes, ` +
  `${(100 * m.highQualityFraction).toFixed(1)}% high quality, KL ${m.klToUniform.toFixed(3)}`);
