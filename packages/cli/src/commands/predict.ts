// gantry predict RUN --frames N --out x.gif: the next N frames of Moving MNIST sequences (or of a folder of
// PNG frames) from a next-frame run (gantry train --model video). The GIF plays the context frames and then
// the predictions; each sequence is a pair of panels side by side, truth | prediction (the prediction
// panel shows the true context too). Sequences: the run's fixed test set (mnist 'test' digits, seed 2015),
// or --input DIR: its PNG files in name order, gray, of the run's frame size; fewer than the context is an
// error naming the first missing frame; with context + N frames the rest is the truth, else the truth
// panel is left out.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { comparisonGif, predictFrames, readImageRaster, resolveVideoOptions, writeFileAtomic, type FrameSequences } from '@gantry/core/node';
import { command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { assertFiniteOutput, loadGenerator } from '../run.js';
import { isVideoRun, readVideoRun, videoTestSequences } from '../train-video.js';

const usage = `usage: gantry predict RUN --out <file.gif> [options]

Predicts the next frames with a next-frame run (gantry train --model video; docs/video.md) and writes an
animated GIF: context, then predictions, each sequence as truth | prediction side by side.

options:
  --out <f>       the GIF to write
  --frames <n>    predicted frames to show, 1 to the run's future frames (default: all, 10)
  --count <n>     sequences of the fixed test set (default 4, at most 64)
  --input <dir>   predict from a folder of PNG frames (name order, gray, the run's frame size) instead`;

const options = { out: { type: 'string' }, frames: { type: 'string' }, count: { type: 'string' }, input: { type: 'string' } } as const;

/** A folder's PNG frames as one sequence in [0, 1]; frames of another size are refused by name. */
function readFrameFolder(dir: string, size: number): FrameSequences {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  } catch (e) {
    throw new UsageError(`--input ${dir}: ${(e as Error).message}`);
  }
  const values = new Float32Array(files.length * size * size);
  files.forEach((f, t) => {
    const { width, height, raster } = readImageRaster(join(dir, f), 1);
    if (width !== size || height !== size) throw new UsageError(`--input ${join(dir, f)} (frame ${t + 1}) is ${width} x ${height}; the run predicts ${size} x ${size} frames`);
    for (let k = 0; k < raster.length; k++) values[t * size * size + k] = raster[k] / 255;
  });
  return { count: 1, frames: files.length, size, values };
}

export const predictCommand = command('predict', 'predict the next video frames with a next-frame run (GIF)', usage, async (argv) => {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('gantry predict needs a run directory (gantry train --model video --data moving-mnist)');
  if (!isVideoRun(runDir)) throw new UsageError(`${runDir} is not a next-frame video run (no video.json; train one with gantry train --model video --data moving-mnist)`);
  const out = stringFlag(values.out, 'out');
  if (!out) throw new UsageError('--out <file.gif> is required');
  if (!out.toLowerCase().endsWith('.gif')) throw new UsageError(`--out ${out}: the output is an animated GIF (end it in .gif)`);
  const o = resolveVideoOptions(readVideoRun(runDir).options);
  const frames = integerFlag(values.frames, 'frames', 1) ?? o.future;
  if (frames > o.future) throw new UsageError(`--frames ${frames}: the run predicts ${o.future} frames after its ${o.context} context frames (1 to ${o.future})`);
  const count = integerFlag(values.count, 'count', 1) ?? 4;
  if (count > 64) throw new UsageError(`--count ${count}: at most 64 sequences in one GIF`);
  const input = stringFlag(values.input, 'input');
  const seqs = input ? readFrameFolder(input, o.size) : videoTestSequences(o, count);
  if (seqs.frames < o.context) {
    throw new UsageError(`--input ${input}: ${seqs.frames} frames, shorter than the run's ${o.context}-frame context (frame ${seqs.frames + 1} is missing)`);
  }
  const backend = await selectBackend();
  const { generator: predictor, step } = await loadGenerator(runDir, 'predictor');
  const predicted = predictFrames(predictor, seqs, o.context);
  predictor.dispose();
  assertFiniteOutput(predicted, `the predictions of ${runDir}`);
  const area = o.size * o.size;
  const shown = o.context + frames;
  const values4 = tf.tidy(() => tf.transpose(predicted, [0, 3, 1, 2]).dataSync() as Float32Array);
  predicted.dispose();
  const withTruth = seqs.frames >= shown;
  const panels: Float32Array[] = [];
  for (let s = 0; s < seqs.count; s++) {
    const sequence = seqs.values.subarray(s * seqs.frames * area, (s + 1) * seqs.frames * area);
    const prediction = new Float32Array(shown * area);
    prediction.set(sequence.subarray(0, o.context * area));
    prediction.set(values4.subarray(s * o.future * area, (s * o.future + frames) * area), o.context * area);
    if (withTruth) panels.push(sequence.slice(0, shown * area));
    panels.push(prediction);
  }
  writeFileAtomic(resolve(out), comparisonGif(panels, o.size, { scale: 64 / o.size, columns: withTruth ? 2 : 1 }), dirname(resolve(out)));
  console.error(`gantry predict: ${seqs.count} sequence(s), ${o.context} context + ${frames} predicted frames by the predictor of step ${step} of ${runDir} ` +
    `on ${backend} -> ${out} (${withTruth ? 'truth | prediction' : 'prediction only: the input holds no true future frames'})`);
});
