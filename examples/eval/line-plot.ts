// A small line plot as an RGBA raster (no text renderer here: axes, ticks and coloured series; the
// numbers belong in the docs table beside the image). Used for FID-over-steps curves.
import { encodePng, type RgbaRaster } from '@gantry/core/node';

export interface LineSeries { points: Array<[number, number]>; rgb: [number, number, number] }

export interface LinePlotOptions {
  width?: number;
  height?: number;
  /** y axis on a log10 scale (FID spans orders of magnitude over a run) */
  logY?: boolean;
  /** horizontal dashed reference line, e.g. the real-data floor */
  reference?: { y: number; rgb: [number, number, number] };
}

const MARGIN = 24;

function setPixel(r: RgbaRaster, x: number, y: number, rgb: [number, number, number]): void {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  r.rgba.set([rgb[0], rgb[1], rgb[2], 255], 4 * (y * r.width + x));
}

function line(r: RgbaRaster, x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number], thick = 1, dash = 0): void {
  const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let i = 0; i <= n; i++) {
    if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
    const x = Math.round(x0 + ((x1 - x0) * i) / n);
    const y = Math.round(y0 + ((y1 - y0) * i) / n);
    for (let dx = -thick + 1; dx < thick; dx++) for (let dy = -thick + 1; dy < thick; dy++) setPixel(r, x + dx, y + dy, rgb);
  }
}

/** Pixel mapping of a plot: data (x, y) to raster coordinates, exposed for tests. */
export function plotFrame(series: LineSeries[], o: LinePlotOptions = {}) {
  const width = o.width ?? 480;
  const height = o.height ?? 320;
  const ty = (y: number) => (o.logY ? Math.log10(Math.max(y, 1e-9)) : y);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...series.flatMap((s) => s.points.map((p) => ty(p[1]))), ...(o.reference ? [ty(o.reference.y)] : [])].filter(Number.isFinite);
  if (xs.length === 0) throw new Error('linePlotPng: no points to plot');
  const xLo = Math.min(0, ...xs);
  const xHi = Math.max(...xs) > xLo ? Math.max(...xs) : xLo + 1;
  const yLo = o.logY ? Math.floor(Math.min(...ys)) : Math.min(0, ...ys);
  const yHi = o.logY ? Math.ceil(Math.max(...ys)) : Math.max(...ys) * 1.05 || 1;
  const px = (x: number) => Math.round(MARGIN + ((x - xLo) / (xHi - xLo)) * (width - 2 * MARGIN));
  const py = (y: number) => Math.round(height - MARGIN - ((ty(y) - yLo) / (yHi - yLo || 1)) * (height - 2 * MARGIN));
  return { width, height, px, py, yLo, yHi, xLo, xHi };
}

/** Series as polylines with a dot at each point; log plots get a tick per decade, linear ones 5 ticks. */
export function linePlotRaster(series: LineSeries[], o: LinePlotOptions = {}): RgbaRaster {
  const f = plotFrame(series, o);
  const r: RgbaRaster = { width: f.width, height: f.height, rgba: new Uint8Array(f.width * f.height * 4) };
  for (let i = 0; i < f.width * f.height; i++) r.rgba.set([255, 255, 255, 255], 4 * i);
  const axis: [number, number, number] = [60, 60, 60];
  const grid: [number, number, number] = [225, 225, 225];
  const bottom = f.height - MARGIN;
  const right = f.width - MARGIN;
  const ticks = o.logY
    ? Array.from({ length: f.yHi - f.yLo + 1 }, (_, i) => 10 ** (f.yLo + i))
    : Array.from({ length: 6 }, (_, i) => f.yLo + ((f.yHi - f.yLo) * i) / 5);
  for (const t of ticks) {
    const y = f.py(t);
    line(r, MARGIN, y, right, y, grid);
    line(r, MARGIN - 5, y, MARGIN, y, axis);
  }
  for (let i = 0; i <= 5; i++) {
    const x = Math.round(MARGIN + ((right - MARGIN) * i) / 5);
    line(r, x, bottom, x, bottom + 5, axis);
  }
  line(r, MARGIN, MARGIN, MARGIN, bottom, axis);
  line(r, MARGIN, bottom, right, bottom, axis);
  if (o.reference) line(r, MARGIN, f.py(o.reference.y), right, f.py(o.reference.y), o.reference.rgb, 1, 4);
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    for (let i = 1; i < pts.length; i++) line(r, f.px(pts[i - 1][0]), f.py(pts[i - 1][1]), f.px(pts[i][0]), f.py(pts[i][1]), s.rgb, 2);
    for (const p of pts) line(r, f.px(p[0]) - 2, f.py(p[1]), f.px(p[0]) + 2, f.py(p[1]), s.rgb, 3);
  }
  return r;
}

export function linePlotPng(series: LineSeries[], o: LinePlotOptions = {}): Buffer {
  return encodePng(linePlotRaster(series, o));
}
