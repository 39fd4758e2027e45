// Child process for gain-resume.test.ts: trains GAIN into a run directory with a checkpoint every
// iteration, reporting each on stdout and pausing so that the parent can SIGKILL it mid-run.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { createRng, removeCompletelyAtRandom, trainGain } from '../src/index.js';
import { correlatedTable, resumeRun } from './gain-fixtures.js';

const runDir = process.argv[2];
await tf.setBackend('cpu');
const data = removeCompletelyAtRandom(correlatedTable(resumeRun.rows, 1), 0.2, createRng(2)).data;
await trainGain(data, { ...resumeRun.options, checkpointEvery: 1 }, {
  runDir,
  callbacks: {
    onCheckpoint: async ({ step }) => {
      process.stdout.write(`checkpoint ${step}\n`);
      await new Promise((r) => setTimeout(r, 300));
    },
  },
});
process.stdout.write('finished\n');
