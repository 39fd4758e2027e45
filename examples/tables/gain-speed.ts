// Wall and CPU time per GAIN iteration (one D and one G update, batch 128, inside the training loop) on each tfjs
// backend available here, for letter's and spam's widths. On a shared machine only the ratios mean much.
//
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/tables/gain-speed.ts [--iterations 200] [--backends cpu,torch] [--docs]
//
// --docs writes the command and its output into docs/tables.md (section gain-speed).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { createRng, removeCompletelyAtRandom, trainGain } from '@gantry/core';
import { writeDocsSection } from './docs-section.js';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '200' }, backends: { type: 'string', default: 'cpu,torch' }, docs: { type: 'boolean', default: false } } });
const iterations = Number(args.iterations);
const lines: string[] = [];
for (const backend of args.backends!.split(',')) {
  if (backend === 'torch') await import('@gantry/tfjs-backend-torch');
  // IS_TEST only silences tfjs-backend-cpu's banner; it also turns on per-kernel leak checks, so cpu only
  tf.env().set('IS_TEST', backend === 'cpu');
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
  for (const cols of [16, 57]) {
    const rng = createRng(2);
    const values = Float64Array.from({ length: 2000 * cols }, () => rng.next());
    const data = removeCompletelyAtRandom({ rows: 2000, cols, values }, 0.2, rng).data;
    // timed from the end of the 50th (warm-up) iteration to the end of the last; every step reads its losses
    const warmUp = 50;
    let cpu = process.cpuUsage();
    let t = 0;
    let wall = 0;
    let used = cpu;
    const imputer = await trainGain(data, { seed: 1, iterations: warmUp + iterations }, { callbacks: { onStep: ({ step }) => {
      if (step === warmUp) { cpu = process.cpuUsage(); t = performance.now(); }
      if (step === warmUp + iterations) { wall = (performance.now() - t) / iterations; used = process.cpuUsage(cpu); }
    } } });
    imputer.dispose();
    lines.push(`${backend}: ${cols} columns (letter 16, spam 57), batch 128: ${wall.toFixed(2)} ms/iteration wall, ${((used.user + used.system) / 1000 / iterations).toFixed(2)} ms CPU; ${tf.memory().numTensors} tensors left`);
    console.log(lines[lines.length - 1]);
  }
}

if (args.docs) {
  const command = `GANTRY_TORCH_THREADS=${process.env.GANTRY_TORCH_THREADS ?? ''} node --conditions=gantry-source --import tsx examples/tables/gain-speed.ts --iterations ${iterations} --backends ${args.backends}`;
  writeDocsSection('gain-speed', ['```', `$ ${command}`, ...lines, '```'].join('\n'));
}
