// Band-limited resampling of mono audio: a Hann-windowed sinc, cut off at the lower rate's Nyquist
// frequency, 16 zero crossings each side. Used for espeak-ng's 22050 Hz output and for WAV input at
// another rate (wav.ts). Arbitrary rate ratios; the ends are padded with zeros.
const HALF_WIDTH = 16;

export function resample(x: Float32Array, from: number, to: number): Float32Array {
  if (!(from > 0) || !(to > 0)) throw new Error(`resample: rates must be > 0, got ${from} -> ${to}`);
  if (from === to) return Float32Array.from(x);
  const out = new Float32Array(Math.round((x.length * to) / from));
  const cutoff = Math.min(1, to / from);    // in units of the source Nyquist
  const reach = HALF_WIDTH / cutoff;         // source samples each side
  for (let j = 0; j < out.length; j++) {
    const centre = (j * from) / to;
    const lo = Math.max(0, Math.ceil(centre - reach));
    const hi = Math.min(x.length - 1, Math.floor(centre + reach));
    let sum = 0;
    for (let i = lo; i <= hi; i++) {
      const t = i - centre;
      const u = t * cutoff;
      const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * t) / reach);
      sum += x[i] * sinc * window;
    }
    out[j] = sum * cutoff;
  }
  return out;
}
