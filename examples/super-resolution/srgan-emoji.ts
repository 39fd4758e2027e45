// SRGAN x4 on emoji:google (16 -> 64 px), measured on the fixed test split (371 images) against the floors.
// Trains SRResNet on MSE (phase 1), then fine-tunes it as SRGAN (phase 2: content loss in the emoji
// classifier's conv3 features + 1e-3 x adversarial), each into its own run directory under --out (a rerun
// resumes them from their checkpoints), and prints one JSON line per method: L1, PSNR, SSIM, a sharpness
// ratio (the outputs' mean squared finite differences over the truth's: 1 is as sharp as the truth) and
// the Frechet distance in the emoji classifier's 64 features (not independent of SRGAN: its content
// loss uses the same network), with the seed and the CPU seconds (user + system) of this process.
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/super-resolution/srgan-emoji.ts \
//     --seed 0 --pretrain-steps 2000 --steps 1000 --out runs/srgan-emoji-s0
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  comparisonRows, contentNetwork, featureDistances, fileRunStore, loadEmoji, loadFeatureExtractor, readClassifierJson, resumeSrgan, resumeSrResNet,
  superResolutionPairs, superResolutionScores, trainSrgan, trainSrResNet, upsampleDataset, upsampleImages, upscaleImages, writeImageGrid,
  UPSAMPLING_FLOORS, type SrganOptions, type SrganResult,
} from '@gantry/core/node';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' }, 'pretrain-steps': { type: 'string', default: '2000' }, steps: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '16' }, 'lr-pretrain': { type: 'string', default: '2e-4' }, lr: { type: 'string', default: '1e-4' },
    'content-layer': { type: 'string', default: 'conv3' }, out: { type: 'string', default: 'runs/srgan-emoji-s0' }, grid: { type: 'string' },
  },
});
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);
const seed = Number(values.seed);
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const load = (split: 'train' | 'test') => {
  const { dataset, images } = loadEmoji({ style: 'google', split });
  return superResolutionPairs(dataset, 4, images.map((e) => e.image));
};
const [train, test] = [load('train'), load('test')];
const truth = tf.tensor4d(test.target.values, [test.target.count, 64, 64, 3]);
const extractor = loadFeatureExtractor('emoji');

/** Mean squared horizontal and vertical differences: the energy of the finest detail. */
const detail = (x: tf.Tensor4D) => tf.tidy(() => {
  const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [-1, -1, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, -1, x.shape[2] - 1, -1]));
  const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [-1, -1, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, x.shape[1] - 1, -1, -1]));
  return tf.add(tf.mean(tf.square(dx)), tf.mean(tf.square(dy))).dataSync()[0];
});
const truthDetail = detail(truth);

function report(method: string, output: tf.Tensor4D, extra: Record<string, unknown>) {
  const s = superResolutionScores(output, test);
  const fd = featureDistances(extractor, output, truth).fd;
  console.log(JSON.stringify({
    method, seed, images: s.count, l1: +s.l1.toFixed(4), psnr: +s.psnr.toFixed(2), ssim: +s.ssim.toFixed(4),
    sharpness: +(detail(output) / truthDetail).toFixed(3), fd: +fd.toFixed(3), backend: engine, ...extra,
  }));
}

for (const method of UPSAMPLING_FLOORS) {
  const start = cpuSeconds();
  const out = upsampleDataset(test.source, 4, method);
  report(method, out, { cpuSeconds: +(cpuSeconds() - start).toFixed(1) });
  out.dispose();
}

mkdirSync(values.out, { recursive: true });
const options: SrganOptions = { seed, batchSize: Number(values.batch), contentLayer: values['content-layer'], checkpointEvery: 250 };
const progress = (phase: string) => ({ progressEvery: 100, onProgress: ({ step, losses }: { step: number; losses: Record<string, number> }) =>
  console.error(`${phase} step ${step} ${Object.entries(losses).map(([k, v]) => `${k} ${v.toFixed(5)}`).join(' ')} (${cpuSeconds().toFixed(0)} CPU s)`) });

/** Trains a phase into dir, or resumes it when dir already has a checkpoint. */
async function phase(dir: string, fresh: () => Promise<SrganResult>, resume: () => Promise<SrganResult>): Promise<{ r: SrganResult; cpu: number }> {
  const start = cpuSeconds();
  const r = existsSync(dir) && (await fileRunStore(dir).loadLatestCheckpoint()) ? await resume() : await fresh();
  return { r, cpu: cpuSeconds() - start };
}

const mseOptions = { ...options, steps: Number(values['pretrain-steps']), learningRate: Number(values['lr-pretrain']) };
const mseDir = join(values.out, 'srresnet');
const pre = await phase(mseDir, () => trainSrResNet(train, mseOptions, { runDir: mseDir, ...progress('srresnet') }),
  () => resumeSrResNet(train, { runDir: mseDir, steps: mseOptions.steps, ...progress('srresnet') }));
const preOut = upscaleImages(pre.r.generator, test.source);
report('srresnet', preOut, { steps: pre.r.step, learningRate: mseOptions.learningRate, batch: options.batchSize, cpuSeconds: +pre.cpu.toFixed(1) });

const content = contentNetwork(readClassifierJson('emoji'), values['content-layer']);
const ganOptions = { ...options, steps: Number(values.steps), learningRate: Number(values.lr) };
const ganDir = join(values.out, 'srgan');
const gan = await phase(ganDir, () => trainSrgan(train, ganOptions, content, pre.r.generator, { runDir: ganDir, ...progress('srgan') }),
  () => resumeSrgan(train, content, { runDir: ganDir, steps: ganOptions.steps, ...progress('srgan') }));
const ganOut = upscaleImages(gan.r.generator, test.source);
report('srgan', ganOut, {
  steps: gan.r.step, after: `srresnet step ${pre.r.step}`, learningRate: ganOptions.learningRate, contentLayer: content.layer, batch: options.batchSize,
  cpuSeconds: +gan.cpu.toFixed(1),
});

// low-res (each pixel as a 4 x 4 block) | bicubic | SRResNet | SRGAN | truth, for every 12th test image
const pick = Array.from({ length: 8 }, (_, i) => i * 12);
const take = (x: tf.Tensor4D) => tf.gather(x, pick) as tf.Tensor4D;
const low = tf.tensor4d(test.source.values, [test.target.count, 16, 16, 3]);
const bicubic = upsampleDataset(test.source, 4, 'bicubic');
const grid = comparisonRows([upsampleImages(take(low), 4, 'area'), take(bicubic), take(preOut), take(ganOut), take(truth)], pick.length);
const gridPath = values.grid ?? join(values.out, 'grid.png');
writeImageGrid(gridPath, grid, { range: 'tanh', columns: 5 });
console.error(`grid (low-res | bicubic | SRResNet | SRGAN | truth): ${gridPath}`);
