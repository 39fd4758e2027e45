// gantry sample RUN --text "red apple" for a StackGAN run (docs/stackgan.md): the prompt as a bag of words over
// the run's vocabulary, phi(t) from the matcher's text branch, then stage II's 64 px images (or stage I's 16 px
// while stage II has no checkpoint yet), n images of the one text with noise from --seed. Words outside the
// vocabulary count as the unknown token '<unk>' and are named in a warning on stderr.
import * as tf from '@tensorflow/tfjs-core';
import {
  bagsOfWords, embedTexts, fileRunStore, stackGanSample, tokenize, UNKNOWN_WORD, writeImageGrid, type Bags, type Vocabulary,
} from '@gantry/core/node';
import { stringFlag, UsageError } from './args.js';
import { selectBackend } from './backend.js';
import { assertFiniteOutput } from './run.js';
import { checkpointModels, readStackganRun, stackganPhaseDirs } from './train-stackgan.js';

/** The prompt's bag of words; a prompt without a single word is a usage error, unknown words a warning naming them. */
export function encodePrompt(vocabulary: Vocabulary, text: string, warn: (line: string) => void): Bags {
  const words = tokenize(text);
  if (words.length === 0) throw new UsageError(`--text ${JSON.stringify(text)} holds no word (letters or digits)`);
  const bag = bagsOfWords(vocabulary, [text]);
  const unknown = [...new Set(bag.unknown.map((u) => u.word))];
  if (unknown.length > 0) {
    const quoted = unknown.map((w) => JSON.stringify(w)).join(', ');
    const where = `the run's vocabulary (${vocabulary.words.length - 1} words of the training names)`;
    warn(bag.unknown.length === words.length
      ? `gantry sample: warning: no word of --text ${JSON.stringify(text)} is in ${where}: ${quoted} ${unknown.length > 1 ? 'are' : 'is'} encoded as ` +
        `the unknown token ${UNKNOWN_WORD} alone, an embedding no training name shaped, so the images are arbitrary`
      : `gantry sample: warning: ${quoted} of --text ${JSON.stringify(text)} ${unknown.length > 1 ? 'are' : 'is'} not in ${where}; ` +
        `encoded as the unknown token ${UNKNOWN_WORD}`);
  }
  return bag;
}

/** n images of --text from the run's newest stage (II, else I), noise from `seed`, into a PNG grid. */
export async function sampleStackgan(runDir: string, out: string, o: { text: unknown; n: number; seed: number }): Promise<void> {
  const run = readStackganRun(runDir);
  const text = stringFlag(o.text, 'text');
  if (text === undefined) throw new UsageError(`--text "<words>" is required: ${runDir} is a StackGAN run, which draws images of a text`);
  const bag = encodePrompt({ words: run.vocabulary }, text, (line) => console.error(line));
  await selectBackend();
  const dirs = stackganPhaseDirs(runDir);
  const matcher = await fileRunStore(dirs.matcher).loadLatestCheckpoint();
  const stage = (await fileRunStore(dirs.stage2).loadLatestCheckpoint()) ?? (await fileRunStore(dirs.stage1).loadLatestCheckpoint());
  if (!matcher || !stage) throw new Error(`${runDir} has no StackGAN checkpoint yet (training has not finished stage I)`);
  const models = await checkpointModels(stage, ['g1', 'ca1', 'g2', 'ca2'].filter((name) => stage.state.models.includes(name)));
  const encoder = await checkpointModels(matcher, ['text', 'image']);
  const bags = new Float32Array(o.n * bag.size);
  for (let i = 0; i < o.n; i++) bags.set(bag.bags, i * bag.size);
  const phi = embedTexts({ text: encoder.text, image: encoder.image }, bags, bag.size);
  const images = stackGanSample(models, phi, { seed: o.seed, noiseDim: run.options.noiseDim, conditionDim: run.options.conditionDim });
  try {
    assertFiniteOutput(images, `${runDir}: the generator's output at step ${stage.state.step}`);
    writeImageGrid(out, images, { scale: images.shape[1] < 32 ? 2 : 1 });
  } finally {
    tf.dispose([phi, images]);
    for (const m of [...Object.values(encoder), ...Object.values(models)]) m.dispose();
  }
  console.error(`gantry sample: ${o.n} images of ${JSON.stringify(text)} from ${models.g2 ? 'stage II' : 'stage I'} at step ${stage.state.step} -> ${out}`);
}
