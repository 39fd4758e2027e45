// Trains gantry's MLP GAN on Fashion-MNIST (flattened 784-d images in [-1, 1]) and checkpoints it into a
// run directory for examples/eval/evaluate.ts. Its PyTorch twin: torch_dcgan.py --arch mlp.
//   node --conditions=gantry-source --import tsx examples/eval/train-gantry-mlp.ts --steps 2000 --seed 1 --run runs/gantry-mlp-2000 [--backend cpu]
// G: z(64) -> 256 -> 256 -> 784 tanh (leaky ReLU 0.2); D: 784 -> 256 -> 256 -> 1 logit (leaky ReLU 0.2);
// non-saturating loss, Adam 2e-4 beta1 0.5 (the 'dcgan' preset), batch 64.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { arrayDataSource, mlpDiscriminator, mlpGenerator, trainGan } from '@gantry/core';
import { loadFashionMnist } from '@gantry/core/node';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    run: { type: 'string', default: 'runs/gantry-mlp' },
    backend: { type: 'string', default: 'cpu' },
  },
});
// gantry's LibTorch backend, when asked for (its addon builds on first import).
if (args.backend === 'torch') await import('@gantry/tfjs-backend-torch');
await tf.setBackend(args.backend);
const seed = Number(args.seed);
const steps = Number(args.steps);
const train = loadFashionMnist({ split: 'train' });
const data = arrayDataSource({ ...train, itemShape: [28 * 28] });
const generator = mlpGenerator({ latentDim: 64, outputDim: 784, hidden: [256, 256], hiddenActivation: 'leakyRelu', outputActivation: 'tanh', seed });
const discriminator = mlpDiscriminator({ inputDim: 784, hidden: [256, 256], hiddenActivation: 'leakyRelu', seed: seed + 1 });
const started = Date.now();
await trainGan({
  generator, discriminator, data, steps, runDir: args.run, progress: 'lines',
  config: { loss: 'nonsaturating', latentDim: 64, seed, batchSize: 64, preset: 'dcgan', checkpointEvery: 50, logEvery: 100 },
});
console.log(`trained ${steps} steps in ${((Date.now() - started) / 1000).toFixed(0)} s on ${tf.getBackend()}; checkpoints in ${args.run}`);
