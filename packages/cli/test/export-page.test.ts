// gantry export in a real browser (Debian chromium driven by playwright-core). A translation run: the exported
// CycleGAN generator (instance norm and reflection padding, gantry's own layers) loads in the page with stock
// tfjs, a PNG chosen in its file input is translated, and the browser's output equals the same model's in Node
// (tfjs cpu backend) on the same pixels. A StyleGAN run (both style modes): the averaged mapping and synthesis
// (StyleGAN's own layers) load in the page, and the image the page draws for a seed and a truncation psi equals
// the one gantry sample draws in Node. A ProGAN run mid-fade: the generator with its phase baked in (ProGAN's
// layers and the fixed fade-in) draws in the page the image gantry sample draws for a seed. Conditional StyleGAN and
// ProGAN runs: the page's class menu lists the run's classes and draws what gantry sample --class draws. Plus the
// flags' errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, encodePng, proganSample, styleganSample, trainCycleGan, trainStylegan, writeFileAtomic, type ArrayDataset, type StyleganOptions } from '@gantry/core/node';
import type { Browser, Page } from 'playwright-core';
import { exportCommand } from '../src/commands/export.js';
import { loadProganGenerator } from '../src/train-progan.js';
import { loadStyleGenerator, STYLEGAN_FILE, type StyleganRun } from '../src/train-stylegan.js';
import { TRANSLATION_FILE, type TranslationRun } from '../src/train-translation.js';
import { runCommand } from './run-command.js';
import { TINY_PROGAN, tinyProganRun } from './tiny-progan.js';

const CHROMIUM = '/usr/bin/chromium';
const SIZE = 16;
const work = mkdtempSync(join(tmpdir(), 'gantry-export-page-'));
after(() => rmSync(work, { recursive: true, force: true }));

function images(name: string, count: number, seed: number): ArrayDataset {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: count * SIZE * SIZE * 3 }, () => rng.next() * 2 - 1);
  return { name, itemShape: [SIZE, SIZE, 3], count, values };
}

/** A tiny CycleGAN run directory as `gantry train --model cyclegan` writes it (translation.json + the loop's files). */
async function cycleGanRun(): Promise<string> {
  const dir = join(work, 'run');
  mkdirSync(dir);
  const run: TranslationRun = { format: 'gantry-translation-1', model: 'cyclegan', data: 'a-folder', target: 'b-folder', createdAt: new Date().toISOString() };
  writeFileAtomic(join(dir, TRANSLATION_FILE), `${JSON.stringify(run)}\n`, dir);
  const r = await trainCycleGan({ name: 'noise', a: images('a', 4, 1), b: images('b', 4, 2) },
    { seed: 0, steps: 2, batchSize: 1, generatorFilters: 4, discriminatorFilters: 4, blocks: 1 }, { runDir: dir, progress: 'off' });
  for (const m of [r.gAB, r.gBA, r.dA, r.dB]) m.dispose();
  return dir;
}

function serve(root: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' };
  const server = createServer((req, res) => {
    const path = join(root, (req.url ?? '/').split('?')[0].replace(/^\/$/, '/index.html').replace(/\.\./g, ''));
    if (!existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
  }));
}

/** Chromium, closed when the test ends; webgl drawn by its software GL (SwiftShader). */
async function launchBrowser(t: { after: (f: () => unknown) => void }): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--no-first-run'],
  });
  t.after(() => browser.close());
  return browser;
}

