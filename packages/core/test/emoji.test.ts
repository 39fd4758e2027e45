import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EMOJI_TEST_EVERY, emojiCategories, emojiInSplit, isEmojiTest, parseEmojiCatalogue, type EmojiImage,
} from '../src/data/index.js';
import { emojiPackageRoot, loadEmoji, loadEmojiPair, readEmojiCatalogue } from '../src/data/node.js';
import { noisePixel, overWhite, tempDir, writePng, type Rgba } from './png-fixtures.js';

// A catalogue in emoji.json's format: sort orders 5, 10 (with two skin tones), 11, 20.
function catalogue(style: 'google' | 'twitter'): unknown[] {
  const entry = (image: string, sort: number, category: string, extra: Record<string, unknown> = {}) => ({
    name: `E${sort}`, unified: image.replace('.png', '').toUpperCase(), image, short_name: `e${sort}`, category,
    subcategory: `${category}-sub`, sort_order: sort, has_img_google: true, has_img_twitter: true, ...extra,
  });
  const tone = (image: string) => ({ unified: image.toUpperCase(), image, has_img_google: true, has_img_twitter: true });
  return [
    entry('1f600.png', 10, 'Faces', { skin_variations: { '1F3FC': tone('1f600-1f3fc.png'), '1F3FB': tone('1f600-1f3fb.png') } }),
    entry('1f601.png', 11, 'Faces'),
    // twitter lacks this one: the pair must leave it out
    entry('1f602.png', 20, 'Things', { has_img_twitter: style !== 'twitter' }),
    entry('1f603.png', 5, 'Signs'),
  ];
}
const ALL = ['1f603.png', '1f600.png', '1f600-1f3fb.png', '1f600-1f3fc.png', '1f601.png', '1f602.png'];

// A package folder like emoji-datasource-<style>: emoji.json and img/<style>/64/*.png.
function fixturePackage(style: 'google' | 'twitter', seed: number): { root: string; pixels: Map<string, (x: number, y: number) => Rgba> } {
  const root = tempDir(`emoji-${style}`);
  writeFileSync(join(root, 'emoji.json'), JSON.stringify(catalogue(style)));
  const pixels = new Map<string, (x: number, y: number) => Rgba>();
  ALL.forEach((name, i) => {
    if (style === 'twitter' && name === '1f602.png') return;
    const pixel = noisePixel(seed * 100 + i);
    pixels.set(name, pixel);
    writePng(join(root, 'img', style, '64', name), 64, 64, pixel);
  });
  return { root, pixels };
}

