// gantry classify RUN --input <images>: the classifier of a semi-supervised run (gantry train --model ssl)
// applied to images; one CSV line per image (its name or index, the predicted class), and the test error
// when the images carry labels (the built-in data sets, folders with class subfolders).
import { writeFileSync } from 'node:fs';
import { accuracy, fileRunStore, latestCheckpointOf, sslClassifierFromCheckpoint, SSL_KIND } from '@gantry/core/node';
import { choiceFlag, command, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { loadSslImages, readSslRun } from '../train-ssl.js';

const usage = `usage: gantry classify RUN --input <images> [options]

Classifies images with a semi-supervised run's classifier (gantry train --model ssl; docs/ssl.md) and
prints its test error when the images have labels.

options:
  --input <i>     mnist or fashion-mnist (their test split unless --split train), an IDX image file, or a
                  folder of images (class subfolders give the true labels)
  --split <s>     for mnist and fashion-mnist: test (default) or train
  --out <file>    write the predictions as CSV (image,predicted[,true]); default: none, only the summary`;

const options = { input: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' } } as const;

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('name the run to classify with: gantry classify RUN --input <images>');
  const input = stringFlag(values.input, 'input');
  if (!input) throw new UsageError('--input is required (mnist, fashion-mnist, an IDX image file or an image folder)');
  const split = choiceFlag(values.split, 'split', ['train', 'test'] as const) ?? 'test';
  const out = stringFlag(values.out, 'out');
  const ssl = readSslRun(runDir);
  await selectBackend();
  const checkpoint = await latestCheckpointOf(fileRunStore(runDir), SSL_KIND);
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint yet; its training has not reached one`);
  const images = loadSslImages(input, split, ssl.imageSize);
  const classifier = sslClassifierFromCheckpoint(checkpoint);
  try {
    const predicted = classifier.predict(images);
    const names = images.classNames;
    const label = (k: number) => names?.[k] ?? String(k);
    if (out) {
      const rows = Array.from(predicted, (p, i) => [i, label(p), ...(images.labels ? [label(images.labels[i])] : [])].join(','));
      writeFileSync(out, `image,predicted${images.labels ? ',true' : ''}\n${rows.join('\n')}\n`);
    }
    const summary = `gantry classify: ${images.count} images of ${input} with ${runDir} (step ${checkpoint.state.step})`;
    if (images.labels) {
      console.log(`${summary}: test error ${(100 * (1 - accuracy(images.labels, predicted))).toFixed(2)}%`);
    } else {
      console.log(`${summary}: no labels to score against`);
    }
  } finally {
    classifier.dispose();
  }
}

export const classifyCommand = command('classify', 'classify images with a semi-supervised run (gantry train --model ssl)', usage, run);