/** The exported page of `web`, served for the rest of the test; the page's errors collect in `errors`. */
async function openPage(t: { after: (f: () => unknown) => void }, browser: Browser, web: string): Promise<{ page: Page; errors: string[] }> {
  const { server, url } = await serve(web);
  t.after(() => server.close());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

test('browser: an exported CycleGAN generator translates a chosen PNG with stock tfjs, as it does in Node', { skip, timeout: 180_000 }, async (t) => {
  const runDir = await cycleGanRun();
  const web = join(work, 'web');
  const exported = await runCommand(exportCommand, runDir, '--out', web, '--direction', 'ba');
  assert.equal(exported.code, 0, exported.err);
  const info = JSON.parse(readFileSync(join(web, 'gantry.json'), 'utf8'));
  assert.deepEqual([info.model, info.direction, info.from, info.to, info.inputShape], ['cyclegan', 'ba', 'b-folder', 'a-folder', [SIZE, SIZE, 3]]);

  // an opaque PNG at the model's size: the page draws it unchanged
  const rng = createRng(7);
  const rgba = Uint8Array.from({ length: SIZE * SIZE * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rng.next() * 256)));
  const pngPath = join(work, 'input.png');
  writeFileSync(pngPath, encodePng({ width: SIZE, height: SIZE, rgba }));

  const { page, errors } = await openPage(t, await launchBrowser(t), web);
  await page.locator('#status', { hasText: 'ready on' }).waitFor({ timeout: 60_000 });
  await page.setInputFiles('#file', pngPath);
  await page.locator('#status', { hasText: 'translated' }).waitFor({ timeout: 60_000 });
  const status = await page.locator('#status').innerText();
  const last = await page.evaluate(() => (window as unknown as { __gantryExport: { last: { input: number[]; output: number[] } } }).__gantryExport.last);
  assert.deepEqual(errors, []);
  // stock tfjs picks webgl, drawn here by chromium's software GL (SwiftShader)
  assert.match(status, /on webgl$/);

  const expectedInput = Array.from(rgba.filter((_, i) => i % 4 !== 3), (v) => v / 127.5 - 1);
  assert.ok(last.input.every((v, i) => Math.abs(v - expectedInput[i]) < 1e-6), 'the page read the PNG\'s pixels unchanged');
  const model = await tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: JSON.parse(readFileSync(join(web, 'model.json'), 'utf8')).modelTopology,
    weightSpecs: JSON.parse(readFileSync(join(web, 'model.json'), 'utf8')).weightsManifest[0].weights,
    weightData: new Uint8Array(readFileSync(join(web, 'weights.bin'))).buffer,
  }));
  const node = tf.tidy(() => Array.from((model.apply(tf.tensor4d(expectedInput, [1, SIZE, SIZE, 3]), { training: true }) as tf.Tensor).dataSync()));
  model.dispose();
  const largest = node.reduce((m, v, i) => Math.max(m, Math.abs(v - last.output[i])), 0);
  assert.equal(last.output.length, SIZE * SIZE * 3);
  assert.ok(largest < 1e-3, `browser (${status}) and Node differ by up to ${largest}`);
  assert.ok(node.some((v) => Math.abs(v) > 1e-3), 'the generator outputs something other than zeros');
});

/**
 * A tiny StyleGAN run directory as `gantry train --model stylegan` writes it (stylegan.json + the loop's files);
 * `conditional`: two classes, 'round' and 'square', alternating over the four noise images.
 */
async function styleganRun(mode: 'adain' | 'modulated', conditional = false): Promise<string> {
  const dir = join(work, `stylegan-${mode}${conditional ? '-conditional' : ''}`);
  mkdirSync(dir);
  // a fast EMA, so that the averaged generator the page gets differs from both the initial and the trained one
  const options: StyleganOptions = { seed: 0, resolution: SIZE, latentDim: 8, mappingDepth: 2, maxChannels: 4, batchSize: 2, r1Gamma: 0, mode, emaDecay: 0.5, conditional };
  const run: StyleganRun = { format: 'gantry-stylegan-1', data: 'emoji:google:16', steps: 2, options, createdAt: new Date().toISOString() };
  writeFileAtomic(join(dir, STYLEGAN_FILE), `${JSON.stringify(run)}\n`, dir);
  const classes = conditional ? { labels: Int32Array.from([0, 1, 0, 1]), numClasses: 2, classNames: ['round', 'square'] } : {};
  const r = await trainStylegan({ ...images('noise', 4, 3), ...classes }, { ...options, steps: 2 }, { runDir: dir, progress: 'off' });
  for (const m of [r.generator.mapping, r.generator.synthesis, r.averaged.mapping, r.averaged.synthesis, r.discriminator]) m.dispose();
  return dir;
}

