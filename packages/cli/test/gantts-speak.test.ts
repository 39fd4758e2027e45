// gantry train --model gantts on a tiny espeak-ng corpus (machine speech; 2 + 1 steps of the default
// networks, with an averaged G), --resume (each checkpoint leaves a preview WAV for the studio), gantry speak to a
// 16 kHz WAV from the averaged G and (--no-ema) the trained one, and the refusals: unspeakable text by position,
// a --data folder that holds no corpus, flags GAN-TTS does not take, a run that is not GAN-TTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, decodeWav } from '@gantry/core/node';
import { speakCommand } from '../src/commands/speak.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

test('train --model gantts, --resume, speak; bad text, data and flags refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-gantts-cli-'));
  const corpus = join(root, 'corpus');
  try {
    buildCorpus(corpus, { voices: ['en-us'], sentences: ['The cat slept in the sun.', 'A cold wind blew.', 'She carried apples.', 'The train left at seven.'] });
  } catch (e) {
    throw new Error(`this test needs espeak-ng (apt-get install espeak-ng, or scripts/bootstrap): ${(e as Error).message}`);
  }
  const runDir = join(root, 'run');
  const first = await runCommand(trainCommand, '--model', 'gantts', '--data', corpus, '--steps', '2', '--batch', '2', '--seed', '1', '--ema', '0.9', '--progress', 'off', '--out', runDir);
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /machine speech/);
  assert.ok(existsSync(join(runDir, 'gantts.json')));
  const resumed = await runCommand(trainCommand, '--resume', runDir, '--steps', '3', '--progress', 'off');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /done at step 3/);
  // a checkpoint every step (a tenth of 2 steps), each with G's preview speech of the held-out sentence
  assert.deepEqual(readdirSync(join(runDir, 'samples')).sort(), ['step-000001.wav', 'step-000002.wav', 'step-000003.wav']);
  const preview = decodeWav(readFileSync(join(runDir, 'samples', 'step-000003.wav')), 'preview');
  assert.deepEqual([preview.sampleRate, preview.channels], [16000, 1]);
  assert.ok(preview.samples.length > 8000 && preview.samples.some((x) => x !== 0), `${preview.samples.length} samples`);

  const wav = join(root, 'out', 'hello.wav');
  const spoken = await runCommand(speakCommand, runDir, '--text', 'Hello there, world.', '--out', wav);
  assert.equal(spoken.code, 0, spoken.err);
  const audio = decodeWav(readFileSync(wav), wav);
  assert.equal(audio.sampleRate, 16000);
  assert.equal(audio.channels, 1);
  assert.ok(audio.samples.length > 8000 && audio.samples.length % 80 === 0, `${audio.samples.length} samples`);
  assert.match(spoken.err, /through the averaged G of step 3/);
  const trained = await runCommand(speakCommand, runDir, '--text', 'Hello there, world.', '--out', join(root, 'out', 'trained.wav'), '--no-ema');
  assert.equal(trained.code, 0, trained.err);
  assert.match(trained.err, /through G of step 3/);
  assert.notDeepEqual(decodeWav(readFileSync(join(root, 'out', 'trained.wav')), 'trained').samples, audio.samples);

  const euro = await runCommand(speakCommand, runDir, '--text', 'Pay 5 € now', '--out', wav);
  assert.notEqual(euro.code, 0);
  assert.match(euro.err, /--text: character "€" \(U\+20AC\) at position 7 cannot be spoken/);
  const notRun = await runCommand(speakCommand, corpus, '--text', 'Hi', '--out', wav);
  assert.match(notRun.err, /is not a GAN-TTS run/);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const noCorpus = await runCommand(trainCommand, '--model', 'gantts', '--data', empty, '--out', join(root, 'run2'));
  assert.match(noCorpus.err, /--data .*empty holds no speech corpus/);
  const flag = await runCommand(trainCommand, '--model', 'gantts', '--data', corpus, '--loss', 'wgan', '--out', join(root, 'run3'));
  assert.match(flag.err, /--model gantts does not take --loss/);
  const decay = await runCommand(trainCommand, '--model', 'gantts', '--data', corpus, '--ema', '1', '--out', join(root, 'run4'));
  assert.match(decay.err, /--ema must be a number in \[0\.5, 0\.99999\], got "1"/);
});
