// Builds and loads gantry's espeak-ng speech corpus (machine speech, not human): the sentences of
// packages/core/data/speech-sentences.txt spoken by espeak-ng voices, 16 kHz mono 16-bit WAV per
// utterance beside a JSON of its phoneme events (at 16 kHz) and 200 Hz pitch track, and corpus.json (the
// phoneme inventory, log-F0 statistics, split and minutes) written last. Every file is written atomically;
// a build skips utterances already on disk, so an interrupted build resumes and a finished one is a no-op.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../run/files.node.js';
import { splitOf, type SpeechCorpus, type SpeechSplit, type Utterance } from './corpus.js';
import { speakSentences, type SpokenSentence } from './espeak.node.js';
import { FRAME_RATE, phonemeFrames, phonemeLookup, SAMPLE_RATE, SILENCE, trackPitch, type PhonemeEvent } from './frames.js';
import { resample } from './resample.js';
import { decodeWav, encodeWav } from './wav.js';

export const CORPUS_FORMAT = 'gantry-speech-corpus-1';
export const DEFAULT_VOICES = ['en-us', 'en-gb-x-rp'] as const;
export const SENTENCES_FILE = fileURLToPath(new URL('../../data/speech-sentences.txt', import.meta.url));

export interface CorpusIndex {
  format: typeof CORPUS_FORMAT;
  note: string;
  voices: string[];
  sentences: number;
  inventory: string[];
  pitch: { mean: number; std: number };
  minutes: { train: number; heldout: number };
  utterances: Array<{ id: string; voice: string; sentence: number; text: string; split: SpeechSplit }>;
}

export interface BuildCorpusOptions {
  voices?: readonly string[];
  /** the sentences (default: the repository's text file) */
  sentences?: readonly string[];
  /** only the first N sentences (tests build a tiny corpus) */
  limit?: number;
  onProgress?: (done: number, total: number, voice: string) => void;
}

