// SRGAN x4 on emoji:google (16 -> 64 px), measured on the fixed test split (371 images) against the floors.
// Trains SRResNet on MSE (phase 1, Adam --lr-pretrain), then fine-tunes it as SRGAN (phase 2, Adam --lr, 3e-5
// by default since issue 16: content loss in the emoji classifier's conv3 features + --adversarial-weight x
// adversarial + --pixel-weight x pixel MSE), each into
// its own run directory under --out (a rerun resumes them from their checkpoints, with the options they were
// started with), and prints one JSON line per method with the scores of sr-scores.ts (L1, PSNR, SSIM,
// sharpness, sub-block detail, FD), the seed and the CPU seconds (user + system) of this process.
// --icnr true|false sets SRResNet's ICNR initialisation (core's default when absent); --steps 0 stops after phase 1.
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/super-resolution/srgan-emoji.ts \
//     --seed 0 --pretrain-steps 2000 --steps 1000 --out runs/srgan-emoji-s0
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  comparisonRows, contentNetwork, fileRunStore, readClassifierJson, resumeSrgan, resumeSrResNet, trainSrgan, trainSrResNet, upsampleDataset,
  upsampleImages, upscaleImages, writeImageGrid, UPSAMPLING_FLOORS, type SrganOptions, type SrganResult,
} from '@gantry/core/node';
import { cpuSeconds } from '../common/measure.js';
import { emojiPairs, scorer } from './sr-scores.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' }, 'pretrain-steps': { type: 'string', default: '2000' }, steps: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '16' }, 'lr-pretrain': { type: 'string', default: '2e-4' }, lr: { type: 'string', default: '3e-5' },
    // absent: core's defaults (1e-3 and 1; ICNR off)
    'adversarial-weight': { type: 'string' }, 'pixel-weight': { type: 'string' }, icnr: { type: 'string' },
    'content-layer': { type: 'string', default: 'conv3' }, out: { type: 'string', default: 'runs/srgan-emoji-s0' }, grid: { type: 'string' },
  },
});
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);
const seed = Number(values.seed);
const [train, test] = [emojiPairs('train'), emojiPairs('test')];
const { truth, score } = scorer(test);

function report(method: string, output: tf.Tensor4D, extra: Record<string, unknown>) {
  console.log(JSON.stringify({ method, seed, ...score(output), backend: engine, ...extra }));
}

for (const method of UPSAMPLING_FLOORS) {
  const start = cpuSeconds();
  const out = upsampleDataset(test.source, 4, method);
  report(method, out, { cpuSeconds: +(cpuSeconds() - start).toFixed(1) });
  out.dispose();
}

mkdirSync(values.out, { recursive: true });
if (![undefined, 'true', 'false'].includes(values.icnr)) throw new Error(`--icnr must be true or false, got ${values.icnr}`);
const options: SrganOptions = {
  seed, batchSize: Number(values.batch), contentLayer: values['content-layer'], checkpointEvery: 250,
  ...(values.icnr ? { icnr: values.icnr === 'true' } : {}),
  ...(values['adversarial-weight'] ? { adversarialWeight: Number(values['adversarial-weight']) } : {}),
  ...(values['pixel-weight'] ? { pixelWeight: Number(values['pixel-weight']) } : {}),
};
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
report('srresnet', preOut, {
  steps: pre.r.step, learningRate: mseOptions.learningRate, icnr: options.icnr ?? 'default', batch: options.batchSize, cpuSeconds: +pre.cpu.toFixed(1),
});

if (Number(values.steps) === 0) process.exit(0);   // --steps 0: phase 1 alone (the ICNR comparison of issue 16)

const content = contentNetwork(readClassifierJson('emoji'), values['content-layer']);
const ganOptions = { ...options, steps: Number(values.steps), learningRate: Number(values.lr) };
const ganDir = join(values.out, 'srgan');
const gan = await phase(ganDir, () => trainSrgan(train, ganOptions, content, pre.r.generator, { runDir: ganDir, ...progress('srgan') }),
  () => resumeSrgan(train, content, { runDir: ganDir, steps: ganOptions.steps, ...progress('srgan') }));
const ganOut = upscaleImages(gan.r.generator, test.source);
report('srgan', ganOut, {
  steps: gan.r.step, after: `srresnet step ${pre.r.step}`, learningRate: ganOptions.learningRate, contentLayer: content.layer, batch: options.batchSize,
  adversarialWeight: options.adversarialWeight ?? 'default', pixelWeight: options.pixelWeight ?? 'default', cpuSeconds: +gan.cpu.toFixed(1),
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
