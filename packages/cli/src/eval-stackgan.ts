// gantry eval of a StackGAN run (docs/stackgan.md): stage II's 64 px images for the test split's names (never
// trained on), scored by core's stackganScores as examples/stackgan/emoji.ts scores them: the emoji classifier's
// category accuracy against the true category, FD and KID against the real test images, and the retrieval score
// under the run's matcher, beside the real test images' own accuracy and retrieval (the ceilings). The noise
// seed defaults to the run's seed + 1, the example's, so a run trained as the docs' reproduces their numbers.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  bagsOfWords, embedTexts, emojiText, fileRunStore, loadEmoji, loadFeatureExtractor, readClassifierJson, stackGanSample, stackganCeiling, stackganScores,
} from '@gantry/core/node';
import { selectBackend } from './backend.js';
import { emojiRoot, parseEmojiSpec } from './data.js';
import { assertFiniteOutput } from './run.js';
import { checkpointModels, readStackganRun, stackganPhaseDirs } from './train-stackgan.js';

export interface StackganEvalOptions {
  /** only the first n test names (default all) */
  n?: number;
  /** the noise seed (default: the run's seed + 1) */
  seed?: number;
  json: boolean;
}

export async function evalStackgan(runDir: string, o: StackganEvalOptions): Promise<void> {
  const run = readStackganRun(runDir);
  const { style } = parseEmojiSpec(run.data)!;
  const backend = await selectBackend();
  const dirs = stackganPhaseDirs(runDir);
  const matcherCheckpoint = await fileRunStore(dirs.matcher).loadLatestCheckpoint();
  const stage = await fileRunStore(dirs.stage2).loadLatestCheckpoint();
  if (!matcherCheckpoint || !stage) {
    throw new Error(`${runDir} has no stage II checkpoint yet: eval scores stage II's 64 px images (continue training with gantry train --resume ${runDir})`);
  }
  const models = await checkpointModels(stage, ['g1', 'ca1', 'g2', 'ca2']);
  const matcher = await checkpointModels(matcherCheckpoint, ['text', 'image']);
  const load = (size: 16 | 64) => loadEmoji({ style, size, split: 'test', packageRoot: emojiRoot(style), limit: o.n });
  const [test64, test16] = [load(64), load(16)];
  const bags = bagsOfWords({ words: run.vocabulary }, test64.images.map(emojiText));
  const phi = embedTexts({ text: matcher.text, image: matcher.image }, bags.bags, bags.size);
  const seed = o.seed ?? run.options.seed + 1;
  const images = stackGanSample(models, phi, { seed, noiseDim: run.options.noiseDim, conditionDim: run.options.conditionDim });
  const extractor = loadFeatureExtractor('emoji');
  try {
    assertFiniteOutput(images, `${runDir}: stage II's output at step ${stage.state.step}`);
    const scoring = { extractor, classNames: readClassifierJson('emoji').classNames as string[], matcher: { text: matcher.text, image: matcher.image }, test: test64.dataset, phi };
    const scores = stackganScores(scoring, images);
    const real = stackganCeiling(scoring, test16.dataset);
    const names = test64.dataset.count;
    const unknownNames = new Set(bags.unknown.map((u) => u.text)).size;
    const record = {
      event: 'eval', step: stage.state.step, model: 'stackgan', stage: 2, names, unknownNames, seed, features: 'emoji-classifier',
      reference: `emoji:${style} test split`, ...scores, real, backend, time: new Date().toISOString(),
    };
    appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
    if (o.json) console.log(JSON.stringify(record, null, 2));
    else {
      console.log(`${runDir} at stage II step ${stage.state.step}: one image for each of ${names} held-out names of emoji:${style} ` +
        `(${unknownNames} hold a word the run never saw, encoded as <unk>), noise seed ${seed}`);
      console.log(`  category accuracy   ${scores.categoryAccuracy.toFixed(3)}   (real test images: ${real.categoryAccuracy.toFixed(3)})`);
      console.log(`  FD                  ${scores.fd.toFixed(2)}   KID ${scores.kid.toFixed(4)}   against the real test images`);
      console.log(`  retrieval (of 100)  ${scores.retrieval.toFixed(3)}   (real test images: ${real.retrieval.toFixed(3)})`);
    }
  } finally {
    tf.dispose([phi, images]);
    extractor.dispose();
    for (const m of [...Object.values(matcher), ...Object.values(models)]) m.dispose();
  }
}
