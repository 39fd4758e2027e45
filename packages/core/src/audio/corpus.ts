// gantry's speech corpus in memory (browser-safe): utterances of machine speech (espeak-ng, corpus.node.ts
// builds and loads them) with their 200 Hz frame tracks, the fixed train / held-out split, and random
// clips of aligned audio and conditioning features for training and for the FDSD classifier.
import type { Rng } from '../random.js';
import { frameFeatures, HOP, type FrameTrack } from './frames.js';

export type SpeechSplit = 'train' | 'heldout';

export interface Utterance {
  id: string;
  voice: string;
  text: string;
  split: SpeechSplit;
  /** mono, 16 kHz, [-1, 1] */
  samples: Float32Array;
  track: FrameTrack;
}

export interface SpeechCorpus {
  /** phoneme names; id 0 is silence */
  inventory: string[];
  /** mean and std of log-F0 over the train split's voiced frames (the features' normalisation) */
  pitch: { mean: number; std: number };
  utterances: Utterance[];
}

/** Held out: every tenth sentence of the text file (index % 10 === 0), in every voice, so no held-out text is trained on. */
export function splitOf(sentenceIndex: number): SpeechSplit {
  return sentenceIndex % 10 === 0 ? 'heldout' : 'train';
}

export const featureWidth = (corpus: Pick<SpeechCorpus, 'inventory'>) => corpus.inventory.length + 2;

export function utterancesOf(corpus: SpeechCorpus, split: SpeechSplit): Utterance[] {
  const list = corpus.utterances.filter((u) => u.split === split);
  if (list.length === 0) throw new Error(`the speech corpus has no ${split} utterances`);
  return list;
}

export function minutesOf(utterances: readonly Utterance[]): number {
  return utterances.reduce((s, u) => s + u.samples.length, 0) / HOP / 200 / 60;
}

export interface Clips {
  /** [count, frames * HOP] samples */
  audio: Float32Array;
  /** [count, frames, featureWidth] */
  features: Float32Array;
  count: number;
  frames: number;
}

/** The clip of `frames` frames of utterance u from frame `start` (padded with silence past its end). */
function writeClip(corpus: SpeechCorpus, u: Utterance, start: number, frames: number, clips: Clips, k: number): void {
  const width = featureWidth(corpus);
  clips.features.set(frameFeatures(u.track, start, frames, corpus.inventory.length, corpus.pitch), k * frames * width);
  const from = start * HOP;
  const piece = u.samples.subarray(from, Math.min(u.samples.length, from + frames * HOP));
  clips.audio.set(piece, k * frames * HOP);
}

const emptyClips = (corpus: SpeechCorpus, count: number, frames: number): Clips =>
  ({ audio: new Float32Array(count * frames * HOP), features: new Float32Array(count * frames * featureWidth(corpus)), count, frames });

/** `count` clips, each from a random utterance at a random frame (uniform over the starts that fit). */
export function sampleClips(corpus: SpeechCorpus, utterances: readonly Utterance[], rng: Rng, count: number, frames: number): Clips {
  const clips = emptyClips(corpus, count, frames);
  for (let k = 0; k < count; k++) {
    const u = utterances[rng.int(utterances.length)];
    const starts = Math.max(1, u.track.phonemes.length - frames + 1);
    writeClip(corpus, u, rng.int(starts), frames, clips, k);
  }
  return clips;
}

/** Every whole clip of `frames` frames of every utterance, back to back (a fixed set for evaluation). */
export function tileClips(corpus: SpeechCorpus, utterances: readonly Utterance[], frames: number): Clips {
  const places = utterances.flatMap((u) => Array.from({ length: Math.floor(u.track.phonemes.length / frames) }, (_, i) => ({ u, start: i * frames })));
  if (places.length === 0) throw new Error(`no utterance holds ${frames} frames (${frames / 200} s)`);
  const clips = emptyClips(corpus, places.length, frames);
  places.forEach(({ u, start }, k) => writeClip(corpus, u, start, frames, clips, k));
  return clips;
}
