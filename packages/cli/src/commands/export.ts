// gantry export: the generator of a run's newest checkpoint as a plain tfjs LayersModel directory
// (model.json + weights.bin) that @tensorflow/tfjs loads with tf.loadLayersModel.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointModel } from '@gantry/core/node';
import { choiceFlag, command, parseFlags, stringFlag, UsageError } from '../args.js';
import { latestCheckpoint, readRunConfig } from '../run.js';

const usage = `usage: gantry export <run-dir> --format tfjs [--out <dir>]

Writes the generator of the newest checkpoint as a TensorFlow.js layers model:
  <dir>/model.json, <dir>/weights.bin   load with tf.loadLayersModel('<url>/model.json')
  <dir>/gantry.json                     latent size, output shape, classes and column scaling
The model maps z ~ N(0, 1) of shape [N, latentDim] (and int labels [N] when conditional) to samples.

options:
  --format <f>   tfjs (the only format so far)
  --out <dir>    default <run-dir>/export/tfjs

examples:
  gantry export runs/ring --format tfjs --out web/ring-generator`;

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { format: { type: 'string' }, out: { type: 'string' } }, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('expected a run directory');
  choiceFlag(values.format ?? 'tfjs', 'format', ['tfjs'] as const);
  const out = stringFlag(values.out, 'out') ?? join(runDir, 'export', 'tfjs');
  const config = readRunConfig(runDir);
  const checkpoint = await latestCheckpoint(runDir);
  const g = checkpointModel(checkpoint, 'generator');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'weights.bin'), new Uint8Array(g.weightData));
  writeFileSync(join(out, 'model.json'), JSON.stringify({
    format: 'layers-model',
    generatedBy: 'gantry export',
    convertedBy: null,
    modelTopology: g.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: g.weightSpecs }],
  }));
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
