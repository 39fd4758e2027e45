// gantry export: the generator of a run's newest checkpoint as a plain tfjs LayersModel directory
// (model.json + weights.bin) that @tensorflow/tfjs loads with tf.loadLayersModel; for a translation run
// (pix2pix, CycleGAN, DiscoGAN) also a page that translates a PNG in the browser; for a StyleGAN run the
// averaged mapping and synthesis networks, with a page that draws a seed's image at a truncation psi; for a
// ProGAN run the averaged generator with its newest checkpoint's phase baked in, with a page that draws a seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  checkpointModel, classLabels, latentDimOf, modelToBlob, proganFixedPhaseModel, proganResolutionOf, resolutionOf, type ModelBlob,
} from '@gantry/core/node';
import { proganPageFiles, styleganPageFiles, translatePageFiles } from '@gantry/studio';
import { choiceFlag, command, parseFlags, stringFlag, UsageError } from '../args.js';
import { latestCheckpoint, readRunConfig } from '../run.js';
import { selectBackend } from '../backend.js';
import { isProganRun, loadProganGenerator, readProganRun } from '../train-progan.js';
import { isStyleganRun, loadStyleGenerator, readStyleganRun } from '../train-stylegan.js';
import { isTranslationRun, readTranslationRun, translationGeneratorName } from '../train-translation.js';

const usage = `usage: gantry export <run-dir> --format tfjs [--out <dir>] [--direction ab|ba]

Writes the generator of the newest checkpoint as a TensorFlow.js layers model:
  <dir>/model.json, <dir>/weights.bin   load with tf.loadLayersModel('<url>/model.json')
  <dir>/gantry.json                     latent size, output shape, classes and column scaling
The model maps z ~ N(0, 1) of shape [N, latentDim] (and int labels [N] when conditional) to samples.
A translation run (pix2pix, cyclegan, discogan) exports the generator of one direction, which maps images
[N, H, W, 3] in [-1, 1] to images, and a page that translates a PNG in the browser:
  <dir>/index.html, <dir>/translate.js  serve <dir> with any static server and open it
A StyleGAN run exports its averaged generator, z [N, latentDim] -> w (mapping) and per-layer styles and
noise -> images (synthesis), and a page that draws the image of a seed at a truncation psi, the image
gantry sample --seed draws:
  <dir>/mapping/, <dir>/synthesis/      model.json + weights.bin each
  <dir>/index.html, <dir>/sample.js     serve <dir> and open it
A ProGAN run exports its averaged generator, z [N, latentDim] -> images [N, R, R, 3] at the target side R
with the stage blend of the newest checkpoint's phase (resolution, alpha) fixed, and a page that draws the
image of a seed, the image gantry sample --seed draws:
  <dir>/generator/                      model.json + weights.bin
  <dir>/index.html, <dir>/sample.js     serve <dir> and open it

options:
  --format <f>     tfjs (the only format so far)
  --out <dir>      default <run-dir>/export/tfjs
  --direction <d>  cyclegan, discogan: ab (default; A = the run's --data side) or ba

examples:
  gantry export runs/ring --format tfjs --out web/ring-generator
  gantry export runs/emoji-cyclegan --out web/cyclegan && python3 -m http.server -d web/cyclegan 8000
  gantry export runs/stylegan --out web/stylegan && python3 -m http.server -d web/stylegan 8000
  gantry export runs/progan --out web/progan && python3 -m http.server -d web/progan 8000`;

function writeLayersModel(out: string, g: ModelBlob): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'weights.bin'), new Uint8Array(g.weightData));
  writeFileSync(join(out, 'model.json'), JSON.stringify({
    format: 'layers-model',
    generatedBy: 'gantry export',
    convertedBy: null,
    modelTopology: g.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: g.weightSpecs }],
  }));
}

/** [H, W, C] of a layers model's first input, from its Keras topology. */
function inputShapeOf(g: ModelBlob): number[] {
  const topology = g.modelTopology as { config?: { layers?: Array<{ config?: { batch_input_shape?: (number | null)[] } }> } };
  const shape = topology.config?.layers?.[0]?.config?.batch_input_shape;
  if (!shape) throw new Error('the generator\'s topology names no input shape');
  return shape.slice(1) as number[];
}

async function exportTranslation(runDir: string, out: string, direction: 'ab' | 'ba'): Promise<void> {
  const run = readTranslationRun(runDir);
  const name = translationGeneratorName(run, runDir, direction);
  const checkpoint = await latestCheckpoint(runDir, name);
  const g = checkpointModel(checkpoint, name);
  writeLayersModel(out, g);
  const [from, to] = direction === 'ab' ? [run.data, run.target] : [run.target, run.data];
  writeFileSync(join(out, 'gantry.json'), `${JSON.stringify({
    step: checkpoint.state.step, kind: 'translation', model: run.model, direction, from, to, inputShape: inputShapeOf(g), range: [-1, 1],
  }, null, 2)}\n`);
  for (const [file, body] of await translatePageFiles()) writeFileSync(join(out, file), body);
  console.error(`gantry export: ${run.model} ${from} -> ${to} at step ${checkpoint.state.step} -> ${out}/model.json; ` +
    `serve ${out} (e.g. python3 -m http.server -d ${out}) and open index.html to translate in the browser`);
}

