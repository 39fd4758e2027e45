// Node-only: a folder of PNG/JPEG images as a dataset. Images are decoded (pngjs, jpeg-js), converted to
// the requested channel count (alpha composited over white unless asked to drop it), resized and scaled
// to [-1, 1]. With class subfolders (root/<class>/*.png) the subfolder names, sorted, become the labels.
// The format is recognised by content, not file name, and any other file is an error naming it
// (dotfiles are skipped). The emoji and paired-folder loaders decode through the same functions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { validateDataset, type ArrayDataset } from './dataset.js';
import { resizeImage, rgbaToChannels, type AlphaMode, type ResizeMethod } from './images.js';

export interface ImageFolderOptions {
  /** output size [height, width] */
  size: [number, number];
  /** 1 = grayscale (luma), 3 = RGB (default; grayscale files load with R = G = B) */
  channels?: 1 | 3;
  resize?: ResizeMethod;
  /** 'white' (default): alpha composited over white; 'drop': alpha ignored */
  alpha?: AlphaMode;
  /** 'auto' (default): subfolders are classes when the root holds only folders */
  labels?: 'auto' | 'none' | 'subfolders';
}

interface Decoded { width: number; height: number; rgba: Uint8Array }

export function decodeImageFile(path: string): Decoded {
  const bytes = readFileSync(path);
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    try {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    } catch (e) {
      throw new Error(`${path}: corrupt PNG (${(e as Error).message})`);
    }
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { width: img.width, height: img.height, rgba: img.data };
    } catch (e) {
      throw new Error(`${path}: corrupt JPEG (${(e as Error).message})`);
    }
  }
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`${path}: not a PNG or JPEG image (byte 0: ${head || 'empty file'}; expected 89 50 4e 47 or ff d8 ff)`);
}

/** An image file as a float HWC raster in [0, 255] at its own size. */
export function readImageRaster(path: string, channels: 1 | 3, alpha: AlphaMode = 'white'): { width: number; height: number; raster: Float32Array } {
  const img = decodeImageFile(path);
  return { width: img.width, height: img.height, raster: rgbaToChannels(img.rgba, img.width * img.height, channels, alpha) };
}

/** Resizes a [0, 255] raster to outH x outW and writes it, scaled to [-1, 1], into values at offset. */
export function putScaledRaster(
  values: Float32Array, offset: number, src: { width: number; height: number; raster: Float32Array }, channels: number,
  outH: number, outW: number, resize: ResizeMethod = 'area',
): void {
  const raster = resizeImage(src.raster, src.height, src.width, channels, outH, outW, resize);
  for (let k = 0; k < raster.length; k++) values[offset + k] = raster[k] / 127.5 - 1;
}

/** A folder's entries, dotfiles skipped, sorted. */
export function visibleEntries(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
}

export function loadImageFolder(root: string, options: ImageFolderOptions): ArrayDataset {
  const [outH, outW] = options.size;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) {
    throw new Error(`loadImageFolder: size must be two positive integers, got [${options.size.join(', ')}]`);
  }
  const channels = options.channels ?? 3;
  let entries: string[];
  try {
    entries = visibleEntries(root);
  } catch (e) {
    throw new Error(`cannot read image folder ${root}: ${(e as Error).message}`);
  }
  const isDir = (p: string) => statSync(p).isDirectory();
  const mode = options.labels ?? 'auto';
  const useClasses = mode === 'subfolders' || (mode === 'auto' && entries.length > 0 && entries.every((e) => isDir(join(root, e))));
  const files: Array<{ path: string; label?: number }> = [];
  const classNames = useClasses ? entries.filter((e) => isDir(join(root, e))) : undefined;
  if (classNames) {
    classNames.forEach((cls, label) => {
      for (const f of visibleEntries(join(root, cls))) files.push({ path: join(root, cls, f), label });
    });
  } else {
    for (const f of entries) {
      const p = join(root, f);
      if (isDir(p)) throw new Error(`${p}: a folder among image files (use labels: 'subfolders' for class folders)`);
      files.push({ path: p });
    }
  }
  if (files.length === 0) throw new Error(`image folder ${root} holds no images`);
  const item = outH * outW * channels;
  const values = new Float32Array(files.length * item);
  files.forEach(({ path }, i) => {
    putScaledRaster(values, i * item, readImageRaster(path, channels, options.alpha), channels, outH, outW, options.resize);
  });
  return validateDataset({
    name: root, itemShape: [outH, outW, channels], count: files.length, values,
    labels: classNames ? Int32Array.from(files.map((f) => f.label!)) : undefined,
    numClasses: classNames?.length, classNames,
  });
}
