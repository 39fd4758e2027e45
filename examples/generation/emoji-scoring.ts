// What the generation measurements share (docs/generation.md): emoji:google at 32 px scored by core's
// emojiScoring (the same code as gantry eval: the test split in the emoji classifier's features, FD, KID,
// precision / recall with k = 3, and the training split's floor), rounded for the JSON lines, and a
// CPU-seconds budget that stops a loop run.
import type * as tf from '@tensorflow/tfjs-core';
import { emojiScoring as coreEmojiScoring, type EmojiScore } from '@gantry/core/node';
import { cpuSeconds } from '../common/measure.js';

export const SIZE = 32;

/** A score rounded for a JSON line (FD 2 digits, KID 4, precision and recall 3): what every measurement prints. */
export const rounded = (s: EmojiScore) => ({ fd: +s.fd.toFixed(2), kid: +s.kid.toFixed(4), precision: +s.precision.toFixed(3), recall: +s.recall.toFixed(3) });

export function emojiScoring() {
  const scoring = coreEmojiScoring({ style: 'google', size: SIZE });
  return {
    train: scoring.train,
    test: scoring.test,
    /** Scores images [N, 32, 32, 3] against the test split. */
    score: (images: tf.Tensor4D): Record<string, number> => rounded(scoring.score(images)),
    floor: (): Record<string, number> => rounded(scoring.floor()),
  };
}

/**
 * Stops a run once this process's CPU seconds since the call, plus `spentBefore` (what earlier sittings of a resumed
 * run spent on the steps it kept), pass `budget`; the step in progress completes. Already spent: stopped at once.
 */
export function cpuBudget(budget: number, spentBefore = 0) {
  const stop = new AbortController();
  const from = cpuSeconds();
  const spent = () => spentBefore + cpuSeconds() - from;
  if (spentBefore >= budget) stop.abort();
  return { signal: stop.signal, callbacks: { onStep: () => { if (spent() > budget) stop.abort(); } }, from, spent };
}
