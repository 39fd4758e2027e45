// The espeak-ng corpus (machine speech) and its 200 Hz features: the pitch tracker on synthetic tones,
// phoneme frames from events by hand, a tiny corpus built, rebuilt as a no-op and loaded (split,
// inventory, tracks aligned with the audio), clips aligned in audio and features, refused text named by position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildCorpus, checkSpeakable, createRng, frameFeatures, HOP, phonemeFrames, phonemeLookup, sampleClips, SAMPLE_RATE, trackPitch, utterancesOf,
} from '../src/node.js';
import { TINY_SENTENCES, tinyCorpus } from './audio-fixtures.js';

test('trackPitch: a 150 Hz and a 230 Hz tone are voiced at their F0 within 2%; silence and noise-free zeros are unvoiced', () => {
  const tone = (hz: number) => Float32Array.from({ length: SAMPLE_RATE / 2 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE) + 0.1 * Math.sin((4 * Math.PI * hz * i) / SAMPLE_RATE));
  for (const hz of [150, 230]) {
    const { logF0, voiced } = trackPitch(tone(hz));
    assert.equal(logF0.length, 100);
    for (let f = 5; f < 95; f++) {
      assert.equal(voiced[f], 1, `${hz} Hz frame ${f}`);
      assert.ok(Math.abs(Math.exp(logF0[f]) / hz - 1) < 0.02, `${hz} Hz frame ${f}: ${Math.exp(logF0[f])}`);
    }
  }
  const quiet = trackPitch(new Float32Array(1600));
  assert.ok(quiet.voiced.every((v) => v === 0) && quiet.logF0.every((v) => v === 0));
});

test('phonemeFrames: each frame takes the last event at or before its centre; unknown phonemes and pauses are id 0', () => {
  const lookup = phonemeLookup(['_', 'a', 'b']);
  // at 16 kHz frame f's centre is sample 80f + 40
  const events = [{ sample: 100, phoneme: 'a' }, { sample: 200, phoneme: 'b' }, { sample: 360, phoneme: 'x' }, { sample: 400, phoneme: '_:' }];
  assert.deepEqual(Array.from(phonemeFrames(events, SAMPLE_RATE, 7, lookup)), [0, 1, 2, 2, 0, 0, 0]);
  const track = { phonemes: Int32Array.from([1, 2]), logF0: Float32Array.from([0, Math.log(200)]), voiced: Uint8Array.from([0, 1]) };
  const rows = frameFeatures(track, 1, 3, 3, { mean: Math.log(100), std: 0.5 });
  const want = [0, 0, 1, Math.log(2) / 0.5, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0];
  assert.equal(rows.length, want.length);
  want.forEach((v, i) => assert.ok(Math.abs(rows[i] - v) < 1e-5, `value ${i}: ${rows[i]} vs ${v} (frames past the end: silence)`));
});

test('a tiny corpus: built, rebuilt as a no-op, loaded with the fixed split and tracks aligned to the audio; clips align', () => {
  const { dir, corpus } = tinyCorpus();
  const wav = join(dir, 'utt', 'en-us-0001.wav');
  const before = statSync(wav).mtimeMs;
  const index = buildCorpus(dir, { voices: ['en-us'], sentences: TINY_SENTENCES });
  assert.equal(statSync(wav).mtimeMs, before, 'a finished build writes no utterance again');
  assert.equal(index.note.includes('machine speech'), true);
  assert.equal(index.inventory[0], '_');
  assert.deepEqual(corpus.utterances.map((u) => u.split), ['heldout', 'train', 'train', 'train', 'train', 'train']);
  for (const u of corpus.utterances) {
    assert.equal(u.track.phonemes.length, Math.ceil(u.samples.length / HOP), u.id);
    assert.ok(u.samples.length > SAMPLE_RATE / 2, `${u.id}: ${u.samples.length} samples`);
    assert.ok(u.track.phonemes.some((p) => p > 0) && u.track.phonemes.every((p) => p < corpus.inventory.length));
    const voiced = u.track.logF0.filter((_, i) => u.track.voiced[i]).map(Math.exp);
    assert.ok(voiced.length > 20 && voiced.every((f) => f > 69.9 && f < 400.1), `${u.id}: F0 of voiced frames`);
  }
  const clips = sampleClips(corpus, utterancesOf(corpus, 'train'), createRng(3), 3, 32);
  assert.equal(clips.audio.length, 3 * 32 * HOP);
  assert.equal(clips.features.length, 3 * 32 * (corpus.inventory.length + 2));
});

test('checkSpeakable names the first character espeak-ng is not given, by position', () => {
  assert.equal(checkSpeakable('Hello, world!'), 'Hello, world!');
  assert.throws(() => checkSpeakable('Tea at 5 € please', '--text'), /--text: character "€" \(U\+20AC\) at position 10 cannot be spoken/);
  assert.throws(() => checkSpeakable('  ', '--text'), /--text is empty/);
});
