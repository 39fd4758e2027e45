// The conditioning features of gantry's GAN-TTS at 200 Hz (one frame per 5 ms = 80 samples at 16 kHz):
// per frame the phoneme being spoken (an id into the corpus's inventory, one-hot in the model's input),
// log-F0 and a voiced flag. Phoneme ids come from espeak-ng's phoneme events (espeak.node.ts); F0 from
// a plain autocorrelation tracker on the audio (espeak-ng reports no pitch track without MBROLA).
export const SAMPLE_RATE = 16000;
export const FRAME_RATE = 200;
export const HOP = SAMPLE_RATE / FRAME_RATE;
/** id 0: silence and pauses ('_', '_:', before the first phoneme); unknown phonemes map to it too */
export const SILENCE = '_';

export interface PhonemeEvent {
  /** the sample (at the utterance's rate) where the phoneme starts */
  sample: number;
  phoneme: string;
}

export interface FrameTrack {
  /** phoneme id per frame */
  phonemes: Int32Array;
  /** natural log of F0 in Hz per frame, 0 where unvoiced */
  logF0: Float32Array;
  /** 1 where the tracker found a period, else 0 */
  voiced: Uint8Array;
}

const PITCH_WINDOW = 400;          // 25 ms
const MIN_LAG = 40;                // 400 Hz
const MAX_LAG = 228;               // 70 Hz
const VOICING_THRESHOLD = 0.45;    // normalised autocorrelation peak
const SILENCE_RMS = 0.01;
const OCTAVE_TOLERANCE = 0.9;

/**
 * F0 per 5 ms frame of 16 kHz audio: the lag in [40, 228] (70-400 Hz) of the highest normalised
 * autocorrelation of a 25 ms window centred on the frame (the shortest lag at a local peak within 90% of
 * the highest, against octave errors); voiced when that peak passes 0.45 and the window is not silent.
 */
export function trackPitch(samples: Float32Array, frames = Math.ceil(samples.length / HOP)): { logF0: Float32Array; voiced: Uint8Array } {
  const logF0 = new Float32Array(frames);
  const voiced = new Uint8Array(frames);
  const w = new Float32Array(PITCH_WINDOW);
  const corr = new Float32Array(MAX_LAG + 2);
  for (let f = 0; f < frames; f++) {
    const start = f * HOP + HOP / 2 - PITCH_WINDOW / 2;
    let energy = 0;
    for (let i = 0; i < PITCH_WINDOW; i++) {
      const j = start + i;
      w[i] = j >= 0 && j < samples.length ? samples[j] : 0;
      energy += w[i] * w[i];
    }
    if (Math.sqrt(energy / PITCH_WINDOW) < SILENCE_RMS) continue;
    for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) {
      let r = 0;
      let e1 = 0;
      let e2 = 0;
      for (let i = 0; i + lag < PITCH_WINDOW; i++) {
        r += w[i] * w[i + lag];
        e1 += w[i] * w[i];
        e2 += w[i + lag] * w[i + lag];
      }
      corr[lag] = r / Math.sqrt(e1 * e2 + 1e-12);
    }
    let peak = 0;
    for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) peak = Math.max(peak, corr[lag]);
    // the shortest period whose peak nearly matches the highest: multiples of the period correlate as well (octave errors)
    let bestLag = 0;
    for (let lag = MIN_LAG; lag <= MAX_LAG && bestLag === 0; lag++) {
      const localPeak = corr[lag] >= corr[lag - 1] && (lag === MAX_LAG || corr[lag] >= corr[lag + 1]);
      if (localPeak && corr[lag] >= OCTAVE_TOLERANCE * peak) bestLag = lag;
    }
    const best = corr[bestLag];
    if (best >= VOICING_THRESHOLD) {
      voiced[f] = 1;
      logF0[f] = Math.log(SAMPLE_RATE / bestLag);
    }
  }
  return { logF0, voiced };
}

/** The phoneme id of every frame: the last event starting at or before the frame's centre. */
export function phonemeFrames(events: readonly PhonemeEvent[], eventRate: number, frames: number, idOf: (p: string) => number): Int32Array {
  const ids = new Int32Array(frames);
  let e = -1;
  for (let f = 0; f < frames; f++) {
    const centre = ((f + 0.5) / FRAME_RATE) * eventRate;
    while (e + 1 < events.length && events[e + 1].sample <= centre) e++;
    ids[f] = e < 0 ? 0 : idOf(events[e].phoneme);
  }
  return ids;
}

/** The inventory's lookup: unknown phonemes and silences map to 0. */
export function phonemeLookup(inventory: readonly string[]): (p: string) => number {
  const ids = new Map(inventory.map((p, i) => [p, i]));
  return (p) => (p.startsWith(SILENCE) ? 0 : ids.get(p) ?? 0);
}

/**
 * The model's input for frames [start, start + length) of a track: [length, inventory + 2] row-major,
 * one-hot phoneme, then (logF0 - mean) / std where voiced (0 elsewhere), then the voiced flag.
 */
export function frameFeatures(track: FrameTrack, start: number, length: number, inventorySize: number, pitch: { mean: number; std: number }): Float32Array {
  const width = inventorySize + 2;
  const out = new Float32Array(length * width);
  for (let t = 0; t < length; t++) {
    const f = start + t;
    if (f < 0 || f >= track.phonemes.length) { out[t * width] = 1; continue; }
    out[t * width + track.phonemes[f]] = 1;
    if (track.voiced[f]) {
      out[t * width + inventorySize] = (track.logF0[f] - pitch.mean) / pitch.std;
      out[t * width + inventorySize + 1] = 1;
    }
  }
  return out;
}