/** The sentences of a text file, one a line, '#' comments and blank lines skipped. */
export function readSentences(path = SENTENCES_FILE): string[] {
  return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** An espeak-ng utterance at 16 kHz: the samples, the phoneme events moved to 16 kHz sample positions, the pitch track. */
export function utteranceAudio(spoken: SpokenSentence): { samples: Float32Array; events: PhonemeEvent[]; logF0: Float32Array; voiced: Uint8Array } {
  const raw = Float32Array.from(spoken.samples, (v) => v / 32768);
  const samples = resample(raw, spoken.rate, SAMPLE_RATE);
  const events = spoken.events.map((e) => ({ sample: Math.round((e.sample * SAMPLE_RATE) / spoken.rate), phoneme: e.phoneme }));
  return { samples, events, ...trackPitch(samples) };
}

const idOf = (voice: string, sentence: number) => `${voice.replace(/[^A-Za-z0-9]+/g, '-')}-${String(sentence).padStart(4, '0')}`;
const paths = (dir: string, id: string) => ({ wav: join(dir, 'utt', `${id}.wav`), track: join(dir, 'utt', `${id}.json`) });
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

interface TrackFile { events: Array<[number, string]>; logF0: number[]; voiced: number[] }

/** Builds (or finishes) the corpus in `dir`; returns its index. */
export function buildCorpus(dir: string, o: BuildCorpusOptions = {}): CorpusIndex {
  const voices = [...(o.voices ?? DEFAULT_VOICES)];
  const sentences = (o.sentences ?? readSentences()).slice(0, o.limit);
  mkdirSync(join(dir, 'utt'), { recursive: true });
  const total = voices.length * sentences.length;
  let done = 0;
  for (const voice of voices) {
    const missing = sentences.map((_, i) => i).filter((i) => !existsSync(paths(dir, idOf(voice, i)).track));
    done += sentences.length - missing.length;
    for (let b = 0; b < missing.length; b += 25) {
      const batch = missing.slice(b, b + 25);
      speakSentences(batch.map((i) => sentences[i]), voice).forEach((spoken, k) => {
        const { samples, events, logF0, voiced } = utteranceAudio(spoken);
        const p = paths(dir, idOf(voice, batch[k]));
        writeFileAtomic(p.wav, encodeWav({ samples, sampleRate: SAMPLE_RATE }), dirname(p.wav));
        const track: TrackFile = { events: events.map((e) => [e.sample, e.phoneme]), logF0: Array.from(logF0, round4), voiced: Array.from(voiced) };
        writeFileAtomic(p.track, JSON.stringify(track), dirname(p.track));
      });
      done += batch.length;
      o.onProgress?.(done, total, voice);
    }
  }
  return writeIndex(dir, voices, sentences);
}

function writeIndex(dir: string, voices: string[], sentences: readonly string[]): CorpusIndex {
  const utterances = voices.flatMap((voice) => sentences.map((text, sentence) => ({ id: idOf(voice, sentence), voice, sentence, text, split: splitOf(sentence) })));
  const phonemes = new Set<string>();
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  const seconds = { train: 0, heldout: 0 };
  for (const u of utterances) {
    const track = readTrack(dir, u.id);
    for (const [, p] of track.events) if (!p.startsWith(SILENCE)) phonemes.add(p);
    seconds[u.split] += track.logF0.length / FRAME_RATE;
    if (u.split !== 'train') continue;
    track.logF0.forEach((v, i) => { if (track.voiced[i]) { sum += v; sumSq += v * v; count++; } });
  }
  const mean = count ? sum / count : 0;
  const index: CorpusIndex = {
    format: CORPUS_FORMAT,
    note: 'machine speech: espeak-ng voices reading public-domain sentences, not human speech',
    voices, sentences: sentences.length, inventory: [SILENCE, ...[...phonemes].sort()],
    pitch: { mean, std: Math.max(1e-3, Math.sqrt(Math.max(0, sumSq / Math.max(1, count) - mean * mean))) },
    minutes: { train: round4(seconds.train / 60), heldout: round4(seconds.heldout / 60) }, utterances,
  };
  writeFileAtomic(join(dir, 'corpus.json'), `${JSON.stringify(index, null, 1)}\n`, dir);
  return index;
}

function readTrack(dir: string, id: string): TrackFile {
  const path = paths(dir, id).track;
  if (!existsSync(path)) throw new Error(`${path} is missing: the corpus in ${dir} is incomplete (build it again to finish it)`);
  return JSON.parse(readFileSync(path, 'utf8')) as TrackFile;
}

export const isCorpus = (dir: string) => existsSync(join(dir, 'corpus.json'));

/** Loads a built corpus (all of it, or one split). */
export function loadCorpus(dir: string, split?: SpeechSplit): SpeechCorpus {
  const file = join(dir, 'corpus.json');
  if (!existsSync(file)) throw new Error(`${dir} holds no speech corpus (no corpus.json); build one with gantry train --model gantts (docs/audio.md)`);
  const index = JSON.parse(readFileSync(file, 'utf8')) as CorpusIndex;
  if (index.format !== CORPUS_FORMAT) throw new Error(`${file}: unknown format ${JSON.stringify(index.format)}`);
  const lookup = phonemeLookup(index.inventory);
  const utterances: Utterance[] = index.utterances.filter((u) => !split || u.split === split).map((u) => {
    const track = readTrack(dir, u.id);
    const wavPath = paths(dir, u.id).wav;
    const wav = decodeWav(readFileSync(wavPath), wavPath);
    if (wav.sampleRate !== SAMPLE_RATE) throw new Error(`${wavPath}: ${wav.sampleRate} Hz, the corpus is ${SAMPLE_RATE} Hz`);
    const frames = track.logF0.length;
    const events = track.events.map(([sample, phoneme]) => ({ sample, phoneme }));
    return {
      id: u.id, voice: u.voice, text: u.text, split: u.split, samples: wav.samples,
      track: { phonemes: phonemeFrames(events, SAMPLE_RATE, frames, lookup), logF0: Float32Array.from(track.logF0), voiced: Uint8Array.from(track.voiced) },
    };
  });
  return { inventory: index.inventory, pitch: index.pitch, utterances };
}

