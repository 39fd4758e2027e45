// Turns a --data value (a built-in name or a path) into a DataSource plus what the other commands need
// to know about it later (kind, item shape, classes, column scaling), stored in the run's config.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  arrayDataSource, createRng, grid25, idxToImageDataset, moons, readIdxFile, ring8, shuffleDataset, subsetDataset,
  swissroll, loadFashionMnist, loadImageFolder, loadMnistPackage, validateDataset, loadEmoji, loadEmojiPair, loadPairedImageFolders,
  EMOJI_SIZES, EMOJI_STYLES, type EmojiSize, type EmojiStyle, type PairedDataset,
  codedWidth, completeRows, encodeRows, fitCoding, type ArrayDataset, type ColumnCoding, type DataInfo, type DataKind, type DataSource,
} from '@gantry/core/node';
import { UsageError } from './args.js';
import { declaredCategorical, readCsvInput } from './csv-input.js';

export const BUILTIN_DATA = ['ring8', 'grid25', 'swissroll', 'moons', 'mnist', 'fashion-mnist', 'emoji:google', 'emoji:twitter'] as const;
const MIXTURES: Record<string, () => DataSource> = { ring8, grid25, swissroll, moons };

export type { DataInfo, DataKind } from '@gantry/core';

export interface LoadedData {
  info: DataInfo;
  source: DataSource;
  /** held-out and reference real data for metrics, n rows each, flattened [n, features] */
  realSets(n: number, seed: number): { real: tf.Tensor2D; reference: tf.Tensor2D };
}

function datasetSets(train: ArrayDataset, test: ArrayDataset | undefined, size: number) {
  return (n: number, seed: number) => {
    const take = (ds: ArrayDataset, k: number, s: number) => {
      const shuffled = shuffleDataset(ds, createRng(s));
      const sub = subsetDataset(shuffled, Int32Array.from({ length: Math.min(k, ds.count) }, (_, i) => i));
      return tf.tensor2d(sub.values, [sub.count, size]);
    };
    if (test) return { real: take(test, n, seed), reference: take(train, n, seed + 1) };
    // no test split: two disjoint halves of a seeded shuffle
    const shuffled = shuffleDataset(train, createRng(seed));
    const half = Math.floor(shuffled.count / 2);
    const a = subsetDataset(shuffled, Int32Array.from({ length: Math.min(n, half) }, (_, i) => i));
    const b = subsetDataset(shuffled, Int32Array.from({ length: Math.min(n, shuffled.count - half) }, (_, i) => half + i));
    return { real: tf.tensor2d(a.values, [a.count, size]), reference: tf.tensor2d(b.values, [b.count, size]) };
  };
}

function fromDataset(spec: string, kind: DataKind, train: ArrayDataset, test?: ArrayDataset, extra: Partial<DataInfo> = {}): LoadedData {
  validateDataset(train);
  if (train.count === 0) throw new Error(`${spec}: no examples`);
  const size = train.itemShape.reduce((a, b) => a * b, 1);
  return {
    info: { spec, kind, itemShape: train.itemShape, numClasses: train.numClasses, classNames: train.classNames, count: train.count, ...extra },
    source: arrayDataSource(train),
    realSets: datasetSets(train, test, size),
  };
}

function loadCsv(path: string, categorical: readonly string[] | undefined, log: (line: string) => void): LoadedData {
  const { table } = readCsvInput(path, { schema: declaredCategorical(categorical) }, log);
  const rows = completeRows(table);
  if (rows.length < 2) throw new Error(`${path}: fewer than 2 rows without missing cells`);
  const coding = fitCoding(table, rows);
  const ds: ArrayDataset = { name: path, itemShape: [codedWidth(coding)], count: rows.length, values: encodeRows(table, rows, coding) };
  const columns = coding.map((c) => c.name);
  const declared = categorical?.length ? { categorical: [...categorical] } : {};
  if (coding.length === 2 && coding.every((c) => c.type === 'numeric')) {
    // two numeric columns are 2D points: plotted, and written back through mean/std
    const numeric = coding as Extract<ColumnCoding, { type: 'numeric' }>[];
    return fromDataset(path, 'points', ds, undefined, { columns, mean: numeric.map((c) => c.mean), std: numeric.map((c) => c.std), ...declared });
  }
  return fromDataset(path, 'table', ds, undefined, { columns, coding, ...declared });
}

