// Image datasets from decoded pixels: RGBA to gray/RGB (alpha composited over white or dropped), scaling
// to [-1, 1], IDX arrays to datasets, and resizing (bilinear or area averaging) on float HWC rasters.
// Browser-safe.
import type { IdxArray } from './idx.js';
import { validateDataset, type ArrayDataset } from './dataset.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Maps bytes 0..255 to [-1, 1]. */
export function bytesToSigned(bytes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 127.5 - 1;
  return out;
}

/** An IDX image array [N, H, W] (or [N, H, W, C]) of uint8, with an optional IDX label array [N], as a dataset in [-1, 1]. */
export function idxToImageDataset(
  name: string,
  images: IdxArray,
  labels?: IdxArray,
  classNames?: string[],
): ArrayDataset {
  if (images.dtype !== 'uint8') throw new Error(`${name}: image IDX must hold uint8 pixels, got ${images.dtype}`);
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new Error(`${name}: image IDX must have shape [N, H, W] or [N, H, W, C], got [${images.shape.join(', ')}]`);
  }
  const [count, h, w, c = 1] = images.shape;
  let lab: Int32Array | undefined;
  if (labels) {
    if (labels.shape.length !== 1 || labels.shape[0] !== count) {
      throw new Error(`${name}: label IDX shape [${labels.shape.join(', ')}] does not match ${count} images (expected [${count}])`);
    }
    lab = Int32Array.from(labels.data);
  }
  let numClasses = classNames?.length;
  if (lab && numClasses === undefined) numClasses = lab.reduce((m, v) => Math.max(m, v), -1) + 1;
  return validateDataset({ name, itemShape: [h, w, c], count, values: bytesToSigned(images.data), labels: lab, numClasses, classNames });
}

/**
 * What to do with a decoded image's alpha channel: 'white' composites it over a white background
 * (c * a + 255 * (1 - a), a in [0, 1]), so a transparent pixel is white whatever colour it stores;
 * 'drop' ignores it (a transparent pixel keeps its stored colour, often black). Opaque images give the
 * same values either way.
 */
export type AlphaMode = 'white' | 'drop';

/**
 * Decoded RGBA bytes (width * height * 4) as a float HWC raster in [0, 255] with 1 channel (luma,
 * ITU-R 601 weights) or 3 (RGB). Grayscale sources decode to R = G = B, so they load as RGB too.
 */
export function rgbaToChannels(rgba: ArrayLike<number>, pixels: number, channels: 1 | 3, alpha: AlphaMode = 'white'): Float32Array {
  if (rgba.length !== pixels * 4) throw new Error(`rgbaToChannels: ${rgba.length} bytes for ${pixels} RGBA pixels`);
  if (alpha !== 'white' && alpha !== 'drop') throw new Error(`alpha must be 'white' or 'drop', got ${String(alpha)}`);
  const out = new Float32Array(pixels * channels);
  const rgb = [0, 0, 0];
  for (let p = 0; p < pixels; p++) {
    const a = alpha === 'white' ? rgba[4 * p + 3] / 255 : 1;
    for (let k = 0; k < 3; k++) rgb[k] = rgba[4 * p + k] * a + 255 * (1 - a);
    if (channels === 1) out[p] = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    else { out[3 * p] = rgb[0]; out[3 * p + 1] = rgb[1]; out[3 * p + 2] = rgb[2]; }
  }
  return out;
}

export type ResizeMethod = 'bilinear' | 'area';

/**
 * Resizes an HWC float raster. 'bilinear' samples with half-pixel centres (like align_corners=False);
 * 'area' averages the covered source area with fractional weights (good for shrinking).
 */
export function resizeImage(
  src: Float32Array, h: number, w: number, c: number, outH: number, outW: number, method: ResizeMethod = 'area',
): Float32Array {
  if (src.length !== h * w * c) throw new Error(`resizeImage: raster has ${src.length} values, expected ${h}x${w}x${c}`);
  if (outH === h && outW === w) return Float32Array.from(src);
  const out = new Float32Array(outH * outW * c);
  if (method === 'bilinear') {
    const sy = h / outH;
    const sx = w / outW;
    for (let y = 0; y < outH; y++) {
      const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, h - 1);
      const ty = fy - y0;
      for (let x = 0; x < outW; x++) {
        const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
        const x0 = Math.floor(fx);
        const x1 = Math.min(x0 + 1, w - 1);
        const tx = fx - x0;
        for (let k = 0; k < c; k++) {
          const a = src[(y0 * w + x0) * c + k];
          const b = src[(y0 * w + x1) * c + k];
          const d = src[(y1 * w + x0) * c + k];
          const e = src[(y1 * w + x1) * c + k];
          out[(y * outW + x) * c + k] = (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;
        }
      }
    }
    return out;
  }
  if (method !== 'area') throw new Error(`resizeImage: unknown method ${String(method)} (expected 'bilinear' or 'area')`);
  const wy = areaWeights(h, outH);
  const wx = areaWeights(w, outW);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (const [iy, ay] of wy[y]) for (const [ix, ax] of wx[x]) s += ay * ax * src[(iy * w + ix) * c + k];
        out[(y * outW + x) * c + k] = s;
      }
    }
  }
  return out;
}

// For each output cell, the source cells it covers and their normalised overlap weights.
function areaWeights(n: number, outN: number): Array<Array<[number, number]>> {
  const scale = n / outN;
  const result: Array<Array<[number, number]>> = [];
  for (let o = 0; o < outN; o++) {
    const lo = o * scale;
    const hi = (o + 1) * scale;
    const cells: Array<[number, number]> = [];
    for (let i = Math.floor(lo); i < Math.min(Math.ceil(hi), n); i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 1e-12) cells.push([i, overlap / scale]);
    }
    result.push(cells);
  }
  return result;
}

/**
 * A dataset of square images padded to side x side (centred; an odd margin puts the extra row and column at the
 * bottom and right) with `fill`, and, with `rgb`, gray images repeated into three channels: how Fashion-MNIST's
 * 28 px become the 32 px colour images the progressive and style-based generators grow to (a power of 2).
 */
export function padImages(ds: ArrayDataset, side: number, o: { fill?: number; rgb?: boolean } = {}): ArrayDataset {
  const [h, w, c] = ds.itemShape;
  if (ds.itemShape.length !== 3 || side < h || side < w) throw new Error(`padImages: ${ds.name}'s images of [${ds.itemShape}] do not fit in ${side} x ${side}`);
  if (o.rgb && c !== 1 && c !== 3) throw new Error(`padImages: ${ds.name} has ${c} channels; only gray (1) or RGB (3) images become RGB`);
  const outC = o.rgb ? 3 : c;
  const top = Math.floor((side - h) / 2);
  const left = Math.floor((side - w) / 2);
  const values = new Float32Array(ds.count * side * side * outC).fill(o.fill ?? -1);
  for (let n = 0; n < ds.count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = ((n * h + y) * w + x) * c;
        const to = ((n * side + top + y) * side + left + x) * outC;
        for (let k = 0; k < outC; k++) values[to + k] = ds.values[from + (c === 1 ? 0 : k)];
      }
    }
  }
  return validateDataset({ ...ds, name: `${ds.name} (${side} px${o.rgb ? ', RGB' : ''})`, itemShape: [side, side, outC], values });
}
