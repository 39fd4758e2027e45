// Frames side by side: an animated GIF whose frame t shows every panel's frame t in a row (e.g. truth,
// then each model's prediction, the context frames being the truth's in every panel), and the grid of a
// still strip (one row per panel, one column per frame). Browser-safe: bytes and values, no files.
import { tileImages } from '../../image/grid.js';
import { encodeGif } from '../../image/gif.js';

/** Panels of `frames` gray frames size x size each (values in [0, 1], frame-major) as one animated GIF, `columns` panels a row (default all). */
export function comparisonGif(panels: readonly Float32Array[], size: number, options: { scale?: number; delay?: number; columns?: number } = {}): Uint8Array {
  const area = size * size;
  const frames = panels[0]?.length / area;
  if (!panels.length || !Number.isInteger(frames) || panels.some((p) => p.length !== frames * area)) {
    throw new Error(`comparisonGif: panels must all hold the same whole number of ${size} x ${size} frames, got ${panels.map((p) => p.length).join(', ')} values`);
  }
  const gif = Array.from({ length: frames }, (_, t) => {
    const data = new Float32Array(panels.length * area);
    panels.forEach((p, i) => data.set(p.subarray(t * area, (t + 1) * area), i * area));
    const raster = tileImages({ data, shape: [panels.length, size, size, 1] }, { range: 'unit', columns: options.columns ?? panels.length, scale: options.scale ?? 2 });
    const pixels = new Uint8Array(raster.width * raster.height);
    for (let k = 0; k < pixels.length; k++) pixels[k] = raster.rgba[4 * k];
    return { width: raster.width, height: raster.height, pixels };
  });
  return encodeGif(gif, { delay: options.delay ?? 25 });
}

/** The panels as one [panels * frames, size, size, 1] batch: a grid with `frames` columns is the strip. */
export function comparisonStrip(panels: readonly Float32Array[], size: number): { data: Float32Array; shape: [number, number, number, number] } {
  const data = new Float32Array(panels.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of panels) { data.set(p, offset); offset += p.length; }
  return { data, shape: [data.length / (size * size), size, size, 1] };
}