/** Models as <out>/<name>/, gantry.json and a page: what a seed-drawing export (StyleGAN, ProGAN) writes. */
async function writeSeedPage(out: string, models: Record<string, tfl.LayersModel>, info: object, page: Map<string, string | Buffer>): Promise<void> {
  for (const [name, model] of Object.entries(models)) writeLayersModel(join(out, name), await modelToBlob(model));
  writeFileSync(join(out, 'gantry.json'), `${JSON.stringify({ ...info, averaged: true, range: [-1, 1] }, null, 2)}\n`);
  for (const [file, body] of page) writeFileSync(join(out, file), body);
}

const serveHint = (out: string) => `serve ${out} (e.g. python3 -m http.server -d ${out}) and open index.html to draw seeds in the browser`;

/** gantry.json's classes of a conditional generator (the page's class menu): names, or "0", "1", ... where the data named none. */
function classesInfo(numClasses: number | undefined, classNames: string[] | undefined): { classNames?: string[] } {
  if (!numClasses) return {};
  return { classNames: classLabels(numClasses, classNames) };
}

/** A StyleGAN run's averaged generator, mapping/ and synthesis/, and the page that samples it. */
async function exportStylegan(runDir: string, out: string): Promise<void> {
  const run = readStyleganRun(runDir);
  await selectBackend();
  const { generator, step, numClasses, classNames } = await loadStyleGenerator(runDir);
  try {
    await writeSeedPage(out, { mapping: generator.mapping, synthesis: generator.synthesis }, {
      step, kind: 'stylegan', data: run.data, mode: run.options.mode ?? 'adain', resolution: resolutionOf(generator), latentDim: latentDimOf(generator),
      ...classesInfo(numClasses, classNames),
    }, await styleganPageFiles());
  } finally {
    generator.mapping.dispose();
    generator.synthesis.dispose();
  }
  console.error(`gantry export: StyleGAN's averaged generator at step ${step} -> ${out}/mapping and ${out}/synthesis; ${serveHint(out)}`);
}

/** A ProGAN run's averaged generator at its newest checkpoint's phase, generator/, and the page that samples it. */
async function exportProgan(runDir: string, out: string): Promise<void> {
  const run = readProganRun(runDir);
  await selectBackend();
  const { generator, phase, step, numClasses, classNames } = await loadProganGenerator(runDir);
  try {
    // a conditional generator keeps its class input: the page feeds [z, one-hot class]
    await writeSeedPage(out, { generator: proganFixedPhaseModel(generator, phase) }, {
      step, kind: 'progan', data: run.data, resolution: proganResolutionOf(generator), phase, latentDim: generator.inputs[0].shape[1],
      ...classesInfo(numClasses, classNames),
    }, await proganPageFiles());
  } finally {
    generator.dispose();
  }
  console.error(`gantry export: ProGAN's averaged generator at step ${step} (${phase.resolution} px, alpha ${phase.alpha}) -> ${out}/generator; ${serveHint(out)}`);
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { format: { type: 'string' }, out: { type: 'string' }, direction: { type: 'string' } }, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('expected a run directory');
  choiceFlag(values.format ?? 'tfjs', 'format', ['tfjs'] as const);
  const out = stringFlag(values.out, 'out') ?? join(runDir, 'export', 'tfjs');
  const direction = choiceFlag(values.direction, 'direction', ['ab', 'ba'] as const);
  if (isTranslationRun(runDir)) return exportTranslation(runDir, out, direction ?? 'ab');
  if (direction) throw new UsageError('--direction is for translation runs (pix2pix, cyclegan, discogan)');
  if (isStyleganRun(runDir)) return exportStylegan(runDir, out);
  if (isProganRun(runDir)) return exportProgan(runDir, out);
  const config = readRunConfig(runDir);
  const checkpoint = await latestCheckpoint(runDir);
  const g = checkpointModel(checkpoint, 'generator');
  writeLayersModel(out, g);
  writeFileSync(join(out, 'gantry.json'), `${JSON.stringify({
    step: checkpoint.state.step,
    latentDim: config.model.latentDim,
    conditional: config.model.conditional,
    numClasses: config.data.numClasses ?? null,
    classNames: config.data.classNames ?? null,
    outputShape: config.data.itemShape,
    outputFlattened: config.model.flatten,
    kind: config.data.kind,
    columns: config.data.columns ?? null,
    mean: config.data.mean ?? null,
    std: config.data.std ?? null,
    coding: config.data.coding ?? null,
  }, null, 2)}\n`);
  console.error(`gantry export: generator at step ${checkpoint.state.step} -> ${out}/model.json`);
}

export const exportCommand = command('export', 'export a run\'s generator as a tfjs LayersModel', usage, run);
