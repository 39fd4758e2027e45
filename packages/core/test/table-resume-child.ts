// Child process for table-resume.test.ts: trains a table variant (GAIN, the anomaly GAN, RadialGAN, the synthesizer) into a
// run directory with a checkpoint every iteration, reporting each on stdout and pausing so that the parent
// can SIGKILL it mid-run.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import type { LoopOptions } from '../src/index.js';
import { resumeRuns, type TableVariant } from './table-fixtures.js';

const [variant, runDir] = process.argv.slice(2) as [TableVariant, string];
await tf.setBackend('cpu');
const run: LoopOptions = {
  runDir,
  callbacks: {
    onCheckpoint: async ({ step }) => {
      process.stdout.write(`checkpoint ${step}\n`);
      await new Promise((r) => setTimeout(r, 300));
    },
  },
};
(await resumeRuns[variant].train({ checkpointEvery: 1 }, run)).dispose();
process.stdout.write('finished\n');
