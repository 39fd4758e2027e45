// ProGAN on emoji:google at 32 px for a CPU budget (this process's user + system seconds, one torch thread), the
// same budget and scoring as the StyleGAN and DCGAN rows of docs/generation.md (emoji-scoring.ts): 371 samples,
// seeds 1000..1370, from the averaged G and from the trained G, at the phase the run stopped in (shown at 32 px).
// Prints one JSON line when each growing phase starts and one per score; writes 32 samples (seeds 0..31, averaged
// G) to --img/progan-samples.png.
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx \
//     examples/generation/progan-emoji.ts --seed 0 --cpu-seconds 220 --phase-steps 400 --img docs/img
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { memoryRunStore, proganSample, trainProgan, writeImageGrid, type ProganOptions } from '@gantry/core/node';
import { cpuSeconds } from '../common/measure.js';
import { cpuBudget, emojiScoring, SIZE } from './emoji-scoring.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' }, 'cpu-seconds': { type: 'string', default: '220' }, img: { type: 'string', default: '' },
    batch: { type: 'string', default: '16' }, 'phase-steps': { type: 'string', default: '400' }, 'fade-fraction': { type: 'string', default: '0.5' },
    augment: { type: 'boolean', default: false },
  },
});
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);
const seed = Number(values.seed);
const started = cpuSeconds();
const emit = (row: Record<string, unknown>) => console.log(JSON.stringify({ ...row, seed, totalCpuSeconds: +(cpuSeconds() - started).toFixed(0) }));

const { train, test, score } = emojiScoring();
const options: ProganOptions = {
  seed, steps: 1_000_000, batchSize: Number(values.batch), resolution: SIZE, latentDim: 64, maxChannels: 32, channelBase: 512,
  phaseSteps: Number(values['phase-steps']), fadeFraction: Number(values['fade-fraction']), emaDecay: 0.995,
  ...(values.augment ? { augment: ['color', 'translation', 'cutout'] } : {}),
};
const b = cpuBudget(Number(values['cpu-seconds']));
let resolution = 0;
const r = await trainProgan(train, options, {
  store: memoryRunStore(), signal: b.signal,
  callbacks: {
    onStep: (info) => {
      b.callbacks.onStep();
      if (info.losses.resolution !== resolution) {
        resolution = info.losses.resolution;
        emit({ phase: resolution, step: info.step, cpuSeconds: +(cpuSeconds() - b.from).toFixed(1) });
      }
    },
  },
});
const cpu = +(cpuSeconds() - b.from).toFixed(0);
const seeds = Array.from({ length: test.count }, (_, i) => 1000 + i);
const model = `progan${values.augment ? ' + DiffAugment' : ''}`;
for (const [generator, name] of [[r.averaged, 'EMA'], [r.generator, 'no EMA']] as const) {
  const images = proganSample(generator, seeds, r.phase);
  emit({ model: `${model} (${name})`, steps: r.step, phase: r.phase, cpuSeconds: cpu, ...score(images) });
  images.dispose();
}
if (values.img) {
  const samples = proganSample(r.averaged, Array.from({ length: 32 }, (_, i) => i), r.phase);
  writeImageGrid(join(values.img, `progan${values.augment ? '-diffaugment' : ''}-samples-seed${seed}.png`), samples, { columns: 8, scale: 2 });
  samples.dispose();
}
emit({ done: true, backend: engine, trainImages: train.count });
