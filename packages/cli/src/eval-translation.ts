// gantry eval on a translation run (pix2pix, CycleGAN, DiscoGAN): the generator's translations of the emoji
// split's inputs against their true targets, beside the floor of copying the input unchanged. Paired
// metrics (L1, PSNR, SSIM) always; Frechet and kernel distances in the shipped emoji classifier's feature
// space when the images are 64 px, its input size. The record is appended to the run's metrics.jsonl.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  datasetImages, featureDistances, loadFeatureExtractor, pairedImageMetrics, translateImages, type FeatureExtractor, type ImageInput, type PairedDataset,
} from '@gantry/core/node';
import { UsageError } from './args.js';
import { parseEmojiSpec } from './data.js';
import { loadGenerator } from './run.js';
import { loadRunPairs, readTranslationRun, reversedPairs, translationGeneratorName } from './train-translation.js';

/** The emoji classifier's input side: FD and KID are computed only at this size. */
const FEATURE_SIZE = 64;

export interface TranslationEvalOptions { split: 'train' | 'test'; direction?: 'ab' | 'ba'; seed: number; json: boolean }

interface Scores { l1: number; psnr: number; ssim: number; fd?: number; kid?: number }

function scores(output: ImageInput, pairs: PairedDataset, extractor: FeatureExtractor | undefined): Scores {
  const targets = datasetImages(pairs.target);
  const m = pairedImageMetrics(output, targets);
  const d = extractor ? featureDistances(extractor, output, targets) : undefined;
  return { l1: m.l1.mean, psnr: m.psnr.mean, ssim: m.ssim.mean, ...(d ? { fd: d.fd, kid: d.kid.mean } : {}) };
}

function line(label: string, s: Scores): string {
  const features = s.fd === undefined ? '' : `  FD ${s.fd.toFixed(3)}  KID ${s.kid!.toFixed(4)}`;
  return `${label.padEnd(26)} L1 ${s.l1.toFixed(4)}  PSNR ${s.psnr.toFixed(2)} dB  SSIM ${s.ssim.toFixed(4)}${features}`;
}

export async function evalTranslation(runDir: string, o: TranslationEvalOptions): Promise<void> {
  const run = readTranslationRun(runDir);
  if (!parseEmojiSpec(run.data) || !parseEmojiSpec(run.target)) {
    throw new UsageError(`${runDir} was trained on image folders, which have no held-out split: score images with known targets with ` +
      'gantry translate RUN --input DIR --target DIR');
  }
  const loaded = loadRunPairs(run);
  const split = o.split === 'test' ? loaded.test! : loaded.train;
  const directions = run.model === 'pix2pix' ? ['ab' as const] : o.direction ? [o.direction] : ['ab' as const, 'ba' as const];
  const size = split.source.itemShape[0];
  const extractor = size === FEATURE_SIZE ? loadFeatureExtractor('emoji') : undefined;
  try {
    for (const direction of directions) {
      const pairs = direction === 'ab' ? split : reversedPairs(split);
      const { generator, step } = await loadGenerator(runDir, translationGeneratorName(run, runDir, direction));
      const output = translateImages(generator, pairs.source, { seed: o.seed });
      let model: Scores;
      let floor: Scores;
      try {
        model = scores(output, pairs, extractor);
        floor = scores(datasetImages(pairs.source), pairs, extractor);
      } finally {
        tf.dispose(output);
        generator.dispose();
      }
      const [from, to] = direction === 'ab' ? [run.data, run.target] : [run.target, run.data];
      const record = {
        event: 'eval', step, split: o.split, direction, from, to, n: pairs.source.count,
        features: extractor ? 'emoji-classifier' : 'none', ...model, floor, time: new Date().toISOString(),
      };
      appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
      if (o.json) console.log(JSON.stringify(record, null, 2));
      else {
        console.log(`${runDir} at step ${step}: ${from} -> ${to}, ${o.split} split (${pairs.source.count} pairs)` +
          (extractor ? '' : ` (FD and KID need ${FEATURE_SIZE} px images, the emoji classifier's input)`));
        console.log(line('  translation', model));
        console.log(line('  input copied (the floor)', floor));
      }
    }
  } finally {
    extractor?.dispose();
  }
}
