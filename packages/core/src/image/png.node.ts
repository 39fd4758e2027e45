// Node-only: encodes rasters and image grids as PNG files (pngjs).
import { mkdirSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import type * as tf from '@tensorflow/tfjs-core';
import { tileImages, type GridOptions, type ImageBatch, type RgbaRaster } from './grid.js';
import { scatterRaster, type ScatterOptions } from './scatter.js';

export function encodePng(raster: RgbaRaster): Buffer {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.rgba.buffer, raster.rgba.byteOffset, raster.rgba.byteLength);
  return PNG.sync.write(png);
}

export function decodePng(bytes: Buffer): RgbaRaster {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

/** Writes the file under a temporary name first so readers never see half a PNG. */
function writeFileAtomic(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  const fd = openSync(tmp, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
  renameSync(tmp, path);
}

/**
 * Saves N x H x W x C images (values in [-1, 1] or [0, 1]) as one PNG grid.
 * Accepts a tensor or plain data; returns the raster's size.
 */
export function writeImageGrid(path: string, images: tf.Tensor | ImageBatch, options: GridOptions = {}):
  { width: number; height: number } {
  const batch: ImageBatch = 'dataSync' in images
    ? { data: images.dataSync() as Float32Array, shape: images.shape }
    : images;
  const raster = tileImages(batch, options);
  writeFileAtomic(path, encodePng(raster));
  return { width: raster.width, height: raster.height };
}

/** Saves 2-D points (tensor [N, 2] or flat [x, y, ...]) as a scatter plot PNG, references drawn as red rings. */
export function writeScatterPng(path: string, points: tf.Tensor | ArrayLike<number>, options: ScatterOptions = {}): void {
  let flat: ArrayLike<number>;
  if (typeof (points as tf.Tensor).dataSync === 'function') {
    const t = points as tf.Tensor;
    if (t.rank !== 2 || t.shape[1] !== 2) throw new Error(`writeScatterPng: points must be [N, 2], got [${t.shape.join(', ')}]`);
    flat = t.dataSync();
  } else {
    flat = points as ArrayLike<number>;
  }
  writeFileAtomic(path, encodePng(scatterRaster(flat, options)));
}
