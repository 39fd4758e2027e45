// Child process for resume.test.ts: trains with a checkpoint every step and reports each one on
// stdout, pausing briefly so that the parent can SIGKILL it in the middle of the run.
import * as tf from '@tensorflow/tfjs-core';
import '../src/node.js';
import { trainGan } from '../src/train/index.js';
import { resumeConfig, resumeModels } from './train-resume-setup.js';
import { gaussianSource } from './train-fixtures.js';

const [runDir, steps] = [process.argv[2], Number(process.argv[3])];
await tf.setBackend('cpu');
await trainGan({
  ...resumeModels(), data: gaussianSource({ mean: 2, std: 0.5 }), config: { ...resumeConfig, checkpointEvery: 1 }, steps, runDir, progress: 'off',
  callbacks: {
    onCheckpoint: async ({ step }) => {
      process.stdout.write(`checkpoint ${step}\n`);
      await new Promise((r) => setTimeout(r, 300));
    },
  },
});
process.stdout.write('finished\n');
