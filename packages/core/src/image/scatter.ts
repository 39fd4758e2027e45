// A 2-D scatter plot as an RGBA raster: generated points in one colour, optional reference points
// (e.g. mixture modes) as rings, over a square window. Pure arithmetic; png.ts writes it.
import type { RgbaRaster } from './grid.js';

export interface ScatterOptions {
  /** half-width of the square window centred on 0; default: fits the points and references */
  extent?: number;
  /** image side in pixels; default 400 */
  size?: number;
  /** points drawn as small rings (e.g. mode centres) */
  references?: ReadonlyArray<readonly [number, number]>;
}

function put(r: RgbaRaster, x: number, y: number, rgb: readonly [number, number, number], alpha = 1): void {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  const i = (y * r.width + x) * 4;
  for (let c = 0; c < 3; c++) r.rgba[i + c] = Math.round(r.rgba[i + c] * (1 - alpha) + rgb[c] * alpha);
}

/** points: flat [x0, y0, x1, y1, ...] */
export function scatterRaster(points: ArrayLike<number>, options: ScatterOptions = {}): RgbaRaster {
  if (points.length % 2 !== 0) throw new Error(`scatterRaster: flat [x, y, ...] points need an even length, got ${points.length}`);
  const size = options.size ?? 400;
  let extent = options.extent ?? 0;
  if (!options.extent) {
    for (let i = 0; i < points.length; i++) if (Number.isFinite(points[i])) extent = Math.max(extent, Math.abs(points[i]));
    for (const [x, y] of options.references ?? []) extent = Math.max(extent, Math.abs(x), Math.abs(y));
    extent = extent * 1.1 || 1;
  }
  const rgba = new Uint8Array(size * size * 4).fill(255);
  const r: RgbaRaster = { width: size, height: size, rgba };
  const px = (v: number) => Math.round(((v + extent) / (2 * extent)) * (size - 1));
  const py = (v: number) => Math.round(((extent - v) / (2 * extent)) * (size - 1));
  const axis = px(0);
  for (let i = 0; i < size; i++) { put(r, axis, i, [200, 200, 200]); put(r, i, py(0), [200, 200, 200]); }
  for (let i = 0; i < points.length; i += 2) {
    const x = px(points[i]);
    const y = py(points[i + 1]);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) put(r, x + dx, y + dy, [30, 90, 200], dx === 0 && dy === 0 ? 0.8 : 0.25);
  }
  for (const [mx, my] of options.references ?? []) {
    const cx = px(mx);
    const cy = py(my);
    for (let a = 0; a < 64; a++) {
      const t = (2 * Math.PI * a) / 64;
      put(r, Math.round(cx + 6 * Math.cos(t)), Math.round(cy + 6 * Math.sin(t)), [220, 40, 40]);
    }
  }
  return r;
}