// The plain reference: composite over white, then average size/s x size/s blocks with loops.
function reference(pixel: (x: number, y: number) => Rgba, size: number): number[] {
  const f = 64 / size;
  const out: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const sum = [0, 0, 0];
    for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) overWhite(pixel(x * f + dx, y * f + dy)).forEach((v, k) => (sum[k] += v));
    out.push(...sum.map((s) => s / (f * f)));
  }
  return out;
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what} [${i}]: ${got[i]} vs ${want[i]}`);
}

test('emoji catalogue: skin-tone variants follow their emoji in sort order; categories in catalogue order; bad entries are named', () => {
  const images = parseEmojiCatalogue(catalogue('google'), 'google', 'emoji.json');
  assert.deepEqual(images.map((e) => e.image), ALL);
  const variant = images[2];
  assert.deepEqual([variant.name, variant.sortOrder, variant.skinTone, variant.category, variant.unified], ['E10', 10, '1F3FB', 'Faces', '1F600-1F3FB.PNG']);
  assert.equal(images[1].skinTone, null);
  assert.deepEqual(emojiCategories(images), ['Signs', 'Faces', 'Things']);
  assert.deepEqual(parseEmojiCatalogue(catalogue('twitter'), 'twitter', 'x').map((e) => e.image), ALL.filter((n) => n !== '1f602.png'));

  const broken = catalogue('google') as Array<Record<string, unknown>>;
  broken[1] = { ...broken[1], sort_order: '11' };
  assert.throws(() => parseEmojiCatalogue(broken, 'google', 'cat.json'), /cat\.json entry 1: field "sort_order" must be an integer, got "11"/);
  broken[1] = { ...broken[1], sort_order: 11, image: '../../etc/passwd' };
  assert.throws(() => parseEmojiCatalogue(broken, 'google', 'cat.json'), /cat\.json entry 1: field "image" is not a code-point file name/);
  assert.throws(() => parseEmojiCatalogue({}, 'google', 'cat.json'), /cat\.json: expected an array/);
  assert.throws(() => parseEmojiCatalogue([], 'apple' as 'google', 'cat.json'), /emoji style must be one of google, twitter/);
});

test('emoji split: an emoji and all its skin tones are test exactly when sort_order is a multiple of 10', () => {
  assert.equal(EMOJI_TEST_EVERY, 10);
  assert.deepEqual([0, 5, 10, 11, 20, 1910].map(isEmojiTest), [true, false, true, false, true, true]);
  const images = parseEmojiCatalogue(catalogue('google'), 'google', 'emoji.json');
  const names = (xs: EmojiImage[]) => xs.map((e) => e.image);
  assert.deepEqual(names(emojiInSplit(images, 'test')), ['1f600.png', '1f600-1f3fb.png', '1f600-1f3fc.png', '1f602.png']);
  assert.deepEqual(names(emojiInSplit(images, 'train')), ['1f603.png', '1f601.png']);
  assert.deepEqual(names(emojiInSplit(images, 'all')), ALL);
});

test('loadEmoji: alpha over white in [-1, 1], 32 and 16 px as block means of the 64 px image, category labels, split', () => {
  const { root, pixels } = fixturePackage('google', 1);
  const full = loadEmoji({ style: 'google', packageRoot: root });
  assert.equal(full.dataset.name, 'emoji:google');
  assert.deepEqual(full.dataset.itemShape, [64, 64, 3]);
  assert.deepEqual(full.images.map((e) => e.image), ALL);
  assert.deepEqual(full.dataset.classNames, ['Signs', 'Faces', 'Things']);
  assert.deepEqual([...full.dataset.labels!], [0, 1, 1, 1, 1, 2]);
  const item = 64 * 64 * 3;
  ALL.forEach((name, i) => assertClose(full.dataset.values.subarray(i * item, (i + 1) * item), reference(pixels.get(name)!, 64), `${name} 64`));
  for (const size of [32, 16] as const) {
    const small = loadEmoji({ style: 'google', packageRoot: root, size, split: 'test' });
    assert.equal(small.dataset.name, `emoji:google:${size}/test`);
    assert.deepEqual(small.images.map((e) => e.image), ['1f600.png', '1f600-1f3fb.png', '1f600-1f3fc.png', '1f602.png']);
    // the test split keeps the whole catalogue's label order
    assert.deepEqual([...small.dataset.labels!], [1, 1, 1, 2]);
    const n = size * size * 3;
    small.images.forEach((e, i) => assertClose(small.dataset.values.subarray(i * n, (i + 1) * n), reference(pixels.get(e.image)!, size), `${e.image} ${size}`));
  }
  assert.equal(loadEmoji({ style: 'google', packageRoot: root, split: 'train', limit: 1 }).dataset.count, 1);
  assert.throws(() => loadEmoji({ style: 'google', packageRoot: root, size: 48 as 64 }), /emoji size must be one of 64, 32, 16, got 48/);
});

test('loadEmojiPair: the two styles matched by file name, only images both have, in catalogue order', () => {
  const google = fixturePackage('google', 1);
  const twitter = fixturePackage('twitter', 2);
  const roots = { source: google.root, target: twitter.root };
  const pair = loadEmojiPair({ source: 'google', target: 'twitter', size: 16, packageRoots: roots });
  const both = ALL.filter((n) => n !== '1f602.png');
  assert.deepEqual(pair.names, both);
  assert.equal(pair.name, 'emoji:google:16->twitter');
  const n = 16 * 16 * 3;
  both.forEach((name, i) => {
    assertClose(pair.source.values.subarray(i * n, (i + 1) * n), reference(google.pixels.get(name)!, 16), `source ${name}`);
    assertClose(pair.target.values.subarray(i * n, (i + 1) * n), reference(twitter.pixels.get(name)!, 16), `target ${name}`);
  });
  assert.deepEqual([...pair.source.labels!], [...pair.target.labels!]);
  const reverse = loadEmojiPair({ source: 'twitter', target: 'google', size: 16, split: 'test', packageRoots: { source: twitter.root, target: google.root } });
  assert.deepEqual(reverse.names, ['1f600.png', '1f600-1f3fb.png', '1f600-1f3fc.png']);
});

test('loadEmoji: a corrupt PNG, a PNG of the wrong size and a missing file are errors naming the file', () => {
  const { root } = fixturePackage('google', 3);
  const path = join(root, 'img', 'google', '64', '1f601.png');
  writeFileSync(path, writePng(path, 64, 64, noisePixel(9)).subarray(0, 60));
  assert.throws(() => loadEmoji({ style: 'google', packageRoot: root }), new RegExp(`${path}: corrupt PNG`));
  writePng(path, 32, 32, noisePixel(9));
  assert.throws(() => loadEmoji({ style: 'google', packageRoot: root }), new RegExp(`${path}: expected a 64 x 64 emoji, got 32 x 32`));
  const other = fixturePackage('google', 4);
  const gone = join(other.root, 'img', 'google', '64', '1f603.png');
  writeFileSync(join(other.root, 'emoji.json'), '[{');
  assert.throws(() => loadEmoji({ style: 'google', packageRoot: other.root }), new RegExp(`cannot read the emoji catalogue ${join(other.root, 'emoji.json')}`));
  writeFileSync(join(other.root, 'emoji.json'), JSON.stringify(catalogue('google')));
  writeFileSync(gone, '');
  assert.throws(() => loadEmoji({ style: 'google', packageRoot: other.root }), new RegExp(`${gone}: not a PNG or JPEG image \\(byte 0: empty file`));
});

test('the installed packages: 3,786 images per style (1,911 emoji + 1,875 skin tones), all paired, 371 test images', () => {
  for (const style of ['google', 'twitter'] as const) {
    const root = emojiPackageRoot(style);
    assert.ok(existsSync(join(root, 'img', style, '64', '1f600.png')), `${root} holds img/${style}/64`);
    const images = readEmojiCatalogue(style);
    assert.equal(images.length, 3786);
    assert.equal(images.filter((e) => e.skinTone === null).length, 1911);
    const test = emojiInSplit(images, 'test');
    assert.equal(test.length, 371);
    assert.equal(new Set(test.map((e) => e.sortOrder)).size, 191);
    assert.equal(emojiCategories(images).length, 10);
    // a whole family is on one side of the split
    const testOrders = new Set(test.map((e) => e.sortOrder));
    assert.ok(emojiInSplit(images, 'train').every((e) => !testOrders.has(e.sortOrder)));
  }
  assert.deepEqual(readEmojiCatalogue('google').map((e) => e.image).sort(), readEmojiCatalogue('twitter').map((e) => e.image).sort());
  // two real images per style (Twemoji's PNGs are palette images): the grinning face's transparent corner is white
  const pair = loadEmojiPair({ source: 'google', target: 'twitter', size: 16, limit: 2 });
  assert.deepEqual(pair.names, ['1f600.png', '1f603.png']);
  for (const side of [pair.source, pair.target]) {
    assert.deepEqual([side.values[0], side.values[1], side.values[2]], [1, 1, 1]);
    assert.ok(side.values.every((v) => v >= -1 && v <= 1));
    assert.ok(side.values.some((v) => v < 0.5), 'the face is not all white');
  }
});
