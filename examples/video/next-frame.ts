// Next-frame prediction on Moving MNIST (docs/video.md): trains the predictor three ways (mse, adversarial,
// adversarial+gdl) with the same seed and steps, each into its own run directory under --out (a rerun
// resumes them), and scores all three and the copy-last-frame baseline per predicted frame on the fixed
// test set (sequences of the mnist package's 'test' digits, which no training sequence uses). Prints one
// JSON line per method and frame, writes the results, a PNG strip and a GIF to docs/img/ (--docs; named
// NAME-results.json, NAME-strip.png, NAME-predictions.gif with --docs-name NAME, default video; only the
// results with --results-only, for extra seeds), and reports
// the CPU seconds (user + system) of each training done by this process (a finished run that is only
// re-scored reports its few seconds of resuming, with resumed: true).
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/video/next-frame.ts \
//     --seed 1 --steps 600 --size 32
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  comparisonGif, comparisonStrip, copyLastFrame, framesOf, loadFeatureExtractor, loadMnistPackage, movingMnist, predictFrames, resolveVideoOptions, resumeVideo, scoreFrames,
  trainVideo, writeImageGrid, VIDEO_LOSSES, type FrameScores, type VideoLoss, type VideoOptions,
} from '@gantry/core/node';
import { repoRoot, useFastestBackend } from '../tables/docs-section.js';
import { cpuSeconds } from '../common/measure.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' }, steps: { type: 'string', default: '600' }, size: { type: 'string', default: '32' },
    batch: { type: 'string', default: '16' }, 'test-count': { type: 'string', default: '512' }, 'test-seed': { type: 'string', default: '2015' },
    out: { type: 'string', default: 'runs/video-next-frame' }, losses: { type: 'string', default: VIDEO_LOSSES.join(',') }, docs: { type: 'boolean', default: false },
    'docs-name': { type: 'string', default: 'video' }, 'results-only': { type: 'boolean', default: false },
  },
});
const backend = await useFastestBackend();
const size = Number(values.size) as 32 | 64;
const [context, future] = [10, 10];
const base: VideoOptions = { seed: Number(values.seed), steps: Number(values.steps), batchSize: Number(values.batch), size, digits: 2, context, future };

const trainDigits = loadMnistPackage({ split: 'train' });
const test = movingMnist(loadMnistPackage({ split: 'test' }), { count: Number(values['test-count']), seed: Number(values['test-seed']), size, digits: 2 });
const truth = tf.tidy(() => tf.transpose(tf.slice(tf.tensor4d(test.values, [test.count, 20, size, size]), [0, context, 0, 0], [-1, future, -1, -1]), [0, 2, 3, 1])) as tf.Tensor4D;
const mnist = loadFeatureExtractor('mnist');
console.error(`backend ${backend}; train digits ${trainDigits.count} (mnist package, first 80% per digit), test sequences ${test.count} from the other 20%`);

const results: { method: string; trainCpuSeconds?: number; resumed?: boolean; frames: FrameScores[] }[] = [];
const panels: Float32Array[] = [framesOf(test, 0)];
const withContext = (predicted: tf.Tensor4D) => {
  const first = tf.tidy(() => tf.transpose(tf.slice(predicted, [0, 0, 0, 0], [1, -1, -1, -1]), [0, 3, 1, 2]).dataSync() as Float32Array);
  const panel = new Float32Array(20 * size * size);
  panel.set(framesOf(test, 0, 0, context));
  panel.set(first, context * size * size);
  return panel;
};
const record = (method: string, predicted: tf.Tensor4D, cpu?: number, resumed?: boolean) => {
  const frames = scoreFrames(predicted, truth, mnist);
  results.push({ method, trainCpuSeconds: cpu, resumed, frames });
  for (const f of frames) console.log(JSON.stringify({ method, ...f, seed: base.seed, steps: base.steps, trainCpuSeconds: cpu, resumed }));
  panels.push(withContext(predicted));
  predicted.dispose();
};

record('copy-last-frame', copyLastFrame(test, context, future));
for (const loss of values.losses!.split(',') as VideoLoss[]) {
  if (!VIDEO_LOSSES.includes(loss)) throw new Error(`--losses: ${loss} is not one of ${VIDEO_LOSSES.join(', ')}`);
  const runDir = join(values.out!, loss.replace('+', '-'));
  const start = cpuSeconds();
  const options = { ...base, loss, checkpointEvery: Math.max(1, Math.round(base.steps! / 4)) };
  const resumed = existsSync(join(runDir, 'latest.json'));
  const r = resumed ? await resumeVideo(trainDigits, { runDir, steps: base.steps }) : await trainVideo(trainDigits, options, { runDir });
  const cpu = cpuSeconds() - start;
  console.error(`${loss}: step ${r.step}, ${cpu.toFixed(0)} CPU s, losses ${JSON.stringify(r.losses)}`);
  record(loss, predictFrames(r.predictor, test, context), cpu, resumed);
}

if (values.docs) {
  const img = join(repoRoot, 'docs', 'img');
  mkdirSync(img, { recursive: true });
  const { lambdaAdv, lambdaGdl, gdlAlpha } = resolveVideoOptions(base);
  writeFileSync(join(img, `${values['docs-name']}-results.json`), `${JSON.stringify({ backend, options: base, weights: { lambdaAdv, lambdaGdl, gdlAlpha }, testSeed: Number(values['test-seed']), testCount: test.count, results }, null, 1)}\n`);
  if (!values['results-only']) {
    writeImageGrid(join(img, `${values['docs-name']}-strip.png`), comparisonStrip(panels, size), { range: 'unit', columns: 20, scale: 64 / size, padding: 1 });
    writeFileSync(join(img, `${values['docs-name']}-predictions.gif`), comparisonGif(panels, size, { scale: 64 / size * 2, delay: 30 }));
  }
  console.error(`wrote docs/img/${values['docs-name']}-results.json${values['results-only'] ? '' : ', -strip.png, -predictions.gif'} (rows / panels: truth, ${results.map((r) => r.method).join(', ')})`);
}
