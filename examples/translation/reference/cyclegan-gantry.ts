// gantry's side of the CycleGAN / DiscoGAN comparison with the authors' code (issue 16, docs/translation.md,
// "CycleGAN and DiscoGAN measured"): trains on the unpaired halves of the emoji training split (unpairedHalves,
// the same images export-emoji-folders.ts writes as trainA / trainB), then writes the 371 test translations of
// both directions as 8-bit PNGs named as the test pairs, for common/score-translations.ts to score exactly as it
// scores the reference's PNGs:
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/translation/reference/cyclegan-gantry.ts \
//     --model cyclegan --seed 0 --steps 3000 --filters 32 --out runs/cyclegan-gantry/s0
// writes OUT/ab/<name>.png (google -> twitter), OUT/ba/<name>.png (twitter -> google) and OUT/timing.json (CPU
// seconds and steps per CPU second of the training alone). --filters sets ngf = ndf (the authors' --ngf --ndf);
// --cycle-weight / --identity-weight the ablation (CycleGAN only); --batch DiscoGAN's batch (CycleGAN: 1);
// --time-from F prints the CPU ms per step of steps F to the last; --no-test skips the test translations.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  encodePng, loadEmojiPair, tileImages, trainCycleGan, trainDiscoGan, translateImages, translationMetrics, unpairedHalves,
  type PairedDataset, type TwoWayResult,
} from '@gantry/core/node';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cyclegan' }, seed: { type: 'string', default: '0' }, steps: { type: 'string', default: '1000' },
    filters: { type: 'string', default: '64' }, batch: { type: 'string', default: '1' }, 'cycle-weight': { type: 'string' },
    'identity-weight': { type: 'string' }, size: { type: 'string', default: '16' }, out: { type: 'string' },
    'time-from': { type: 'string' }, 'no-test': { type: 'boolean', default: false },
  },
});
if (!values.out) throw new Error('usage: cyclegan-gantry.ts --model cyclegan|discogan --seed S --steps N --filters F --out DIR');
if (values.model !== 'cyclegan' && values.model !== 'discogan') throw new Error(`--model must be cyclegan or discogan, got ${values.model}`);
const out = values.out;
const size = Number(values.size) as 16 | 32 | 64;
const [seed, steps, filters, batchSize] = [values.seed, values.steps, values.filters, values.batch].map(Number);
const weight = (v: string | undefined) => (v === undefined ? undefined : Number(v));

await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend('torch'))) throw new Error('the torch backend did not initialise');

const train = loadEmojiPair({ source: 'google', target: 'twitter', size, split: 'train' });
const test = loadEmojiPair({ source: 'google', target: 'twitter', size, split: 'test' });
const halves = unpairedHalves(train);
const common = { seed, steps, batchSize, learningRateDecay: values.model === 'cyclegan' ? 0.5 : 0 };
console.log(`${values.model}: ${halves.a.count} google images in A, ${halves.b.count} twitter images in B, ${steps} steps, seed ${seed}, filters ${filters}`);

const before = process.cpuUsage();
const started = performance.now();
// --time-from F: the CPU time of steps F to the last alone, past start-up and warm-up (pix2pix-speed.py --model cyclegan)
const timeFrom = values['time-from'] === undefined ? undefined : Number(values['time-from']);
let cpuAtFrom: NodeJS.CpuUsage | undefined;
const callbacks = { onStep: ({ step }: { step: number }) => { if (step === timeFrom) cpuAtFrom = process.cpuUsage(); } };
const result: TwoWayResult = values.model === 'cyclegan'
  ? await trainCycleGan(halves, {
    ...common, generatorFilters: filters, discriminatorFilters: filters,
    cycleWeight: weight(values['cycle-weight']), identityWeight: weight(values['identity-weight']),
  }, { progress: 'lines', callbacks })
  : await trainDiscoGan(halves, { ...common, filters }, { progress: 'lines', callbacks });
if (cpuAtFrom && timeFrom !== undefined) {
  const used = process.cpuUsage(cpuAtFrom);
  console.log(`steps ${timeFrom}-${steps}: ${((used.user + used.system) / 1000 / (steps - timeFrom)).toFixed(2)} ms CPU per step`);
}
const cpu = process.cpuUsage(before);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const timing = { model: values.model, seed, steps, filters, batchSize, cpuSeconds, wallSeconds: (performance.now() - started) / 1000, stepsPerCpuSecond: steps / cpuSeconds };
console.log(`trained: ${cpuSeconds.toFixed(1)} CPU s, ${timing.wallSeconds.toFixed(1)} wall s, ${timing.stepsPerCpuSecond.toFixed(2)} steps per CPU second`);

if (values['no-test']) process.exit(0);
const reversed: PairedDataset = { name: 'reversed', source: test.target, target: test.source, names: test.names };
const pixels = size * size * 3;
for (const [direction, generator, pairs] of [['ab', result.gAB, test], ['ba', result.gBA, reversed]] as const) {
  const dir = join(out, direction);
  mkdirSync(dir, { recursive: true });
  const translated = translateImages(generator, pairs.source);
  const data = translated.dataSync() as Float32Array;
  translated.dispose();
  pairs.names.forEach((name, i) => {
    const raster = tileImages({ data: data.subarray(i * pixels, (i + 1) * pixels), shape: [1, size, size, 3] }, { columns: 1, padding: 0, range: 'tanh' });
    writeFileSync(join(dir, `${name.replace(/\.[^.]*$/, '')}.png`), encodePng(raster));
  });
  // the float scores, before the PNGs' 8-bit rounding, to show what the rounding costs
  const m = translationMetrics(generator, pairs);
  console.log(`${direction} (float, ${m.count} pairs): L1 ${m.l1.toFixed(4)}  PSNR ${m.psnr.toFixed(2)} dB  SSIM ${m.ssim.toFixed(4)}`);
}
writeFileSync(join(out, 'timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
