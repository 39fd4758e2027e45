// Trains one configuration on ring8 or grid25 through @gantry/core's trainGan and prints mode metrics of
// G and of its EMA copy at several points of the run. Used to search for a configuration that meets the
// mode-collapse target cheaply (one seed, short runs) before confirming it with study.ts.
//
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/mixtures/tune.ts --data ring8 --steps 4000 \
//     --g 256,256,256 --d 256,256 --batch 256 --lr 2e-4 --ema 0.999 --decay 0.25 --eval-every 1000
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { GaussianMixture2D } from '../../packages/core/src/index.js';
import { writeScatterPng } from '../../packages/core/src/node.js';
import { cpuSeconds } from '../common/measure.js';
import { evalSamples, evaluateRun, mixtureByName, parseRunSpec, RUN_SPEC_OPTIONS, trainMixture } from './recipe.js';

/** Quantiles of each sample's distance to its nearest mode, in units of the mixture's std: wide clusters or bridges? */
function nearestModeDistanceQuantiles(samples: tf.Tensor, data: GaussianMixture2D, qs: number[]): number[] {
  const xy = samples.dataSync();
  const d: number[] = [];
  for (let i = 0; i < xy.length; i += 2) {
    d.push(Math.min(...data.means.map(([mx, my]) => Math.hypot(xy[i] - mx, xy[i + 1] - my))) / data.std);
  }
  d.sort((a, b) => a - b);
  return qs.map((q) => d[Math.min(d.length - 1, Math.floor(q * d.length))]);
}

const { values } = parseArgs({
  options: {
    ...RUN_SPEC_OPTIONS,
    backend: { type: 'string', default: 'torch' },
    seed: { type: 'string', default: '0' },
    'eval-every': { type: 'string', default: '0' },
    log: { type: 'string' },
    png: { type: 'string' },
  },
});
if (values.backend === 'torch') await import('@gantry/tfjs-backend-torch');
else if (values.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(values.backend!);
await tf.ready();

const spec = parseRunSpec(values);
const data = mixtureByName(values.data!);
const seed = Number(values.seed);
const evalEvery = Number(values['eval-every']);
const started = Date.now();
const rows: string[] = [];
const report = (label: string, samples: tf.Tensor, step: number): void => {
  const m = evaluateRun(samples, data);
  const q = nearestModeDistanceQuantiles(samples, data, [0.25, 0.5, 0.75, 0.9]);
  const line = `${data.name} seed ${seed} step ${step} ${label}: modes ${m.modesCovered}/${m.modes}, ` +
    `high quality ${(100 * m.highQualityFraction).toFixed(1)}%, KL ${m.klToUniform.toFixed(3)}, ` +
    `distance to nearest mode in std (25/50/75/90%) ${q.map((x) => x.toFixed(1)).join('/')} (${((Date.now() - started) / 1000).toFixed(0)} s)`;
  rows.push(line);
  console.log(line);
};
const result = await trainMixture(spec, data, seed, { evalEvery, onEval: report });
if (values.png) {
  const s = evalSamples(result.sampler, seed);
  writeScatterPng(values.png, s, { references: data.means, extent: data.name === 'ring8' ? 3 : 5.5 });
  s.dispose();
}
// CPU seconds of this process (one ATen thread): about the wall time on an otherwise idle core.
const cpu = cpuSeconds();
const done = `trained and evaluated in ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${cpu.toFixed(0)} s CPU (whole process)`;
rows.push(done);
console.log(done);
if (values.log) appendFileSync(values.log, JSON.stringify({ spec, data: data.name, seed, rows, seconds: (Date.now() - started) / 1000, cpuSeconds: cpu }) + '\n');
result.dispose();
