// The emoji catalogue of the npm emoji-datasource-<style> packages (emoji.json): every image of a style,
// skin-tone variants included, with its name, category, subcategory and sort order, and the fixed test
// split. Parsing only; the images are read by emoji.node.ts. Browser-safe.

/** The styles gantry loads: Noto Emoji (emoji-datasource-google) and Twemoji (emoji-datasource-twitter). */
export const EMOJI_STYLES = ['google', 'twitter'] as const;
export type EmojiStyle = (typeof EMOJI_STYLES)[number];

/** The packages ship 64 x 64 images; 32 and 16 are made from them by area averaging. */
export const EMOJI_SIZES = [64, 32, 16] as const;
export type EmojiSize = (typeof EMOJI_SIZES)[number];

/** An emoji, with all its skin-tone variants, is in the test split when its sort_order is a multiple of this. */
export const EMOJI_TEST_EVERY = 10;

export type EmojiSplit = 'train' | 'test' | 'all';

/** One image of the catalogue: a base emoji or one of its skin-tone variants. */
export interface EmojiImage {
  /** file name in img/<style>/64/, e.g. '1f385-1f3fb.png'; the same in every style (the pairing key) */
  image: string;
  /** code points, e.g. '1F385-1F3FB' */
  unified: string;
  /** the base emoji's name and short name ('FATHER CHRISTMAS', 'santa'), shared by its variants */
  name: string;
  shortName: string;
  category: string;
  subcategory: string;
  /** the base emoji's sort_order, shared by its variants (so a whole family falls in one split) */
  sortOrder: number;
  /** the skin_variations key ('1F3FB', '1F3FB-1F3FC'), or null for the base image */
  skinTone: string | null;
}

/** The split rule: test when the base emoji's sort_order is a multiple of EMOJI_TEST_EVERY. */
export function isEmojiTest(sortOrder: number): boolean {
  return sortOrder % EMOJI_TEST_EVERY === 0;
}

export function emojiInSplit(images: readonly EmojiImage[], split: EmojiSplit): EmojiImage[] {
  if (split !== 'train' && split !== 'test' && split !== 'all') throw new Error(`emoji split must be 'train', 'test' or 'all', got ${String(split)}`);
  return split === 'all' ? [...images] : images.filter((e) => isEmojiTest(e.sortOrder) === (split === 'test'));
}

/** Categories in catalogue order (by their first emoji's sort_order): the class labels' order. */
export function emojiCategories(images: readonly EmojiImage[]): string[] {
  const first = new Map<string, number>();
  for (const e of images) first.set(e.category, Math.min(first.get(e.category) ?? Infinity, e.sortOrder));
  return [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!);
}

type Json = Record<string, unknown>;

function field<T>(entry: Json, key: string, type: 'string' | 'number', where: string): T {
  const v = entry[key];
  if (typeof v !== type || (type === 'number' && !Number.isInteger(v))) {
    throw new Error(`${where}: field "${key}" must be ${type === 'number' ? 'an integer' : 'a string'}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

// The file names are joined to the package's folder: code points and a .png suffix, nothing else.
function imageName(entry: Json, where: string): string {
  const name = field<string>(entry, 'image', 'string', where);
  if (!/^[0-9a-f]+(-[0-9a-f]+)*\.png$/i.test(name)) throw new Error(`${where}: field "image" is not a code-point file name: ${JSON.stringify(name)}`);
  return name;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every image of the style listed by emoji.json, sorted by sort_order, each base before its variants
 * (variants in key order). An entry or variant whose has_img_<style> is false is left out (none is in
 * version 16.0.0). `where` names the file in errors.
 */
export function parseEmojiCatalogue(json: unknown, style: EmojiStyle, where: string): EmojiImage[] {
  if (!EMOJI_STYLES.includes(style)) throw new Error(`emoji style must be one of ${EMOJI_STYLES.join(', ')}, got ${String(style)}`);
  if (!Array.isArray(json)) throw new Error(`${where}: expected an array of emoji entries, got ${typeof json}`);
  const hasImage = `has_img_${style}`;
  const out: EmojiImage[] = [];
  json.forEach((entry: unknown, i) => {
    const at = `${where} entry ${i}`;
    if (!isObject(entry)) throw new Error(`${at}: expected an object`);
    const base = {
      name: field<string>(entry, 'name', 'string', at),
      shortName: field<string>(entry, 'short_name', 'string', at),
      category: field<string>(entry, 'category', 'string', at),
      subcategory: field<string>(entry, 'subcategory', 'string', at),
      sortOrder: field<number>(entry, 'sort_order', 'number', at),
    };
    if (entry[hasImage] !== false) {
      out.push({ ...base, image: imageName(entry, at), unified: field(entry, 'unified', 'string', at), skinTone: null });
    }
    const variations = entry.skin_variations;
    if (variations === undefined || variations === null) return;
    if (!isObject(variations)) throw new Error(`${at}: field "skin_variations" must be an object`);
    for (const tone of Object.keys(variations).sort()) {
      const v = variations[tone];
      const vat = `${at} skin variation ${tone}`;
      if (!isObject(v)) throw new Error(`${vat}: expected an object`);
      if (v[hasImage] === false) continue;
      out.push({ ...base, image: imageName(v, vat), unified: field(v, 'unified', 'string', vat), skinTone: tone });
    }
  });
  const seen = new Set<string>();
  for (const e of out) {
    if (seen.has(e.image)) throw new Error(`${where}: image ${e.image} is listed twice`);
    seen.add(e.image);
  }
  // A stable sort keeps each base before its variants.
  return out.sort((a, b) => a.sortOrder - b.sortOrder);
}