test('browser: an exported StyleGAN generator draws a seed\'s image at a truncation with stock tfjs, as gantry sample does in Node', { skip, timeout: 180_000 }, async (t) => {
  const browser = await launchBrowser(t);
  for (const mode of ['adain', 'modulated'] as const) {
    const runDir = await styleganRun(mode);
    const web = join(work, `web-stylegan-${mode}`);
    const exported = await runCommand(exportCommand, runDir, '--out', web);
    assert.equal(exported.code, 0, exported.err);
    const info = JSON.parse(readFileSync(join(web, 'gantry.json'), 'utf8'));
    assert.deepEqual([info.kind, info.mode, info.resolution, info.latentDim, info.averaged], ['stylegan', mode, SIZE, 8, true]);
    for (const f of ['mapping/model.json', 'synthesis/weights.bin', 'index.html', 'sample.js']) assert.ok(existsSync(join(web, f)), f);

    const { page, errors } = await openPage(t, browser, web);
    await page.locator('#status', { hasText: 'drew seed 0 at psi 1 on' }).waitFor({ timeout: 60_000 });
    await page.fill('#seed', '5');
    await page.fill('#psi', '0.7');
    await page.locator('#status', { hasText: 'drew seed 5 at psi 0.7 on' }).waitFor({ timeout: 60_000 });
    const status = await page.locator('#status').innerText();
    const last = await page.evaluate(() => (window as unknown as { __gantryExport: { last: { seed: number; psi: number; output: number[] } } }).__gantryExport.last);
    assert.deepEqual(errors, []);
    assert.match(status, /on webgl$/);
    assert.deepEqual([last.seed, last.psi, last.output.length], [5, 0.7, SIZE * SIZE * 3]);

    const { generator } = await loadStyleGenerator(runDir);
    const [truncated, full] = [0.7, 1].map((psi) => tf.tidy(() => Array.from(styleganSample(generator, [5], { psi }).dataSync())));
    generator.mapping.dispose();
    generator.synthesis.dispose();
    const largest = truncated.reduce((m, v, i) => Math.max(m, Math.abs(v - last.output[i])), 0);
    t.diagnostic(`${mode}: the browser (${status}) and Node differ by up to ${largest.toExponential(2)}`);
    assert.ok(largest < 1e-3, `${mode}: browser (${status}) and Node differ by up to ${largest}`);
    assert.ok(truncated.some((v) => Math.abs(v) > 1e-3), 'the generator draws something other than zeros');
    assert.ok(truncated.some((v, i) => Math.abs(v - full[i]) > 1e-4), 'the truncation changes the image');
  }
});

test('browser: an exported ProGAN generator draws a seed\'s image mid-fade with stock tfjs, as gantry sample does in Node', { skip, timeout: 180_000 }, async (t) => {
  const runDir = await tinyProganRun(join(work, 'progan'));
  const web = join(work, 'web-progan');
  const exported = await runCommand(exportCommand, runDir, '--out', web);
  assert.equal(exported.code, 0, exported.err);
  const info = JSON.parse(readFileSync(join(web, 'gantry.json'), 'utf8'));
  assert.deepEqual([info.kind, info.resolution, info.latentDim, info.phase, info.averaged], ['progan', SIZE, TINY_PROGAN.latentDim, TINY_PROGAN.phase, true]);
  for (const f of ['generator/model.json', 'generator/weights.bin', 'index.html', 'sample.js']) assert.ok(existsSync(join(web, f)), f);
  assert.match(readFileSync(join(web, 'generator/model.json'), 'utf8'), /"ProganFadeIn"/);

  const { page, errors } = await openPage(t, await launchBrowser(t), web);
  await page.locator('#status', { hasText: 'drew seed 0 on' }).waitFor({ timeout: 60_000 });
  await page.fill('#seed', '5');
  await page.locator('#status', { hasText: 'drew seed 5 on' }).waitFor({ timeout: 60_000 });
  const status = await page.locator('#status').innerText();
  const last = await page.evaluate(() => (window as unknown as { __gantryExport: { last: { seed: number; output: number[] } } }).__gantryExport.last);
  assert.deepEqual(errors, []);
  assert.match(status, /on webgl$/);
  assert.deepEqual([last.seed, last.output.length], [5, SIZE * SIZE * 3]);

  const { generator, phase } = await loadProganGenerator(runDir);
  const node = tf.tidy(() => Array.from(proganSample(generator, [5], phase).dataSync()));
  generator.dispose();
  const largest = node.reduce((m, v, i) => Math.max(m, Math.abs(v - last.output[i])), 0);
  t.diagnostic(`the browser (${status}) and Node differ by up to ${largest.toExponential(2)}`);
  assert.ok(largest < 1e-3, `browser (${status}) and Node differ by up to ${largest}`);
  assert.ok(node.some((v) => Math.abs(v) > 1e-3), 'the generator draws something other than zeros');
});

