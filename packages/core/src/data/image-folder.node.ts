// Node-only: a folder of PNG/JPEG images as a dataset. Images are decoded (pngjs, jpeg-js), converted to
// the requested channel count, resized and scaled to [-1, 1]. With class subfolders (root/<class>/*.png)
// the subfolder names, sorted, become the labels. The format is recognised by content, not file name,
// and any other file is an error naming it (dotfiles are skipped).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { validateDataset, type ArrayDataset } from './dataset.js';
import { resizeImage, type ResizeMethod } from './images.js';

export interface ImageFolderOptions {
  /** output size [height, width] */
  size: [number, number];
  /** 1 = grayscale (luma), 3 = RGB (default); alpha is dropped */
  channels?: 1 | 3;
  resize?: ResizeMethod;
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

function toFloatChannels(img: Decoded, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    const r = img.rgba[4 * p], g = img.rgba[4 * p + 1], b = img.rgba[4 * p + 2];
    if (channels === 1) out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else { out[3 * p] = r; out[3 * p + 1] = g; out[3 * p + 2] = b; }
  }
  return out;
}

function visibleEntries(dir: string): string[] {
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
    const img = decodeImageFile(path);
    const raster = resizeImage(toFloatChannels(img, channels), img.height, img.width, channels, outH, outW, options.resize ?? 'area');
    for (let k = 0; k < item; k++) values[i * item + k] = raster[k] / 127.5 - 1;
  });
  return validateDataset({
    name: root, itemShape: [outH, outW, channels], count: files.length, values,
    labels: classNames ? Int32Array.from(files.map((f) => f.label!)) : undefined,
    numClasses: classNames?.length, classNames,
  });
}