function loadIdx(path: string): LoadedData {
  const idx = readIdxFile(path);
  if (idx.shape.length === 3 || idx.shape.length === 4) return fromDataset(path, 'image', idxToImageDataset(path, idx));
  if (idx.shape.length === 2) {
    const [count, cols] = idx.shape;
    const ds: ArrayDataset = { name: path, itemShape: [cols], count, values: Float32Array.from(idx.data) };
    return fromDataset(path, cols === 2 ? 'points' : 'table', ds);
  }
  throw new Error(`${path}: IDX shape [${idx.shape.join(', ')}] is neither images [N, H, W(, C)] nor rows [N, D]`);
}

export interface LoadOptions {
  /** image folders: side length (default 32) and channels (default RGB) */
  imageSize?: number;
  channels?: 1 | 3;
  /** CSV files: columns to read as categories even if they hold numbers (--categorical) */
  categorical?: readonly string[];
  /** CSV files: where the one-line account of the column types goes (default stderr) */
  log?: (line: string) => void;
}

interface EmojiSpec { style: EmojiStyle; size: EmojiSize }

/**
 * emoji:<style>[:<size>] (style google or twitter, size 64, 32 or 16); a size in the spec wins over
 * --image-size, which applies when the spec has none (so a run's reload, which passes its image size,
 * gets what it trained on). Returns undefined for any other spec.
 */
export function parseEmojiSpec(spec: string, imageSize?: number): EmojiSpec | undefined {
  if (!spec.startsWith('emoji:')) return undefined;
  const [, style, sizeText, ...rest] = spec.split(':');
  if (!EMOJI_STYLES.includes(style as EmojiStyle) || rest.length > 0 || (sizeText !== undefined && !/^\d+$/.test(sizeText))) {
    throw new UsageError(`--data ${spec}: expected emoji:<style>[:<size>] with style ${EMOJI_STYLES.join(' or ')} and size ${EMOJI_SIZES.join(', ')}`);
  }
  const specSize = sizeText === undefined ? undefined : Number(sizeText);
  if (specSize !== undefined && imageSize !== undefined && specSize !== imageSize) {
    throw new UsageError(`--data ${spec} asks for ${specSize} px but --image-size says ${imageSize}`);
  }
  const size = specSize ?? imageSize ?? 64;
  const largest = Math.max(...EMOJI_SIZES);
  if (size > largest) {
    throw new UsageError(`--data ${spec}: the emoji images are ${largest} x ${largest}, too small for ${size} px` +
      `${specSize === undefined ? ` (--image-size ${size})` : ''}; emoji come in ${EMOJI_SIZES.join(', ')} px`);
  }
  if (!EMOJI_SIZES.includes(size as EmojiSize)) throw new UsageError(`--data ${spec}: emoji come in ${EMOJI_SIZES.join(', ')} px, not ${size}`);
  return { style: style as EmojiStyle, size: size as EmojiSize };
}

// The CLI depends on the emoji packages, so it resolves them from here (core would find them only
// when npm hoists them next to it).
export function emojiRoot(style: EmojiStyle): string {
  return dirname(createRequire(import.meta.url).resolve(`emoji-datasource-${style}/package.json`));
}

