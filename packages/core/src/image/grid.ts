// Tiles a batch of images (N x H x W x C, C = 1 or 3) into one RGBA raster.
// Pure arithmetic on a Float32Array so the PNG writer and tests share it.

export type PixelRange = 'tanh' | 'unit';

export interface ImageBatch {
  data: ArrayLike<number>;
  /** [N, H, W, C] with C = 1 or 3 */
  shape: readonly number[];
}

export interface GridOptions {
  /** 'tanh' for values in [-1, 1], 'unit' for [0, 1]; default: 'tanh' if any value is below 0. */
  range?: PixelRange;
  /** images per row; default ceil(sqrt(N)). */
  columns?: number;
  /** pixels of background between tiles; default 2. */
  padding?: number;
  /** integer upscaling of every pixel; default 1. */
  scale?: number;
  /** background grey level 0..255; default 32. */
  background?: number;
}

export interface RgbaRaster { width: number; height: number; rgba: Uint8Array }

export function detectRange(data: ArrayLike<number>): PixelRange {
  for (let i = 0; i < data.length; i++) if (data[i] < 0) return 'tanh';
  return 'unit';
}

function toByte(v: number, range: PixelRange): number {
  const unit = range === 'tanh' ? (v + 1) / 2 : v;
  if (!Number.isFinite(unit)) return 0;
  return Math.round(Math.min(1, Math.max(0, unit)) * 255);
}

export function tileImages(batch: ImageBatch, options: GridOptions = {}): RgbaRaster {
  const { shape, data } = batch;
  if (shape.length !== 4) {
    throw new Error(`tileImages: expected images of shape [N, H, W, C], got [${shape.join(', ')}]`);
  }
  const [n, h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new Error(`tileImages: channels must be 1 or 3, got ${c} (shape [${shape.join(', ')}])`);
  if (n < 1) throw new Error('tileImages: no images to tile');
  if (data.length !== n * h * w * c) {
    throw new Error(`tileImages: ${data.length} values do not fill shape [${shape.join(', ')}]`);
  }
  const range = options.range ?? detectRange(data);
  const cols = Math.max(1, Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const pad = options.padding ?? 2;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const bg = options.background ?? 32;
  const tileW = w * scale;
  const tileH = h * scale;
  const width = cols * tileW + (cols + 1) * pad;
  const height = rows * tileH + (rows + 1) * pad;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = bg; rgba[i + 1] = bg; rgba[i + 2] = bg; rgba[i + 3] = 255;
  }
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % cols) * (tileW + pad);
    const y0 = pad + Math.floor(k / cols) * (tileH + pad);
    for (let y = 0; y < tileH; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < tileW; x++) {
        const sx = Math.floor(x / scale);
        const src = ((k * h + sy) * w + sx) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        const r = toByte(data[src], range);
        rgba[dst] = r;
        rgba[dst + 1] = c === 3 ? toByte(data[src + 1], range) : r;
        rgba[dst + 2] = c === 3 ? toByte(data[src + 2], range) : r;
      }
    }
  }
  return { width, height, rgba };
}
