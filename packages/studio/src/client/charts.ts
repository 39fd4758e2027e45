// Line charts on a canvas: one polyline per series, shared axes, a legend.
export interface Series { name: string; points: Array<[number, number]> }

const COLORS = ['#e65100', '#1565c0', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#4e342e'];

export function drawChart(canvas: HTMLCanvasElement, title: string, series: Series[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const w = canvas.width; const h = canvas.height; const pad = 36;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#222'; ctx.font = '12px sans-serif'; ctx.fillText(title, pad, 14);
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) { ctx.fillStyle = '#999'; ctx.fillText('no data yet', w / 2 - 30, h / 2); return; }
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const px = (x: number) => pad + ((x - x0) / (x1 - x0)) * (w - 2 * pad);
  const py = (y: number) => h - pad + ((y0 - y) / (y1 - y0)) * (h - 2 * pad);
  ctx.strokeStyle = '#ccc'; ctx.beginPath(); ctx.moveTo(pad, pad); ctx.lineTo(pad, h - pad); ctx.lineTo(w - pad, h - pad); ctx.stroke();
  ctx.fillStyle = '#666';
  ctx.fillText(y1.toPrecision(3), 2, pad); ctx.fillText(y0.toPrecision(3), 2, h - pad);
  ctx.fillText(String(x0), pad, h - pad + 14); ctx.fillText(String(x1), w - pad - 20, h - pad + 14);
  series.forEach((s, i) => {
    ctx.strokeStyle = COLORS[i % COLORS.length]; ctx.lineWidth = 1.5; ctx.beginPath();
    s.points.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    if (s.points.length === 1) ctx.arc(px(s.points[0][0]), py(s.points[0][1]), 3, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.fillStyle = COLORS[i % COLORS.length]; ctx.fillText(s.name, w - pad - 130, 14 + 14 * i);
  });
}

/** Scatter of [x0, y0, x1, y1, ...] on a square canvas. */
export function drawPoints(canvas: HTMLCanvasElement, points: number[], range?: { lo: number; hi: number }): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const m = range ? Math.max(Math.abs(range.lo), Math.abs(range.hi)) : Math.max(1e-6, ...points.map((v) => Math.abs(v))) * 1.15;
  const s = canvas.width;
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, s, s);
  ctx.fillStyle = '#e65100';
  for (let i = 0; i + 1 < points.length; i += 2) {
    ctx.fillRect(((points[i] + m) / (2 * m)) * s - 1.5, s - ((points[i + 1] + m) / (2 * m)) * s - 1.5, 3, 3);
  }
}
