// WAV bytes <-> samples with hand-made files: 16-bit PCM and float read back exactly, a stereo file is
// averaged, another rate is resampled (a sine keeps its frequency and level) or refused naming the file,
// and broken files are refused naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWav, encodeWav, readWavBytes, resample } from '../src/index.js';

/** A WAV file written out by hand: RIFF header, fmt chunk, an extra chunk to skip, data. */
function handMade(format: number, channels: number, rate: number, bits: number, payload: number[], writer: 'int16' | 'float32' | 'uint8'): Uint8Array {
  const width = bits / 8;
  const data = new DataView(new ArrayBuffer(payload.length * width));
  payload.forEach((v, i) => {
    if (writer === 'int16') data.setInt16(i * 2, v, true);
    else if (writer === 'float32') data.setFloat32(i * 4, v, true);
    else data.setUint8(i, v);
  });
  const header = new DataView(new ArrayBuffer(12 + 24 + 10 + 8));
  const tag = (at: number, s: string) => [...s].forEach((ch, i) => header.setUint8(at + i, ch.charCodeAt(0)));
  tag(0, 'RIFF'); header.setUint32(4, 4 + 24 + 10 + 8 + data.byteLength, true); tag(8, 'WAVE');
  tag(12, 'fmt '); header.setUint32(16, 16, true); header.setUint16(20, format, true); header.setUint16(22, channels, true);
  header.setUint32(24, rate, true); header.setUint32(28, rate * channels * width, true); header.setUint16(32, channels * width, true); header.setUint16(34, bits, true);
  tag(36, 'LIST'); header.setUint32(40, 1, true);   // odd-sized chunk: one byte and a pad byte
  tag(46, 'data'); header.setUint32(50, data.byteLength, true);
  const out = new Uint8Array(header.byteLength + data.byteLength);
  out.set(new Uint8Array(header.buffer)); out.set(new Uint8Array(data.buffer), header.byteLength);
  return out;
}

test('16-bit PCM, 32-bit float and 8-bit PCM mono read as written; encodeWav round-trips', () => {
  const pcm = decodeWav(handMade(1, 1, 16000, 16, [0, 16384, -32768, 32767], 'int16'), 'a.wav');
  assert.deepEqual(Array.from(pcm.samples), [0, 0.5, -1, 32767 / 32768]);
  assert.equal(pcm.sampleRate, 16000);
  const float = decodeWav(handMade(3, 1, 16000, 32, [0.25, -0.75], 'float32'), 'b.wav');
  assert.deepEqual(Array.from(float.samples), [0.25, -0.75]);
  assert.deepEqual(Array.from(decodeWav(handMade(1, 1, 8000, 8, [128, 192, 0], 'uint8')).samples), [0, 0.5, -1]);
  const samples = Float32Array.from([0, 0.5, -0.5, 1, -1, 2]);
  const back = decodeWav(encodeWav({ samples, sampleRate: 16000 }));
  // written as round(v * 32767) (Math.round: -16383.5 -> -16383), read back as int / 32768
  assert.deepEqual(Array.from(back.samples, (v) => v * 32768), [0, 16384, -16383, 32767, -32767, 32767], 'clipped at 1');
  assert.deepEqual(decodeWav(encodeWav({ samples, sampleRate: 16000 }, 'float32')).samples, samples);
});

test('stereo is averaged to mono (or refused with downmix: false); another rate is resampled or refused, naming the file', () => {
  const stereo = handMade(1, 2, 16000, 16, [16384, 0, -16384, -16384], 'int16');
  assert.deepEqual(Array.from(readWavBytes(stereo, 'two.wav').samples), [0.25, -0.5]);
  assert.throws(() => readWavBytes(stereo, 'two.wav', { downmix: false }), /two\.wav: 2 channels/);
  const n = 4410;
  const sine = Array.from({ length: n }, (_, i) => Math.round(16000 * Math.sin((2 * Math.PI * 441 * i) / 44100)));
  const file = handMade(1, 1, 44100, 16, sine, 'int16');
  assert.throws(() => readWavBytes(file, 'hi-fi.wav', { sampleRate: 16000, resample: false }), /hi-fi\.wav: sample rate 44100 Hz; 16000 Hz is needed/);
  const r = readWavBytes(file, 'hi-fi.wav', { sampleRate: 16000 });
  assert.equal(r.sampleRate, 16000);
  assert.equal(r.sourceRate, 44100);
  assert.equal(r.samples.length, 1600);
  // away from the zero-padded ends the resampled sine is the sine at the new rate
  for (let j = 100; j < 1500; j += 37) {
    const want = (16000 / 32768) * Math.sin((2 * Math.PI * 441 * j) / 16000);
    assert.ok(Math.abs(r.samples[j] - want) < 2e-3, `sample ${j}: ${r.samples[j]} vs ${want}`);
  }
  // a tone above the new Nyquist frequency is filtered out, not folded back
  const high = Float32Array.from({ length: 4410 }, (_, i) => Math.sin((2 * Math.PI * 10000 * i) / 44100));
  const low = resample(high, 44100, 16000);
  const rms = Math.sqrt(low.slice(100, 1500).reduce((s, v) => s + v * v, 0) / 1400);
  assert.ok(rms < 0.02, `10 kHz at 16 kHz: rms ${rms}`);
});

test('broken files are refused naming the file', () => {
  assert.throws(() => decodeWav(new Uint8Array(8), 'short.wav'), /short\.wav: not a RIFF\/WAVE file/);
  const noData = handMade(1, 1, 16000, 16, [], 'int16').slice(0, 46);
  assert.throws(() => decodeWav(noData, 'nodata.wav'), /nodata\.wav: no data chunk/);
  assert.throws(() => decodeWav(handMade(2, 1, 16000, 16, [1, 2], 'int16'), 'adpcm.wav'), /adpcm\.wav: unsupported WAV encoding \(format 2, 16 bits\)/);
  assert.throws(() => encodeWav({ samples: new Float32Array(1), sampleRate: 0 }), /positive integer/);
});