/** Loads --data. */
export function loadData(spec: string, o: LoadOptions = {}): LoadedData {
  if (spec in MIXTURES) {
    const source = MIXTURES[spec]();
    return {
      info: { spec, kind: 'points', itemShape: [2], count: null },
      source,
      realSets: (n, seed) => ({
        real: source.sampleBatch(createRng(seed), n).x as tf.Tensor2D,
        reference: source.sampleBatch(createRng(seed + 1), n).x as tf.Tensor2D,
      }),
    };
  }
  if (spec === 'mnist') return fromDataset(spec, 'image', loadMnistPackage({ split: 'train' }), loadMnistPackage({ split: 'test' }));
  if (spec === 'fashion-mnist') return fromDataset(spec, 'image', loadFashionMnist({ split: 'train' }), loadFashionMnist({ split: 'test' }));
  const emoji = parseEmojiSpec(spec, o.imageSize);
  if (emoji) {
    // trains on the fixed train split only; metrics compare against the test split
    const load = (split: 'train' | 'test') => loadEmoji({ ...emoji, split, packageRoot: emojiRoot(emoji.style) }).dataset;
    return fromDataset(spec, 'image', load('train'), load('test'));
  }
  const path = resolve(spec);
  if (!existsSync(path)) {
    throw new UsageError(`--data ${JSON.stringify(spec)} is neither a built-in data set (${BUILTIN_DATA.join(', ')}) nor an existing path ` +
      '(a .csv file, an IDX file, or an image folder)');
  }
  if (statSync(path).isDirectory()) {
    const size = o.imageSize ?? 32;
    return fromDataset(path, 'image', loadImageFolder(path, { size: [size, size], channels: o.channels ?? 3 }));
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return loadCsv(path, o.categorical, o.log ?? ((line) => console.error(`data ${line}`)));
  if (/ubyte|\.idx/.test(path) || ext === '.gz') return loadIdx(path);
  throw new UsageError(`--data ${spec}: unknown file type "${ext}" (accepted: .csv, IDX files (*ubyte, *.idx, .gz), an image folder)`);
}

/** Paired data for image-to-image translation (pix2pix): the training pairs and, for emoji, the test pairs. */
export interface LoadedPairs { train: PairedDataset; test?: PairedDataset }

/**
 * --data A --target B: emoji:<style> with emoji:<other style> (matched by file name, fixed split), or two
 * image folders paired by file name (every file needs its partner; partners the same size; resized to
 * --image-size when given, else every image must share one size).
 */
export function loadPairedData(source: string, target: string, o: Pick<LoadOptions, 'imageSize'> = {}): LoadedPairs {
  // a size given on one side (or by --image-size) holds for both
  const explicit = (spec: string) => (spec.split(':').length === 3 ? parseEmojiSpec(spec)?.size : undefined);
  const [sizeA, sizeB] = [explicit(source), explicit(target)];
  if (sizeA && sizeB && sizeA !== sizeB) throw new UsageError(`--data ${source} and --target ${target} ask for different sizes (${sizeA} and ${sizeB} px)`);
  const a = parseEmojiSpec(source, o.imageSize ?? sizeB);
  const b = parseEmojiSpec(target, o.imageSize ?? sizeA);
  if (a && b) {
    const load = (split: 'train' | 'test') => loadEmojiPair({
      source: a.style, target: b.style, size: a.size, split, packageRoots: { source: emojiRoot(a.style), target: emojiRoot(b.style) },
    });
    return { train: load('train'), test: load('test') };
  }
  if (a || b) throw new UsageError(`--data ${source} --target ${target}: pair emoji with emoji, or a folder with a folder`);
  for (const [flag, dir] of [['--data', source], ['--target', target]]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${flag} ${dir}: paired data must be emoji:<style> or an image folder`);
  }
  const size = o.imageSize;
  return { train: loadPairedImageFolders(resolve(source), resolve(target), size ? { size: [size, size] } : {}) };
}

/** Loads a run's data again as it was first loaded (image size, channels and declared categories from its config). */
export function reloadData(info: DataInfo): LoadedData {
  const [size, , channels] = info.itemShape;
  const image = info.kind === 'image' && (channels === 1 || channels === 3) ? { imageSize: size, channels: channels as 1 | 3 } : {};
  const data = loadData(info.spec, { ...image, categorical: info.categorical });
  const same = JSON.stringify(data.info.itemShape) === JSON.stringify(info.itemShape);
  if (!same) throw new Error(`${info.spec} now loads as ${JSON.stringify(data.info.itemShape)}, not the run's ${JSON.stringify(info.itemShape)}; the data changed since the run began`);
  return data;
}

/** Data values as the user wrote them (undoes the table standardisation). */
export function toOriginalScale(info: DataInfo, values: Float32Array | number[], features: number): number[] {
  const out = Array.from(values);
  if (info.mean && info.std) for (let i = 0; i < out.length; i++) out[i] = out[i] * info.std[i % features] + info.mean[i % features];
  return out;
}
