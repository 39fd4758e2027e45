// GAN-TTS at small scale on espeak-ng machine speech (not human speech): FDSD and KDSD (docs/audio.md)
// of the held-out real clips (the floor), a pitch-shaped noise baseline and the generator at several
// points of one training run, all against the train split's real clips, in the features of a phoneme
// classifier trained here on the corpus. One command, seeds fixed:
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 node --conditions=gantry-source --import tsx examples/audio/gantts.ts [corpus dir] [steps...]
//     [--ema DECAY]      train with an averaged G and score it too (eval-mode batch norm, the raw G's statistics)
//     [--batch-stats]    also score G with batch statistics (batch norm in training mode over each batch of 16 clips)
//     [--name NAME]      results to docs/results/NAME.json and docs/audio/NAME-sample.wav (default gantts)
// Builds the corpus first when the directory has none (runs/speech-corpus by default). Prints a markdown
// table (with each row's RMS level beside the real speech's) and writes the results and a short generated
// sample of the last point (the averaged G's with --ema).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  buildCorpus, clipTensors, corpusClassifier, createRng, encodeWav, featureWidth, isCorpus, loadCorpus, minutesOf, randomNormal, resumeGantts, SAMPLE_RATE,
  speechDistances, speechFeatures, tileClips, trainGantts, utterancesOf, type Clips, type FeatureMatrix, type GanttsOptions,
} from '@gantry/core/node';
import { useFastestBackend } from '../tables/docs-section.js';
import { pitchShapedNoise } from './baseline.js';
import { cpuSeconds } from '../common/measure.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { ema: { type: 'string' }, 'batch-stats': { type: 'boolean', default: false }, name: { type: 'string', default: 'gantts' } },
});
const dir = positionals[0] ?? 'runs/speech-corpus';
const checkpoints = (positionals.length > 1 ? positionals.slice(1) : ['0', '150', '400']).map(Number);
const emaDecay = flags.ema === undefined ? undefined : Number(flags.ema);
const EVAL_FRAMES = 100;   // 0.5 s clips

const backend = await useFastestBackend();
if (!isCorpus(dir)) {
  console.error(`building the espeak-ng corpus in ${dir} (machine speech)`);
  buildCorpus(dir, { onProgress: (done, total, voice) => { if (done % 50 === 0 || done === total) console.error(`  ${done}/${total} utterances (${voice})`); } });
}
const corpus = loadCorpus(dir);
const [train, heldout] = [utterancesOf(corpus, 'train'), utterancesOf(corpus, 'heldout')];
console.error(`corpus ${dir}: ${train.length} train utterances (${minutesOf(train).toFixed(1)} min), ${heldout.length} held out (${minutesOf(heldout).toFixed(1)} min), ` +
  `${corpus.inventory.length} phonemes; machine speech (espeak-ng); backend ${backend}, ${cpus().length} cores`);

const t0 = cpuSeconds();
const classifier = corpusClassifier(dir, corpus, {
  seed: 0, steps: 3000, batchSize: 16, clipFrames: 64,
  onProgress: (step, loss) => console.error(`  classifier step ${step}: cross-entropy ${loss.toFixed(3)}`),
});
console.error(`phoneme classifier: held-out frame accuracy ${(100 * classifier.heldoutAccuracy).toFixed(1)}% (${classifier.trained ? 'trained' : 'loaded'}, ${(cpuSeconds() - t0).toFixed(0)} CPU s)`);

/** Every 4th train clip keeps the reference set (and KDSD's cost) moderate. */
const reference = (() => {
  const all = tileClips(corpus, train, EVAL_FRAMES);
  const keep = Array.from({ length: Math.floor(all.count / 4) }, (_, i) => 4 * i);
  const n = EVAL_FRAMES * 80;
  const audio = new Float32Array(keep.length * n);
  keep.forEach((k, i) => audio.set(all.audio.subarray(k * n, (k + 1) * n), i * n));
  return speechFeatures(classifier.model, audio, keep.length);
})();
const held = tileClips(corpus, heldout, EVAL_FRAMES);
const rows: Array<{ what: string; fdsd: number; kdsd: number; kdsdStd: number; rms: number; clips: number; trainCpuMinutes?: number }> = [];
const rmsOf = (audio: Float32Array) => Math.sqrt(audio.reduce((a, x) => a + x * x, 0) / audio.length);
const score = (what: string, audio: Float32Array, extra: { trainCpuMinutes?: number } = {}) => {
  const f: FeatureMatrix = speechFeatures(classifier.model, audio, held.count);
  const d = speechDistances(f, reference, { subsets: 50, seed: 0 });
  const rms = rmsOf(audio);
  rows.push({ what, fdsd: d.fdsd, kdsd: d.kdsd.mean, kdsdStd: d.kdsd.std, rms, clips: held.count, ...extra });
  console.error(`${what}: FDSD ${d.fdsd.toFixed(4)}, KDSD ${d.kdsd.mean.toFixed(5)} +- ${d.kdsd.std.toFixed(5)}, RMS ${rms.toFixed(3)}`);
};
score('held-out real speech (floor)', held.audio);
score('baseline: pitch-shaped noise', pitchShapedNoise(corpus, held, createRng(0)));

