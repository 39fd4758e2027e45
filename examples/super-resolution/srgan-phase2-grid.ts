// SRGAN phase 2 settings compared from one pretrained SRResNet (docs/translation.md#srgan, issue 16): each
// setting "adv=<adversarialWeight>,pixel=<pixelWeight>,lr=<learningRate>" (';' between settings) is its own
// phase-2 run under --out, started from the newest checkpoint of --pretrained (a phase-1 run directory, which
// is only read: its SRResNet is loaded by a resume that trains no further step) with the same seed, so the
// settings differ in nothing else. A rerun with a larger --steps resumes each run (bit for bit the same as
// one uninterrupted run). Prints one JSON line per setting with the scores of sr-scores.ts, the last logged
// losses and this process's CPU seconds (user + system) for that setting's training.
//   GANTRY_TORCH_THREADS=1 nice -n 5 node --conditions=gantry-source --import tsx examples/super-resolution/srgan-phase2-grid.ts \
//     --pretrained runs/helperD/s0/srresnet --pretrained-steps 1500 --steps 250 --out runs/helperD/grid \
//     --settings 'adv=1e-3,pixel=0,lr=1e-4;adv=1e-3,pixel=1,lr=1e-4'
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  comparisonRows, contentNetwork, fileRunStore, readClassifierJson, resumeSrgan, resumeSrResNet, trainSrgan, upsampleDataset, upsampleImages,
  upscaleImages, writeImageGrid, type SrganOptions,
} from '@gantry/core/node';
import { cpuSeconds } from '../common/measure.js';
import { emojiPairs, scorer } from './sr-scores.js';

const { values } = parseArgs({
  options: {
    pretrained: { type: 'string' }, 'pretrained-steps': { type: 'string' }, steps: { type: 'string', default: '250' },
    seed: { type: 'string', default: '0' }, batch: { type: 'string', default: '16' }, settings: { type: 'string' },
    'content-layer': { type: 'string', default: 'conv3' }, out: { type: 'string' }, grid: { type: 'string' },
  },
});
if (!values.pretrained || !values['pretrained-steps'] || !values.settings || !values.out) {
  throw new Error('needs --pretrained <phase-1 run dir> --pretrained-steps <its step> --settings <...> --out <dir>');
}
const engine = await import('@gantry/tfjs-backend-torch').then(() => 'torch', () => 'cpu');
await tf.setBackend(engine);
const seed = Number(values.seed);
const steps = Number(values.steps);

interface Setting { adversarialWeight: number; pixelWeight: number; learningRate: number; label: string }
function parseSetting(text: string): Setting {
  const fields = Object.fromEntries(text.split(',').map((kv) => kv.trim().split('=')));
  for (const key of Object.keys(fields)) if (!['adv', 'pixel', 'lr'].includes(key)) throw new Error(`setting ${text}: unknown key ${key}`);
  const setting = { adversarialWeight: Number(fields.adv ?? 1e-3), pixelWeight: Number(fields.pixel ?? 0), learningRate: Number(fields.lr ?? 1e-4) };
  return { ...setting, label: `adv${setting.adversarialWeight}-pixel${setting.pixelWeight}-lr${setting.learningRate}` };
}
const settings = values.settings.split(';').filter((s) => s.trim()).map(parseSetting);

const [train, test] = [emojiPairs('train'), emojiPairs('test')];
const { truth, score } = scorer(test);
// resume at the checkpoint's own step trains nothing: it only loads phase 1's G
const pre = await resumeSrResNet(train, { runDir: values.pretrained, steps: Number(values['pretrained-steps']) });
const preOut = upscaleImages(pre.generator, test.source);
console.log(JSON.stringify({ method: 'srresnet', seed, steps: pre.step, ...score(preOut), backend: engine }));

const content = contentNetwork(readClassifierJson('emoji'), values['content-layer']);
const outputs: tf.Tensor4D[] = [];
for (const s of settings) {
  const dir = join(values.out, s.label);
  const options: SrganOptions = {
    seed, batchSize: Number(values.batch), contentLayer: content.layer, checkpointEvery: 250, steps,
    adversarialWeight: s.adversarialWeight, pixelWeight: s.pixelWeight, learningRate: s.learningRate,
  };
  const start = cpuSeconds();
  const run = { runDir: dir, progressEvery: 50, onProgress: ({ step, losses }: { step: number; losses: Record<string, number> }) =>
    console.error(`${s.label} step ${step} ${Object.entries(losses).map(([k, v]) => `${k} ${v.toFixed(5)}`).join(' ')}`) };
  const r = existsSync(dir) && (await fileRunStore(dir).loadLatestCheckpoint())
    ? await resumeSrgan(train, content, { ...run, steps })
    : await trainSrgan(train, options, content, pre.generator, run);
  const cpu = cpuSeconds() - start;
  const out = upscaleImages(r.generator, test.source);
  outputs.push(out);
  // the last 50 logged steps' mean losses, from the run's own metrics file
  const rows = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>)
    .filter((m) => typeof m.step === 'number' && m.step > r.step - 50 && typeof m['g/content'] === 'number');
  const mean = (k: string) => +(rows.reduce((a, m) => a + (m[k] ?? 0), 0) / Math.max(1, rows.length)).toFixed(4);
  console.log(JSON.stringify({
    method: 'srgan', ...s, seed, steps: r.step, ...score(out), lastLosses: Object.fromEntries(['g/content', 'g/adversarial', 'g/mse', 'd/adversarial'].map((k) => [k, mean(k)])),
    backend: engine, cpuSeconds: +cpu.toFixed(1),
  }));
  r.generator.dispose();
  r.discriminator?.dispose();
}

if (values.grid) {
  // low-res (each pixel as a 4 x 4 block) | bicubic | SRResNet | each setting | truth, for every 12th test image
  const pick = Array.from({ length: 8 }, (_, i) => i * 12);
  const take = (x: tf.Tensor4D) => tf.gather(x, pick) as tf.Tensor4D;
  const low = upsampleImages(tf.tensor4d(test.source.values, [test.source.count, 16, 16, 3]), 4, 'area');
  const columns = [low, upsampleDataset(test.source, 4, 'bicubic'), preOut, ...outputs, truth];
  writeImageGrid(values.grid, comparisonRows(columns.map(take), pick.length), { range: 'tanh', columns: columns.length });
  console.error(`grid (low-res | bicubic | SRResNet | ${settings.map((s) => s.label).join(' | ')} | truth): ${values.grid}`);
}