test('browser: exported conditional StyleGAN and ProGAN generators draw a seed\'s image of the picked class, as gantry sample --class does', { skip, timeout: 180_000 }, async (t) => {
  const browser = await launchBrowser(t);
  const runs = [['stylegan', await styleganRun('modulated', true)], ['progan', await tinyProganRun(join(work, 'progan-conditional'), true)]] as const;
  for (const [model, runDir] of runs) {
    const web = join(work, `web-${model}-conditional`);
    const exported = await runCommand(exportCommand, runDir, '--out', web);
    assert.equal(exported.code, 0, exported.err);
    assert.deepEqual(JSON.parse(readFileSync(join(web, 'gantry.json'), 'utf8')).classNames, ['round', 'square']);

    const { page, errors } = await openPage(t, browser, web);
    await page.locator('#status', { hasText: 'drew seed 0' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await page.locator('#class option').allInnerTexts(), ['0 round', '1 square']);
    await page.fill('#seed', '5');
    await page.locator('#class').selectOption('1');
    await page.locator('#status', { hasText: /drew seed 5 (at psi 1 )?of class 1 square on webgl/ }).waitFor({ timeout: 60_000 });
    const last = await page.evaluate(() => (window as unknown as { __gantryExport: { last: { seed: number; classIndex: number; output: number[] } } }).__gantryExport.last);
    assert.deepEqual(errors, []);
    assert.deepEqual([last.seed, last.classIndex, last.output.length], [5, 1, SIZE * SIZE * 3]);

    const drawn = async (classIndex: number) => {
      if (model === 'stylegan') {
        const { generator } = await loadStyleGenerator(runDir);
        const image = tf.tidy(() => Array.from(styleganSample(generator, [5], { classIndex }).dataSync()));
        generator.mapping.dispose();
        generator.synthesis.dispose();
        return image;
      }
      const { generator, phase } = await loadProganGenerator(runDir);
      const image = tf.tidy(() => Array.from(proganSample(generator, [5], phase, classIndex).dataSync()));
      generator.dispose();
      return image;
    };
    const [square, round] = [await drawn(1), await drawn(0)];
    const largest = square.reduce((m, v, i) => Math.max(m, Math.abs(v - last.output[i])), 0);
    t.diagnostic(`${model}: the browser and Node differ by up to ${largest.toExponential(2)}`);
    assert.ok(largest < 1e-3, `${model}: browser and Node differ by up to ${largest}`);
    assert.ok(square.some((v, i) => Math.abs(v - round[i]) > 1e-4), `${model}: the class changes the image`);
  }
});

test('gantry export: --direction is for translation runs; pix2pix has no ba direction', async () => {
  const ganRun = join(work, 'not-translation');
  mkdirSync(ganRun);
  const r = await runCommand(exportCommand, ganRun, '--direction', 'ab');
  assert.equal(r.code, 2);
  assert.match(r.err, /--direction is for translation runs/);
  const pix = join(work, 'pix2pix');
  mkdirSync(pix);
  writeFileSync(join(pix, TRANSLATION_FILE), JSON.stringify({ format: 'gantry-translation-1', model: 'pix2pix', data: 'a', target: 'b', createdAt: '' }));
  const p = await runCommand(exportCommand, pix, '--direction', 'ba');
  assert.equal(p.code, 2);
  assert.match(p.err, /is a pix2pix run, which translates one way only/);
});
