// The sequence workloads: the trainer steps of GAN-TTS (packages/core/src/gans/gantts/trainer.ts) and of
// next-frame video prediction (packages/core/src/gans/video/trainer.ts) with their defaults, on synthetic
// data of the real data's shapes (the values do not change the cost of a step). Their PyTorch twins are
// in bench/sequence_peer.py.
import { createRng, ganttsTrainable, videoTrainable, type ArrayDataset, type SpeechCorpus, type Utterance } from '@gantry/core';

import { pseudoRandomValues } from './generation-workloads.js';
import { trainerWorkload } from './trainer-workload.js';
import type { Workload } from './workloads.js';

/** The espeak-ng corpus's phoneme inventory size (docs/audio.md): features are 67 + 2 wide. */
export const PHONEMES = 67;
const UTTERANCES = 32;
const FRAMES_PER_UTTERANCE = 400; // 2 s at 200 Hz
const HOP = 80;

/** Utterances of noise with random phoneme, pitch and voicing tracks, shaped as the espeak-ng corpus's. */
export function syntheticCorpus(): SpeechCorpus {
  const rng = createRng(3);
  const utterances: Utterance[] = Array.from({ length: UTTERANCES }, (_, i) => {
    const phonemes = Int32Array.from({ length: FRAMES_PER_UTTERANCE }, () => rng.int(PHONEMES));
    const voiced = Uint8Array.from(phonemes, (p) => (p % 3 === 0 ? 0 : 1));
    const logF0 = Float32Array.from(voiced, (v) => (v ? 4.6 + 0.3 * rng.next() : 0));
    const samples = pseudoRandomValues(FRAMES_PER_UTTERANCE * HOP, 11 + i).map((v) => 0.3 * v);
    return { id: `u${i}`, voice: 'bench', text: '', split: 'train', samples, track: { phonemes, logF0, voiced } };
  });
  return { inventory: Array.from({ length: PHONEMES }, (_, i) => (i === 0 ? '_' : `p${i}`)), pitch: { mean: 4.75, std: 0.2 }, utterances };
}

/** GAN-TTS: batch 8 clips of 64 frames (0.32 s), G [64, 48, 32, 16] upsampling 2, 2, 4, 5; four random-window Ds (480, 1600 samples, each unconditional and conditional); hinge; Adam(1e-4, 0, 0.999). */
export function gantts(): Workload {
  const trainable = ganttsTrainable(syntheticCorpus(), { seed: 1 });
  const { generator, discriminator } = trainable.models;
  return trainerWorkload(trainable, { generator: [generator], discriminator: [discriminator], parameters: [166929, 99204], loss: 'g/adversarial' });
}

/** Next-frame prediction, loss 'adversarial' (MSE + 0.0125 adv): 16 Moving-MNIST sequences of 10 + 10 frames at 64 px, U-Net predictor, 2-scale discriminator, Adam(1e-3, 0.5). */
export function video(): Workload {
  const digits: ArrayDataset = { name: 'bench-digits', itemShape: [28, 28, 1], count: 100, values: pseudoRandomValues(100 * 28 * 28, 5) };
  const trainable = videoTrainable(digits, { seed: 1, loss: 'adversarial' });
  const { predictor, discriminator } = trainable.models;
  return trainerWorkload(trainable, { generator: [predictor], discriminator: [discriminator], parameters: [97578, 27298], loss: 'g/mse' });
}
