// Evaluates generated images against a dataset's test set with the shipped classifier features, beside
// the real-data floor (train-set images vs the same test images).
//
//   node --conditions=gantry-source --import tsx examples/eval/evaluate.ts --dataset fashion-mnist --run runs/my-dcgan [--ema]
//   node --conditions=gantry-source --import tsx examples/eval/evaluate.ts --dataset fashion-mnist --samples runs/torch-dcgan/samples.idx
//
// Options: --n <count> (default 2000: generated, real and reference each; KID subsets of min(1000, n/2)), --seed <s> (default 0),
// --kid-subsets <k> (default 20), --labels (conditional generators: class i % numClasses), --json <out>.
// --run and --samples may repeat; the real/reference features and the floor are computed once.
// --run loads the newest checkpoint of a gantry run directory (written by trainGan with runDir).
// --samples reads an IDX file of float32 or uint8 images [N, 28, 28] or [N, 28, 28, 1] (float32 in [-1, 1]).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  checkpointModel, createRng, evaluateSamples, formatEvaluation, modelFromBlob, blobToTensors, sample, subsetDataset, permutation,
  type ArrayDataset, type GanConfig, type SampleMetrics,
} from '@gantry/core';
import { fileRunStore, loadFashionMnist, loadMnistPackage, loadFeatureExtractor, readIdxFile } from '@gantry/core/node';

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'fashion-mnist' },
    run: { type: 'string', multiple: true },
    samples: { type: 'string', multiple: true },
    ema: { type: 'boolean', default: false },
    labels: { type: 'boolean', default: false },
    n: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '0' },
    'kid-subsets': { type: 'string', default: '20' },
    json: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
  },
});
const dataset = args.dataset === 'mnist' ? 'mnist' : args.dataset === 'fashion-mnist' ? 'fashion-mnist' : undefined;
if (!dataset) throw new Error(`--dataset must be mnist or fashion-mnist, got ${args.dataset}`);
const sources = [...(args.run ?? []).map((r) => ({ run: r })), ...(args.samples ?? []).map((s) => ({ samples: s }))];
if (sources.length === 0) throw new Error('give at least one --run <dir> or --samples <file.idx> (each may repeat)');
const n = Number(args.n);
const seed = Number(args.seed);
// gantry's LibTorch backend, when asked for (its addon builds on first import).
if (args.backend === 'torch') await import('@gantry/tfjs-backend-torch');
await tf.setBackend(args.backend);

const started = Date.now();
const load = (split: 'train' | 'test') => (dataset === 'mnist' ? loadMnistPackage({ split }) : loadFashionMnist({ split }));
const pick = (ds: ArrayDataset, count: number, s: number) => {
  if (count > ds.count) throw new Error(`--n ${count} exceeds the ${ds.count} examples of ${ds.name}`);
  return subsetDataset(ds, permutation(createRng(s), ds.count).subarray(0, count));
};
const real = pick(load('test'), n, seed + 101);
const reference = pick(load('train'), n, seed + 202);

async function generatedImages(from: { run?: string; samples?: string }): Promise<{ images: tf.Tensor4D; source: string }> {
  if (from.samples) {
    const idx = readIdxFile(from.samples);
    const [count, h, w, c = 1] = idx.shape;
    if (count < n) throw new Error(`${from.samples}: ${count} images, --n asks for ${n}`);
    const scale = idx.dtype === 'uint8' ? (v: number) => v / 127.5 - 1 : (v: number) => v;
    const values = Float32Array.from(idx.data.subarray(0, n * h * w * c), scale);
    return { images: tf.tensor4d(values, [n, h, w, c]), source: from.samples };
  }
  const checkpoint = await fileRunStore(from.run!).loadLatestCheckpoint();
  if (!checkpoint) throw new Error(`${from.run}: no complete checkpoint`);
  const generator = await modelFromBlob(checkpointModel(checkpoint, 'generator'));
  if (args.ema) {
    const ema = checkpoint.ema.generator;
    if (!ema) throw new Error(`${from.run}: --ema given but the checkpoint has no EMA weights`);
    generator.setWeights(blobToTensors(ema, 'ema').map((t) => t.tensor));
  }
  const numClasses = (checkpoint.state.config as GanConfig).numClasses;
  const parts: tf.Tensor[] = [];
  const rng = createRng(seed + 303);
  for (let start = 0; start < n; start += 250) {
    const m = Math.min(250, n - start);
    const labels = args.labels && numClasses ? Array.from({ length: m }, (_, i) => (start + i) % numClasses) : undefined;
    parts.push(sample(generator, m, { rng, labels }));
  }
  const joined = tf.concat(parts);
  tf.dispose(parts);
  // MLP generators emit flat rows; the extractor wants [N, 28, 28, 1].
  const images = (joined.rank === 2 ? tf.reshape(joined, [n, 28, 28, 1]) : joined) as tf.Tensor4D;
  return { images, source: `${from.run} step ${checkpoint.state.step}${args.ema ? ' (EMA)' : ''}` };
}

const extractor = loadFeatureExtractor(dataset);
const realOut = extractor.extract(real);
const refOut = extractor.extract(reference);
console.log(`features: ${dataset} classifier (penultimate layer, 128-d); real = ${n} test images, floor = ${n} train images vs the same test images`);
const results = [];
let floor: SampleMetrics | undefined;
for (const from of sources) {
  const { images, source } = await generatedImages(from);
  const gen = extractor.extract(images);
  images.dispose();
  const evaluation = evaluateSamples(
    { generated: gen.features, real: realOut.features, reference: refOut.features, generatedLogits: gen.logits, referenceLogits: refOut.logits },
    { seed, kidSubsets: Number(args['kid-subsets']), kidSubsetSize: Math.min(1000, Math.floor(n / 2)), floor },
  );
  floor = evaluation.floor;
  console.log(`\ngenerated: ${source}`);
  console.log(formatEvaluation(evaluation, { model: 'generated vs test', floor: 'train vs test (floor)' }));
  results.push({ source, ...evaluation });
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
if (args.json) writeFileSync(args.json, JSON.stringify({ dataset, n, seed, results }, null, 1));
