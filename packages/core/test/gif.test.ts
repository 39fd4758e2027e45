// The GIF89a encoder against a decoder written here from the spec (no PIL on this machine): block
// structure (header, screen, palette, NETSCAPE loop, per-frame graphic control with the delay, image
// descriptor, trailer), and LZW data that decodes back to the exact gray bytes / nearest palette colours,
// including frames long enough to fill the 4096-entry table and force clear codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGif, gifPalette, nearestRgbIndex, createRng } from '../src/index.js';

interface Decoded { width: number; height: number; palette: Uint8Array; loop: number | null; delays: number[]; frames: Uint8Array[] }

function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out = new Uint8Array(pixels);
  let n = 0;
  let dict: number[][] = [];
  const reset = () => { dict = Array.from({ length: clear + 2 }, (_, i) => [i]); };
  reset();
  let size = minCodeSize + 1;
  let pos = 0;
  let previous: number[] | null = null;
  const read = () => {
    let code = 0;
    for (let b = 0; b < size; b++, pos++) code |= ((data[pos >> 3] >> (pos & 7)) & 1) << b;
    return code;
  };
  for (;;) {
    assert.ok(pos + size <= data.length * 8, 'the code stream ends before its end code');
    const code = read();
    if (code === clear) { reset(); size = minCodeSize + 1; previous = null; continue; }
    if (code === end) break;
    let entry: number[];
    if (code < dict.length) entry = dict[code];
    else {
      assert.equal(code, dict.length, `code ${code} beyond the table (${dict.length})`);
      assert.ok(previous, 'first code after a clear is not a literal');
      entry = [...previous, previous[0]];
    }
    for (const v of entry) out[n++] = v;
    if (previous && dict.length < 4096) dict.push([...previous, entry[0]]);
    if (dict.length === 1 << size && size < 12) size++;
    previous = entry;
  }
  assert.equal(n, pixels, 'decoded pixel count');
  return out;
}

function decodeGif(bytes: Uint8Array): Decoded {
  let p = 0;
  const u8 = () => bytes[p++];
  const u16 = () => { p += 2; return bytes[p - 2] | (bytes[p - 1] << 8); };
  const text = (n: number) => { p += n; return String.fromCharCode(...bytes.subarray(p - n, p)); };
  const subBlocks = () => { const parts: number[] = []; for (let n = u8(); n > 0; n = u8()) { parts.push(...bytes.subarray(p, p + n)); p += n; } return Uint8Array.from(parts); };
  assert.equal(text(6), 'GIF89a');
  const width = u16();
  const height = u16();
  const packed = u8();
  assert.equal(packed & 0x80, 0x80, 'global colour table flag');
  u8(); u8();
  const entries = 2 << (packed & 7);
  const palette = bytes.slice(p, p + 3 * entries);
  p += 3 * entries;
  const result: Decoded = { width, height, palette, loop: null, delays: [], frames: [] };
  for (;;) {
    const block = u8();
    if (block === 0x3b) break;
    if (block === 0x21) {
      const label = u8();
      if (label === 0xff) {
        assert.equal(u8(), 11);
        const app = text(11);
        const data = subBlocks();
        if (app === 'NETSCAPE2.0') result.loop = data[1] | (data[2] << 8);
      } else if (label === 0xf9) {
        assert.equal(u8(), 4);
        u8();
        result.delays.push(u16());
        u8();
        assert.equal(u8(), 0, 'graphic control block terminator');
      } else subBlocks();
      continue;
    }
    assert.equal(block, 0x2c, `unexpected block 0x${block.toString(16)} at byte ${p - 1}`);
    assert.deepEqual([u16(), u16(), u16(), u16()], [0, 0, width, height]);
    assert.equal(u8() & 0x80, 0, 'no local colour table');
    const minCodeSize = u8();
    const indices = lzwDecode(subBlocks(), minCodeSize, width * height);
    result.frames.push(indices);
  }
  assert.equal(p, bytes.length, 'trailer is the last byte');
  return result;
}

test('gray frames decode to their exact bytes, with delay, loop count and clear codes in long frames', () => {
  const rng = createRng(3);
  const [w, h] = [97, 61];
  // noise (fills the LZW table several times), a ramp, and a flat frame (long runs)
  const frames = [
    Uint8Array.from({ length: w * h }, () => rng.int(256)),
    Uint8Array.from({ length: w * h }, (_, i) => (i % w) * 2),
    new Uint8Array(w * h).fill(7),
  ].map((pixels) => ({ width: w, height: h, pixels }));
  const bytes = encodeGif(frames, { delay: 15, loop: 2 });
  const d = decodeGif(bytes);
  assert.deepEqual([d.width, d.height, d.loop, d.delays], [w, h, 2, [15, 15, 15]]);
  assert.deepEqual(d.palette, gifPalette('gray'));
  d.frames.forEach((f, i) => assert.deepEqual(f, frames[i].pixels, `frame ${i}`));
  assert.ok(encodeGif([frames[2]]).length < 768 + 200, 'a flat frame compresses (768 bytes are the palette)');
});

test('RGB frames decode to the nearest palette colour of every pixel', () => {
  const rng = createRng(5);
  const [w, h] = [40, 30];
  const pixels = Uint8Array.from({ length: w * h * 3 }, () => rng.int(256));
  const d = decodeGif(encodeGif([{ width: w, height: h, pixels }]));
  assert.equal(d.loop, 0);
  const palette = gifPalette('rgb');
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = pixels.subarray(3 * i, 3 * i + 3);
    const k = d.frames[0][i];
    const error = (j: number) => (r - palette[3 * j]) ** 2 + (g - palette[3 * j + 1]) ** 2 + (b - palette[3 * j + 2]) ** 2;
    let best = Infinity;
    for (let j = 0; j < 256; j++) best = Math.min(best, error(j));
    assert.equal(error(k), best, `pixel ${i}: index ${k} is not a nearest colour`);
    assert.equal(k, nearestRgbIndex(r, g, b));
  }
  assert.deepEqual([...palette.subarray(0, 3)], [0, 0, 0]);
  assert.deepEqual([...palette.subarray(215 * 3, 216 * 3)], [255, 255, 255]);
});

test('frames of another size or channel count are refused by index', () => {
  const f = (width: number, height: number, n: number) => ({ width, height, pixels: new Uint8Array(n) });
  assert.throws(() => encodeGif([]), /no frames/);
  assert.throws(() => encodeGif([f(4, 4, 16), f(4, 5, 20)]), /frame 1 is 4 x 5/);
  assert.throws(() => encodeGif([f(4, 4, 32)]), /neither gray nor RGB/);
  assert.throws(() => encodeGif([f(4, 4, 16)], { delay: -1 }), /delay/);
});
