// Child process for pix2pix.test.ts: trains the tiny pix2pix into a run directory with a checkpoint
// every step, reporting each and pausing so that the parent can SIGKILL it mid-run.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { trainPix2pix } from '../src/index.js';
import { tinyOptions, tinyPairs } from './pix2pix-fixtures.js';

const [runDir] = process.argv.slice(2);
await tf.setBackend('cpu');
await trainPix2pix(tinyPairs(), { ...tinyOptions, checkpointEvery: 1 }, {
  runDir,
  callbacks: {
    onCheckpoint: async ({ step }) => {
      process.stdout.write(`checkpoint ${step}\n`);
      await new Promise((r) => setTimeout(r, 300));
    },
  },
});
process.stdout.write('finished\n');
