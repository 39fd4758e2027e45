// Node-only: the emoji of the npm packages emoji-datasource-google (Noto Emoji, Apache-2.0 images) and
// emoji-datasource-twitter (Twemoji, CC BY 4.0 images) as RGB datasets in [-1, 1]: the 64 x 64 RGBA
// PNGs of img/<style>/64/ composited over white, optionally area-averaged to 32 or 16 px, labelled by
// category, in the fixed split of emoji.ts; and the two styles paired by file name for translation.
// The packages are read as files, never imported, so nothing here enters a browser bundle.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { validateDataset, type ArrayDataset } from './dataset.js';
import {
  EMOJI_SIZES, emojiCategories, emojiInSplit, parseEmojiCatalogue,
  type EmojiImage, type EmojiSize, type EmojiSplit, type EmojiStyle,
} from './emoji.js';
import { putScaledRaster, readImageRaster } from './image-folder.node.js';
import { pairNames, validatePairs, type PairedDataset } from './paired.js';

const SOURCE_SIZE = 64;

export interface EmojiOptions {
  style: EmojiStyle;
  /** side in pixels: 64 (as shipped, default), 32 or 16 (area averages of the 64 px image) */
  size?: EmojiSize;
  /** 'all' (default), or the fixed 'train' / 'test' split (emoji.ts: sort_order a multiple of 10 is test) */
  split?: EmojiSplit;
  /** the package's folder; default: emoji-datasource-<style> as Node resolves it from here */
  packageRoot?: string;
  /** only the first n images of the split, in catalogue order (quick looks, tests) */
  limit?: number;
}

/** A dataset and, for each of its examples, the catalogue entry it was read from. */
export interface EmojiDataset { dataset: ArrayDataset; images: EmojiImage[] }

/** The folder of the installed emoji-datasource-<style> package, or an error that says how to install it. */
export function emojiPackageRoot(style: EmojiStyle): string {
  const pkg = `emoji-datasource-${style}`;
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`emoji:${style} needs the npm package ${pkg} (npm install ${pkg}@16.0.0; @gantry/cli depends on it)`);
  }
}

/** Every image of a style listed by the package's emoji.json (see parseEmojiCatalogue). */
export function readEmojiCatalogue(style: EmojiStyle, packageRoot = emojiPackageRoot(style)): EmojiImage[] {
  const path = join(packageRoot, 'emoji.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the emoji catalogue ${path}: ${(e as Error).message}`);
  }
  return parseEmojiCatalogue(json, style, path);
}

function checkSize(size: unknown): EmojiSize {
  if (!EMOJI_SIZES.includes(size as EmojiSize)) throw new Error(`emoji size must be one of ${EMOJI_SIZES.join(', ')}, got ${String(size)}`);
  return size as EmojiSize;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return Infinity;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`emoji limit must be a non-negative integer, got ${limit}`);
  return limit;
}

// Reads the listed images of one style; labels index `categories` (the whole catalogue's, so that
// every split and both styles share one label order).
function readEmojiImages(
  name: string, style: EmojiStyle, root: string, images: EmojiImage[], size: EmojiSize, categories: string[],
): ArrayDataset {
  const item = size * size * 3;
  const values = new Float32Array(images.length * item);
  images.forEach((e, i) => {
    const path = join(root, 'img', style, String(SOURCE_SIZE), e.image);
    const img = readImageRaster(path, 3, 'white');
    if (img.width !== SOURCE_SIZE || img.height !== SOURCE_SIZE) {
      throw new Error(`${path}: expected a ${SOURCE_SIZE} x ${SOURCE_SIZE} emoji, got ${img.width} x ${img.height}`);
    }
    putScaledRaster(values, i * item, img, 3, size, size, 'area');
  });
  return validateDataset({
    name, itemShape: [size, size, 3], count: images.length, values,
    labels: Int32Array.from(images, (e) => categories.indexOf(e.category)), numClasses: categories.length, classNames: categories,
  });
}

function specName(style: EmojiStyle, size: EmojiSize, split: EmojiSplit): string {
  return `emoji:${style}${size === SOURCE_SIZE ? '' : `:${size}`}${split === 'all' ? '' : `/${split}`}`;
}

/** emoji:<style> as RGB images in [-1, 1], labelled by category (classNames: the categories). */
export function loadEmoji(o: EmojiOptions): EmojiDataset {
  const size = checkSize(o.size ?? SOURCE_SIZE);
  const split = o.split ?? 'all';
  const root = o.packageRoot ?? emojiPackageRoot(o.style);
  const catalogue = readEmojiCatalogue(o.style, root);
  const images = emojiInSplit(catalogue, split).slice(0, checkLimit(o.limit));
  const dataset = readEmojiImages(specName(o.style, size, split), o.style, root, images, size, emojiCategories(catalogue));
  return { dataset, images };
}

export interface EmojiPairOptions {
  /** the input style and the target style (pix2pix google -> twitter: 'google', 'twitter') */
  source: EmojiStyle;
  target: EmojiStyle;
  size?: EmojiSize;
  split?: EmojiSplit;
  packageRoots?: { source?: string; target?: string };
  limit?: number;
}

/**
 * The two styles matched by file name: only images that both catalogues list are kept (all 3,786 in
 * version 16.0.0). Labels and `images` come from the source's catalogue.
 */
export function loadEmojiPair(o: EmojiPairOptions): PairedDataset & { images: EmojiImage[] } {
  const size = checkSize(o.size ?? SOURCE_SIZE);
  const split = o.split ?? 'all';
  const roots = { source: o.packageRoots?.source ?? emojiPackageRoot(o.source), target: o.packageRoots?.target ?? emojiPackageRoot(o.target) };
  const sourceCatalogue = readEmojiCatalogue(o.source, roots.source);
  const targetCatalogue = readEmojiCatalogue(o.target, roots.target);
  const names = new Set(pairNames(sourceCatalogue.map((e) => e.image), targetCatalogue.map((e) => e.image), {
    sourceWhere: `emoji:${o.source}`, targetWhere: `emoji:${o.target}`, strict: false,
  }));
  // the source's catalogue order (by sort_order), not the names' alphabetical order
  const images = emojiInSplit(sourceCatalogue.filter((e) => names.has(e.image)), split).slice(0, checkLimit(o.limit));
  const categories = emojiCategories(sourceCatalogue);
  const name = `${specName(o.source, size, split)}->${o.target}`;
  return {
    ...validatePairs({
      name,
      source: readEmojiImages(specName(o.source, size, split), o.source, roots.source, images, size, categories),
      // same file names, read from the target's package
      target: readEmojiImages(specName(o.target, size, split), o.target, roots.target, images, size, categories),
      names: images.map((e) => e.image),
    }),
    images,
  };
}
