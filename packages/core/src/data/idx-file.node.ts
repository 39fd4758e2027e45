// Node-only: IDX files (gzipped or not) and the MNIST-format datasets stored in them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseIdx, type IdxArray } from './idx.js';
import { idxToImageDataset, FASHION_MNIST_CLASSES, padImages } from './images.js';
import { takeDataset, type ArrayDataset } from './dataset.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Reads an IDX file; gzip is detected from its magic bytes (1f 8b), whatever the file is called. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read IDX file ${path}: ${(e as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: gzip data is corrupt or truncated (${(e as Error).message}); expected a complete gzip stream holding an IDX file`);
    }
  }
  return parseIdx(bytes, path);
}

/** Finds `<base>` or `<base>.gz` in dir. */
function findIdx(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`no ${base} or ${base}.gz in ${dir}`);
}

export interface MnistFormatOptions {
  split?: 'train' | 'test';
  /** keep only the first n examples (file order) */
  limit?: number;
  classNames?: string[];
  name?: string;
}

/**
 * An MNIST-format dataset from a folder with the standard file names
 * (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...). Pixels scaled to [-1, 1].
 */
export function loadMnistFormat(dir: string, options: MnistFormatOptions = {}): ArrayDataset {
  const split = options.split ?? 'train';
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = findIdx(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findIdx(dir, `${prefix}-labels-idx1-ubyte`);
  const ds = idxToImageDataset(options.name ?? `${dir}:${split}`, readIdxFile(imagesPath), readIdxFile(labelsPath), options.classNames);
  return takeDataset(ds, options.limit);
}

/** Fashion-MNIST (Debian package files), 60,000 train / 10,000 test, 28x28x1 in [-1, 1], 10 classes. */
export function loadFashionMnist(options: Omit<MnistFormatOptions, 'classNames' | 'name'> & { dir?: string } = {}): ArrayDataset {
  return loadMnistFormat(options.dir ?? FASHION_MNIST_DIR, {
    ...options,
    classNames: FASHION_MNIST_CLASSES,
    name: `fashion-mnist:${options.split ?? 'train'}`,
  });
}

/** The side Fashion-MNIST is padded to for the generators that grow to a power of 2 (StyleGAN, ProGAN). */
export const FASHION_PADDED_SIDE = 32;

/** Fashion-MNIST padded to 32 x 32 with its background (-1), gray repeated into RGB: StyleGAN's and ProGAN's data. */
export function loadPaddedFashionMnist(options: { split?: 'train' | 'test'; dir?: string } = {}): ArrayDataset {
  return padImages(loadFashionMnist(options), FASHION_PADDED_SIDE, { rgb: true });
}
