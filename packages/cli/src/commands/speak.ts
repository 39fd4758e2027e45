// gantry speak RUN --text "..." --out a.wav: text -> espeak-ng's phonemes (their timing) and pitch -> the
// 200 Hz features of the run's corpus -> the run's GAN-TTS generator -> 16 kHz mono 16-bit WAV. The voice
// only sets the timing and pitch the features take from espeak-ng; the waveform is G's. Text outside
// letters, digits, spaces and . , ; : ! ? ' " ( ) - is refused naming the character's position; a phoneme
// the run's corpus never had is spoken as silence (id 0).
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  checkSpeakable, createRng, encodeWav, frameFeatures, HOP, phonemeFrames, phonemeLookup, SAMPLE_RATE, speakSentences, synthesize, utteranceAudio,
  writeFileAtomic, type GanttsConfig,
} from '@gantry/core/node';
import { command, integerFlag, parseFlags, stringFlag, UsageError } from '../args.js';
import { selectBackend } from '../backend.js';
import { assertFiniteOutput, latestCheckpoint, loadGenerator } from '../run.js';
import { isGanttsRun, paddedFrames } from '../train-gantts.js';
import * as tf from '@tensorflow/tfjs-core';

const usage = `usage: gantry speak RUN --text "..." --out <file.wav> [options]

Speaks text with the generator of a GAN-TTS run (gantry train --model gantts; docs/audio.md). espeak-ng gives
the phonemes, their timing and the pitch; the run's generator makes the 16 kHz waveform (trained on machine
speech, so it imitates espeak-ng, not a human).

options:
  --text <t>      letters, digits, spaces and . , ; : ! ? ' " ( ) - (anything else is refused by position)
  --out <f>       the WAV file to write (16 kHz mono, 16-bit)
  --voice <v>     the espeak-ng voice for timing and pitch (default en-us)
  --seed <n>      the generator's noise (default 0)
  --no-ema        the trained generator, not the averaged one (runs trained with --ema keep both)`;

const options = { text: { type: 'string' }, out: { type: 'string' }, voice: { type: 'string' }, seed: { type: 'string' }, 'no-ema': { type: 'boolean' } } as const;

export const speakCommand = command('speak', 'speak text with a GAN-TTS run (16 kHz WAV)', usage, async (argv) => {
  const { values, positionals } = parseFlags(argv, options, 1);
  const runDir = positionals[0];
  if (!runDir) throw new UsageError('gantry speak needs a run directory (gantry train --model gantts)');
  if (!isGanttsRun(runDir)) throw new UsageError(`${runDir} is not a GAN-TTS run (no gantts.json; train one with gantry train --model gantts)`);
  const text = checkSpeakable(stringFlag(values.text, 'text') ?? '', '--text');
  const out = stringFlag(values.out, 'out');
  if (!out) throw new UsageError('--out <file.wav> is required');
  if (!out.toLowerCase().endsWith('.wav')) throw new UsageError(`--out ${out}: the output is a WAV file (end it in .wav)`);
  const seed = integerFlag(values.seed, 'seed', 0) ?? 0;
  const voice = stringFlag(values.voice, 'voice') ?? 'en-us';
  const backend = await selectBackend();
  const config = (await latestCheckpoint(runDir)).state.config as GanttsConfig;
  const spoken = utteranceAudio(speakSentences([text], voice)[0]);
  const frames = spoken.logF0.length;
  const track = { phonemes: phonemeFrames(spoken.events, SAMPLE_RATE, frames, phonemeLookup(config.inventory)), logF0: spoken.logF0, voiced: spoken.voiced };
  const padded = paddedFrames(frames);
  const features = frameFeatures(track, 0, padded, config.inventory.length, config.pitch);
  const { generator, step, averaged } = await loadGenerator(runDir, 'generator', { averaged: values['no-ema'] !== true });
  const wave = synthesize(generator, features, padded, config.featureWidth, config.latentDim ?? 32, createRng(seed)).subarray(0, frames * HOP);
  generator.dispose();
  tf.tidy(() => assertFiniteOutput(tf.tensor1d(wave), `the speech of ${runDir}`));
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(resolve(out), encodeWav({ samples: wave, sampleRate: SAMPLE_RATE }), dirname(resolve(out)));
  console.error(`gantry speak: ${(frames / 200).toFixed(2)} s (${frames} frames, espeak-ng voice ${voice} for timing and pitch) through ${averaged ? 'the averaged G' : 'G'} of step ${step} of ${runDir} on ${backend} -> ${out}`);
});
