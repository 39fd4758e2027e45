// Scores the PyTorch twin's samples (stylegan_twin.py: <out>/seed<S>-ema.npy and -trained.npy, [N, 32, 32, 3]
// float32 in [-1, 1], and the run's JSON line in <out>/seed<S>.json) with core's emojiScoring, the code that scores
// gantry's runs in compare-generators.ts: FD, KID, precision / recall (k = 3) in the emoji classifier's features
// against the fixed test split. Prints one JSON line per generator in compare-generators.ts's shape (model
// "stylegan (PyTorch twin)"), so that compare-summary.ts tabulates both files together.
//   node --conditions=gantry-source --import tsx examples/generation/reference/score-twin.ts runs/helperC/twin 0 1 2
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { emojiScoring } from '@gantry/core/node';
import { TWIN_NETWORKS } from './twin-settings.js';
import { readNpyFloat32 } from './npy.js';
import { cpuSeconds } from '../../common/measure.js';
import { rounded } from '../emoji-scoring.js';

const [dir, ...seedArgs] = process.argv.slice(2);
if (!dir || seedArgs.length === 0) throw new Error('usage: score-twin.ts TWIN_OUT_DIR SEED...');
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);

const started = cpuSeconds();
const side = TWIN_NETWORKS.resolution;
const scoring = emojiScoring({ style: 'google', size: side });
const files = { EMA: 'ema', 'no EMA': 'trained' } as const;
for (const seed of seedArgs.map(Number)) {
  const run = JSON.parse(readFileSync(join(dir, `seed${seed}.json`), 'utf8')) as { seed: number; steps: number; trainCpuSeconds: number; samples: number };
  if (run.seed !== seed) throw new Error(`${dir}/seed${seed}.json holds seed ${run.seed}`);
  for (const [generator, suffix] of Object.entries(files)) {
    const { shape, values } = readNpyFloat32(join(dir, `seed${seed}-${suffix}.npy`));
    if (shape.length !== 4 || shape[1] !== side || shape[2] !== side || shape[3] !== 3) throw new Error(`seed ${seed} ${generator}: samples of shape [${shape}]`);
    if (shape[0] !== scoring.test.count) throw new Error(`seed ${seed} ${generator}: ${shape[0]} samples, the test split has ${scoring.test.count}`);
    const images = tf.tensor4d(values, shape as [number, number, number, number]);
    const s = rounded(scoring.score(images));
    images.dispose();
    console.log(JSON.stringify({
      data: 'emoji', model: 'stylegan (PyTorch twin)', augment: false, generator, seed, steps: run.steps, trainCpuSeconds: Math.round(run.trainCpuSeconds), ...s,
      samples: shape[0], scoreCpuSeconds: +(cpuSeconds() - started).toFixed(0), backend: engine,
    }));
  }
}
scoring.dispose();
