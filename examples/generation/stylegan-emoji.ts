// StyleGAN against the existing DCGAN on emoji:google at 32 px, each trained for the same CPU budget (this
// process's user + system seconds, one torch thread), StyleGAN with and without DiffAugment; all sampled from
// their EMA generators. Scores against the fixed test split (371 images) in the emoji classifier's features
// (images and test split both bilinearly resized 32 -> 64, the classifier's input): Frechet distance, KID and
// precision/recall (k = 3); then a truncation sweep psi 1.0 .. 0.5 of the plain StyleGAN, a style-mixing grid
// and an interpolation strip (PNG, into --img). Prints one JSON line per measurement; --floor-only stops after
// the floor (the training split against the test split).
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx \
//     examples/generation/stylegan-emoji.ts --seed 0 --cpu-seconds 200 --img docs/img
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  arrayDataSource, createRng, dcganDiscriminator, dcganGenerator, interpolate, memoryRunStore, randomNormal, styleganSample, styleMixGrid, trainGan,
  trainStylegan, writeImageGrid, type StyleGenerator, type StyleganOptions,
} from '@gantry/core/node';
import { cpuSeconds } from '../common/measure.js';
import { cpuBudget as budgetOf, emojiScoring, SIZE } from './emoji-scoring.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' }, 'cpu-seconds': { type: 'string', default: '200' }, img: { type: 'string', default: 'docs/img' },
    batch: { type: 'string', default: '16' }, 'floor-only': { type: 'boolean', default: false },
  },
});
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);
const seed = Number(values.seed);
const budget = Number(values['cpu-seconds']);
const batchSize = Number(values.batch);
const started = cpuSeconds();
const emit = (row: Record<string, unknown>) => console.log(JSON.stringify({ ...row, seed, totalCpuSeconds: +(cpuSeconds() - started).toFixed(0) }));

const { train, test, score, floor } = emojiScoring();
const cpuBudget = () => budgetOf(budget);
emit({ model: 'train split (floor)', images: test.count, ...floor() });
if (values['floor-only']) process.exit(0);

const seeds = Array.from({ length: test.count }, (_, i) => 1000 + i);
let plain: StyleGenerator | undefined;
for (const augment of [false, true]) {
  const b = cpuBudget();
  const options: StyleganOptions = {
    seed, steps: 100000, batchSize, resolution: SIZE, latentDim: 64, mappingDepth: 8, maxChannels: 32, channelBase: 512,
    r1Gamma: 1, r1Every: 16, emaDecay: 0.995, ...(augment ? { augment: ['color', 'translation', 'cutout'] } : {}),
  };
  const r = await trainStylegan(train, options, { store: memoryRunStore(), signal: b.signal, callbacks: b.callbacks });
  const cpu = cpuSeconds() - b.from;
  const images = styleganSample(r.averaged, seeds);
  emit({ model: augment ? 'stylegan + DiffAugment' : 'stylegan', steps: r.step, cpuSeconds: +cpu.toFixed(0), ...score(images) });
  images.dispose();
  if (!augment) plain = r.averaged;
}

{
  const b = cpuBudget();
  const latentDim = 64;
  const generator = dcganGenerator({ imageSize: SIZE, channels: 3, latentDim, baseFilters: 32, seed });
  const discriminator = dcganDiscriminator({ imageSize: SIZE, channels: 3, baseFilters: 32, seed: seed + 1 });
  const r = await trainGan({
    generator, discriminator, steps: 100000, data: arrayDataSource(train), store: memoryRunStore(), progress: 'off', signal: b.signal, callbacks: b.callbacks,
    config: { loss: 'nonsaturating', latentDim, seed, batchSize, emaDecay: 0.995 },
  });
  const cpu = cpuSeconds() - b.from;
  const z = randomNormal(createRng(seed + 7), [test.count, latentDim]);
  const images = tf.tidy(() => tf.clipByValue(r.emaGenerator!.predict(z) as tf.Tensor, -1, 1)) as tf.Tensor4D;
  emit({ model: 'dcgan', steps: r.step, cpuSeconds: +cpu.toFixed(0), ...score(images) });
  tf.dispose([z, images]);
}

for (const psi of [1, 0.9, 0.8, 0.7, 0.6, 0.5]) {
  const images = styleganSample(plain!, seeds, { psi });
  emit({ model: 'stylegan', psi, ...score(images) });
  images.dispose();
}

const grid = styleMixGrid(plain!, [1, 2, 3, 4], [5, 6, 7, 8, 9], { psi: 0.8 });
writeImageGrid(join(values.img, 'stylegan-mix.png'), grid, { columns: 5, scale: 2 });
const strip = interpolate(plain!, 1, 2, 8, { psi: 0.8 });
writeImageGrid(join(values.img, 'stylegan-interpolation.png'), strip, { columns: 8, scale: 2 });
const samples = styleganSample(plain!, Array.from({ length: 32 }, (_, i) => i), { psi: 0.8 });
writeImageGrid(join(values.img, 'stylegan-samples.png'), samples, { columns: 8, scale: 2 });
tf.dispose([grid, strip, samples]);
emit({ done: true, backend: engine });
