// Scatter plots of 2D samples as PNG (the "sample grid" of a 2D run): real points grey, generated orange.
import { encodePng, type RgbaRaster } from '@gantry/core/node';

export interface PlotRange { lo: number; hi: number }

/** A square range holding every point with a margin, so that plots of one run share axes. */
export function plotRangeOf(points: ArrayLike<number>): PlotRange {
  let m = 0;
  for (let i = 0; i < points.length; i++) if (Number.isFinite(points[i])) m = Math.max(m, Math.abs(points[i]));
  const r = (m || 1) * 1.15;
  return { lo: -r, hi: r };
}

function dot(raster: RgbaRaster, x: number, y: number, rgb: [number, number, number], radius: number): void {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const px = x + dx; const py = y + dy;
      if (dx * dx + dy * dy > radius * radius || px < 0 || py < 0 || px >= raster.width || py >= raster.height) continue;
      const o = 4 * (py * raster.width + px);
      raster.rgba.set([...rgb, 255], o);
    }
  }
}

/** Points are [x0, y0, x1, y1, ...]; values outside the range are drawn at the border. */
export function scatterPng(series: { points: ArrayLike<number>; rgb: [number, number, number] }[], range: PlotRange, size = 320): Buffer {
  const raster: RgbaRaster = { width: size, height: size, rgba: new Uint8Array(size * size * 4) };
  for (let i = 0; i < size * size; i++) raster.rgba.set([250, 250, 250, 255], 4 * i);
  // axes through the origin
  const toPixel = (v: number) => Math.round(((v - range.lo) / (range.hi - range.lo)) * (size - 1));
  const zero = toPixel(0);
  for (let i = 0; i < size; i++) {
    raster.rgba.set([220, 220, 220, 255], 4 * (zero * size + i));
    raster.rgba.set([220, 220, 220, 255], 4 * (i * size + zero));
  }
  const clamp = (p: number) => Math.min(size - 1, Math.max(0, p));
  for (const s of series) {
    for (let i = 0; i + 1 < s.points.length; i += 2) {
      const x = s.points[i]; const y = s.points[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      dot(raster, clamp(toPixel(x)), clamp(size - 1 - toPixel(y)), s.rgb, 2);
    }
  }
  return encodePng(raster);
}

export const REAL_RGB: [number, number, number] = [150, 150, 150];
export const FAKE_RGB: [number, number, number] = [230, 110, 20];
