// Tiny PNG files for the image loaders' tests, written into temporary folders (nothing in the tree).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';

export type Rgba = [number, number, number, number];

/** Writes a w x h PNG whose pixel (x, y) is pixel(x, y); colorType 0 (gray), 2 (RGB) or 6 (RGBA, default). */
export function writePng(path: string, w: number, h: number, pixel: (x: number, y: number) => Rgba, colorType: 0 | 2 | 6 = 6): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(pixel(x, y), 4 * (y * w + x));
  const bytes = PNG.sync.write(png, { colorType });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes;
}

/** A deterministic pseudo-random RGBA pixel (every alpha level occurs), from a seed and a position. */
export function noisePixel(seed: number): (x: number, y: number) => Rgba {
  return (x, y) => {
    let s = (seed * 7919 + y * 131 + x * 17) >>> 0;
    const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 255;
    return [next(), next(), next(), next()];
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gantry-${prefix}-`));
}

/** The plain expectation: a pixel composited over white, scaled to [-1, 1]. */
export function overWhite([r, g, b, a]: Rgba): [number, number, number] {
  return [r, g, b].map((c) => (c * (a / 255) + 255 * (1 - a / 255)) / 127.5 - 1) as [number, number, number];
}
