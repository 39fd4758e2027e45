// An animated GIF89a encoder: frames of bytes in, the file's bytes out. One global palette of 256
// colours: grayscale frames use the 256 gray levels exactly; RGB frames are mapped to a fixed palette (a
// 6 x 6 x 6 colour cube and 40 extra grays, each pixel to its nearest entry), which is plenty for plots and
// previews and keeps every frame comparable. Pixels are LZW-compressed with variable-width codes (9 to 12
// bits, a clear code when the table is full), as the GIF spec (W3C, 1990) describes. The NETSCAPE2.0
// block makes the animation loop. Browser-safe.

export interface GifFrame {
  width: number;
  height: number;
  /** row-major bytes: width * height (gray) or width * height * 3 (RGB) */
  pixels: Uint8Array;
}

export interface GifOptions {
  /** hundredths of a second per frame, default 20 */
  delay?: number;
  /** times to play; 0 (default) loops forever */
  loop?: number;
}

const CUBE = 6;
const EXTRA_GRAYS = 256 - CUBE ** 3;
const cubeLevel = (i: number) => Math.round((i * 255) / (CUBE - 1));

/** The 256 RGB entries of the palette: 'gray' the 256 levels, 'rgb' the cube then its extra grays. */
export function gifPalette(kind: 'gray' | 'rgb'): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    let rgb: number[];
    if (kind === 'gray') rgb = [i, i, i];
    else if (i < CUBE ** 3) rgb = [cubeLevel(Math.floor(i / 36)), cubeLevel(Math.floor(i / 6) % 6), cubeLevel(i % 6)];
    else { const g = Math.round(((i - CUBE ** 3 + 1) * 255) / (EXTRA_GRAYS + 1)); rgb = [g, g, g]; }
    table.set(rgb, i * 3);
  }
  return table;
}

/** The palette index nearest (squared RGB distance) to a colour: the nearest cube entry or the nearest extra gray. */
export function nearestRgbIndex(r: number, g: number, b: number): number {
  const level = (v: number) => Math.round((v * (CUBE - 1)) / 255);
  const [lr, lg, lb] = [level(r), level(g), level(b)];
  const cube = lr * 36 + lg * 6 + lb;
  const cubeError = (r - cubeLevel(lr)) ** 2 + (g - cubeLevel(lg)) ** 2 + (b - cubeLevel(lb)) ** 2;
  const mean = (r + g + b) / 3;
  const k = Math.min(EXTRA_GRAYS - 1, Math.max(0, Math.round((mean * (EXTRA_GRAYS + 1)) / 255) - 1));
  const gray = Math.round(((k + 1) * 255) / (EXTRA_GRAYS + 1));
  const grayError = (r - gray) ** 2 + (g - gray) ** 2 + (b - gray) ** 2;
  return grayError < cubeError ? CUBE ** 3 + k : cube;
}

class ByteWriter {
  private bytes = new Uint8Array(1024);
  length = 0;
  byte(b: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  }
  word(w: number): void { this.byte(w & 0xff); this.byte((w >> 8) & 0xff); }
  all(bs: ArrayLike<number>): void { for (let i = 0; i < bs.length; i++) this.byte(bs[i]); }
  text(s: string): void { for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i)); }
  result(): Uint8Array { return this.bytes.slice(0, this.length); }
}

/** LZW codes of 8-bit indices, packed least-significant bit first and cut into sub-blocks of <= 255 bytes. */
function writeLzw(out: ByteWriter, indices: Uint8Array): void {
  const minCodeSize = 8;
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const packed = new ByteWriter();
  let bits = 0;
  let bitCount = 0;
  let codeSize = minCodeSize + 1;
  const emit = (code: number) => {
    bits |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) { packed.byte(bits & 0xff); bits >>>= 8; bitCount -= 8; }
  };
  let table = new Map<number, number>();
  let next = end + 1;
  emit(clear);
  let current = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = current * 256 + k;
    const known = table.get(key);
    if (known !== undefined) { current = known; continue; }
    emit(current);
    if (next === 4096) {
      emit(clear);
      table = new Map();
      next = end + 1;
      codeSize = minCodeSize + 1;
    } else {
      // the decoder widens its codes once its table (one entry behind ours) reaches 2^codeSize
      if (next >= 1 << codeSize) codeSize++;
      table.set(key, next++);
    }
    current = k;
  }
  emit(current);
  emit(end);
  if (bitCount > 0) packed.byte(bits & 0xff);
  const data = packed.result();
  out.byte(minCodeSize);
  for (let i = 0; i < data.length; i += 255) {
    const n = Math.min(255, data.length - i);
    out.byte(n);
    out.all(data.subarray(i, i + n));
  }
  out.byte(0);
}

/** An animated GIF of the frames (all of one size, all gray or all RGB). */
export function encodeGif(frames: readonly GifFrame[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  const { width, height } = frames[0];
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 65535 || height > 65535) {
    throw new Error(`encodeGif: frame 0 is ${width} x ${height}; sides must be integers in [1, 65535]`);
  }
  const channels = frames[0].pixels.length / (width * height);
  if (channels !== 1 && channels !== 3) throw new Error(`encodeGif: frame 0 has ${frames[0].pixels.length} bytes for ${width} x ${height}: neither gray nor RGB`);
  frames.forEach((f, i) => {
    if (f.width !== width || f.height !== height || f.pixels.length !== width * height * channels) {
      throw new Error(`encodeGif: frame ${i} is ${f.width} x ${f.height} with ${f.pixels.length} bytes; frame 0 is ${width} x ${height} with ${width * height * channels}`);
    }
  });
  const delay = options.delay ?? 20;
  const loop = options.loop ?? 0;
  if (!Number.isInteger(delay) || delay < 0 || delay > 65535) throw new Error(`encodeGif: delay must be an integer in [0, 65535] hundredths of a second, got ${delay}`);
  if (!Number.isInteger(loop) || loop < 0 || loop > 65535) throw new Error(`encodeGif: loop must be an integer in [0, 65535], got ${loop}`);

  const out = new ByteWriter();
  out.text('GIF89a');
  out.word(width);
  out.word(height);
  out.byte(0xf7); // global colour table of 2^(7+1) entries, 8 bits per primary
  out.byte(0); // background colour index
  out.byte(0); // no aspect ratio
  out.all(gifPalette(channels === 1 ? 'gray' : 'rgb'));
  out.all([0x21, 0xff, 11]);
  out.text('NETSCAPE2.0');
  out.all([3, 1]);
  out.word(loop);
  out.byte(0);
  const indices = new Uint8Array(width * height);
  for (const frame of frames) {
    out.all([0x21, 0xf9, 4, 0x04]); // graphic control: disposal 1 (leave in place), no transparency
    out.word(delay);
    out.all([0, 0]);
    out.byte(0x2c);
    out.word(0);
    out.word(0);
    out.word(width);
    out.word(height);
    out.byte(0); // no local colour table, not interlaced
    if (channels === 1) indices.set(frame.pixels);
    else for (let p = 0; p < indices.length; p++) indices[p] = nearestRgbIndex(frame.pixels[3 * p], frame.pixels[3 * p + 1], frame.pixels[3 * p + 2]);
    writeLzw(out, indices);
  }
  out.byte(0x3b);
  return out.result();
}
