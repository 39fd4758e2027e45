// WAV bytes <-> Float32Array samples in [-1, 1], browser-safe. Reads RIFF/WAVE with 8/16/24/32-bit PCM or
// 32/64-bit IEEE float ('fmt ' format 1, 3 or 0xFFFE extensible with either subformat); writes 16-bit PCM
// or 32-bit float. Several channels are averaged to mono (documented downmix); another sample rate is
// resampled to the one asked for with a windowed-sinc filter (resample.ts) unless `resample: false`, which
// makes it an error. Every error names the file (`name`).
import { resample } from './resample.js';

export interface WavAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface DecodedWav extends WavAudio {
  /** the file's channels before the downmix, and its rate before any resampling */
  channels: number;
  sourceRate: number;
}

export interface ReadWavOptions {
  /** the rate the samples must have (e.g. 16000); default: the file's own */
  sampleRate?: number;
  /** resample another rate to `sampleRate` (default true); false: an error naming the file */
  resample?: boolean;
  /** false: several channels are an error instead of being averaged (default true) */
  downmix?: boolean;
}

const ascii = (v: DataView, at: number) => String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));

interface Format { code: number; channels: number; rate: number; bits: number }

function parseFormat(v: DataView, at: number, size: number, name: string): Format {
  if (size < 16) throw new Error(`${name}: the fmt chunk is ${size} bytes, under 16`);
  let code = v.getUint16(at, true);
  if (code === 0xfffe && size >= 26) code = v.getUint16(at + 24, true);
  return { code, channels: v.getUint16(at + 2, true), rate: v.getUint32(at + 4, true), bits: v.getUint16(at + 14, true) };
}

function sampleReader(v: DataView, f: Format, name: string): (at: number) => number {
  if (f.code === 1) {
    if (f.bits === 8) return (at) => (v.getUint8(at) - 128) / 128;
    if (f.bits === 16) return (at) => v.getInt16(at, true) / 32768;
    if (f.bits === 24) return (at) => ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16))) / 8388608;
    if (f.bits === 32) return (at) => v.getInt32(at, true) / 2147483648;
  }
  if (f.code === 3) {
    if (f.bits === 32) return (at) => v.getFloat32(at, true);
    if (f.bits === 64) return (at) => v.getFloat64(at, true);
  }
  throw new Error(`${name}: unsupported WAV encoding (format ${f.code}, ${f.bits} bits); gantry reads 8/16/24/32-bit PCM and 32/64-bit float`);
}

/** A WAV file's samples, channels averaged to mono, at the file's own rate. */
export function decodeWav(bytes: Uint8Array, name = 'WAV data'): DecodedWav {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(v, 0) !== 'RIFF' || ascii(v, 8) !== 'WAVE') throw new Error(`${name}: not a RIFF/WAVE file`);
  let format: Format | undefined;
  let data: { at: number; size: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = ascii(v, at);
    const size = v.getUint32(at + 4, true);
    if (id === 'fmt ') format = parseFormat(v, at + 8, size, name);
    // a data chunk cut short (a stream's placeholder size) is read to the end of the bytes
    if (id === 'data') data = { at: at + 8, size: Math.min(size, bytes.length - at - 8) };
    at += 8 + size + (size % 2);
  }
  if (!format) throw new Error(`${name}: no fmt chunk`);
  if (!data) throw new Error(`${name}: no data chunk`);
  if (format.channels < 1) throw new Error(`${name}: ${format.channels} channels`);
  if (!(format.rate > 0)) throw new Error(`${name}: sample rate ${format.rate}`);
  const read = sampleReader(v, format, name);
  const width = format.bits / 8;
  const frame = width * format.channels;
  const count = Math.floor(data.size / frame);
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let c = 0; c < format.channels; c++) sum += read(data.at + i * frame + c * width);
    samples[i] = sum / format.channels;
  }
  return { samples, sampleRate: format.rate, channels: format.channels, sourceRate: format.rate };
}

/** decodeWav, then the options' checks: mono or the documented downmix, the rate asked for or resampled to it. */
export function readWavBytes(bytes: Uint8Array, name: string, o: ReadWavOptions = {}): DecodedWav {
  const wav = decodeWav(bytes, name);
  if (wav.channels > 1 && o.downmix === false) throw new Error(`${name}: ${wav.channels} channels; gantry wants mono audio (average the channels first)`);
  const rate = o.sampleRate ?? wav.sampleRate;
  if (rate === wav.sampleRate) return wav;
  if (o.resample === false) throw new Error(`${name}: sample rate ${wav.sampleRate} Hz; ${rate} Hz is needed (resample it first)`);
  return { ...wav, samples: resample(wav.samples, wav.sampleRate, rate), sampleRate: rate };
}

/** WAV bytes of mono samples: 16-bit PCM (clipped to [-1, 1], rounded) or 32-bit float. */
export function encodeWav(audio: WavAudio, encoding: 'pcm16' | 'float32' = 'pcm16'): Uint8Array {
  const { samples, sampleRate } = audio;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new Error(`encodeWav: sample rate must be a positive integer, got ${sampleRate}`);
  const width = encoding === 'pcm16' ? 2 : 4;
  const bytes = new Uint8Array(44 + samples.length * width);
  const v = new DataView(bytes.buffer);
  const tag = (at: number, s: string) => { for (let i = 0; i < 4; i++) v.setUint8(at + i, s.charCodeAt(i)); };
  tag(0, 'RIFF'); v.setUint32(4, 36 + samples.length * width, true); tag(8, 'WAVE');
  tag(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, encoding === 'pcm16' ? 1 : 3, true); v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true); v.setUint32(28, sampleRate * width, true); v.setUint16(32, width, true); v.setUint16(34, width * 8, true);
  tag(36, 'data'); v.setUint32(40, samples.length * width, true);
  for (let i = 0; i < samples.length; i++) {
    if (encoding === 'float32') v.setFloat32(44 + 4 * i, samples[i], true);
    else v.setInt16(44 + 2 * i, Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), true);
  }
  return bytes;
}