/** G's speech for the held-out clips' features, fixed noise (seed 0); `training` runs batch norm on each batch's statistics. */
function generate(generator: tfl.LayersModel, latentDim: number, clips: Clips, training = false): Float32Array {
  const rng = createRng(0);
  const out = new Float32Array(clips.audio.length);
  for (let i = 0; i < clips.count; i += 16) {
    const n = Math.min(16, clips.count - i);
    const part: Clips = { ...clips, count: n, audio: clips.audio.subarray(i * EVAL_FRAMES * 80, (i + n) * EVAL_FRAMES * 80), features: clips.features.subarray(i * EVAL_FRAMES * featureWidth(corpus), (i + n) * EVAL_FRAMES * featureWidth(corpus)) };
    out.set(tf.tidy(() => {
      const { features } = clipTensors(part, featureWidth(corpus));
      return (generator.apply([features, randomNormal(rng, [n, latentDim])], { training }) as tf.Tensor).dataSync() as Float32Array;
    }), i * EVAL_FRAMES * 80);
  }
  return out;
}

const options: GanttsOptions = { seed: 0, batchSize: 8, clipFrames: 64, learningRate: 1e-4, ...(emaDecay !== undefined ? { emaDecay } : {}) };
const latentDim = 32;
let last: Float32Array | undefined;
const trainStart = cpuSeconds();
const runDir = mkdtempSync(join(tmpdir(), 'gantry-gantts-measure-'));
for (const [i, steps] of checkpoints.entries()) {
  // one run, scored where it stops and resumed (bit for bit) to the next point
  const r = i === 0 || checkpoints[i - 1] === 0 ? await trainGantts(corpus, { ...options, steps }, { runDir }) : await resumeGantts(corpus, { runDir, steps });
  const minutes = (cpuSeconds() - trainStart) / 60;
  last = generate(r.generator, latentDim, held);
  score(`generator after ${steps} steps`, last, { trainCpuMinutes: minutes });
  // training mode also moves this G's batch-norm statistics; harmless: it is disposed below and the run resumes from its checkpoint
  if (flags['batch-stats']) score(`generator after ${steps} steps, batch statistics`, generate(r.generator, latentDim, held, true), { trainCpuMinutes: minutes });
  if (r.averaged) {
    last = generate(r.averaged, latentDim, held);
    score(`averaged generator (EMA ${emaDecay}) after ${steps} steps`, last, { trainCpuMinutes: minutes });
    r.averaged.dispose();
  }
  r.generator.dispose(); r.discriminator.dispose();
}

console.log('| machine speech (espeak-ng), 0.5 s clips | FDSD | KDSD (mean +- std, 50 subsets) | RMS |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.what} | ${r.fdsd.toFixed(4)} | ${r.kdsd.toFixed(5)} +- ${r.kdsdStd.toFixed(5)} | ${r.rms.toFixed(3)} |`);
const total = (cpuSeconds() - t0) / 60;
console.log(`\n${held.count} held-out clips vs ${reference.rows} train clips; classifier accuracy ${(100 * classifier.heldoutAccuracy).toFixed(1)}%; ${total.toFixed(1)} CPU minutes (backend ${backend})`);
mkdirSync('docs/results', { recursive: true });
writeFileSync(`docs/results/${flags.name}.json`, `${JSON.stringify({ corpus: dir, machineSpeech: true, checkpoints, options, classifierAccuracy: classifier.heldoutAccuracy, rows, cpuMinutes: total, backend }, null, 2)}\n`);
if (last) {
  mkdirSync('docs/audio', { recursive: true });
  writeFileSync(`docs/audio/${flags.name}-sample.wav`, encodeWav({ samples: last.subarray(0, 4 * EVAL_FRAMES * 80), sampleRate: SAMPLE_RATE }));
}
