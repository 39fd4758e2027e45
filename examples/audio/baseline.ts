// The simple baseline of the FDSD / KDSD table: speech-shaped noise from the conditioning features alone,
// a pulse train at the frame's F0 where the features say voiced, white noise where a phoneme is unvoiced,
// silence on silence frames; one fixed level (0.1).
import { featureWidth, HOP, SAMPLE_RATE, type Clips, type Rng, type SpeechCorpus } from '@gantry/core';

export function pitchShapedNoise(corpus: SpeechCorpus, clips: Clips, rng: Rng): Float32Array {
  const width = featureWidth(corpus);
  const p = corpus.inventory.length;
  const out = new Float32Array(clips.audio.length);
  for (let c = 0; c < clips.count; c++) {
    let phase = 0;
    for (let f = 0; f < clips.frames; f++) {
      const row = (c * clips.frames + f) * width;
      const silent = clips.features[row] === 1;
      const voiced = clips.features[row + p + 1] === 1;
      const f0 = Math.exp(clips.features[row + p] * corpus.pitch.std + corpus.pitch.mean);
      for (let s = 0; s < HOP; s++) {
        const at = (c * clips.frames + f) * HOP + s;
        if (silent) continue;
        if (voiced) {
          phase += f0 / SAMPLE_RATE;
          if (phase >= 1) { phase -= 1; out[at] = 0.5; }
          out[at] += 0.02 * (rng.next() - 0.5);
        } else {
          out[at] = 0.1 * (2 * rng.next() - 1);
        }
      }
    }
  }
  return out;
}
