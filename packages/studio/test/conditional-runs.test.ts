// Conditional StyleGAN and ProGAN runs in the studio: the run's classes are listed, "sample now" draws one
// class (?class=K) or cycles through them, image i with class i mod K, the same images gantry sample and core
// draw; a class index out of range or a class for an unconditional run is refused with the reason. An
// unconditional ProGAN run samples too. Tiny runs trained here (torch backend where built); a browser picks a class.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { encodePng, proganSample, styleganSample, tileImages, trainProgan, trainStylegan } from '@gantry/core/node';
import { browserSkip, openPage } from './browser.js';
import { startStudio, type Studio } from '../src/server.js';
import { tinyImages } from './image-fixtures.js';

// ProGAN's gradient penalty needs the second-order gradient of average pooling, which the torch backend's
// tfjs fixes add (tfjs's cpu backend has none); the studio samples on whichever backend is current
const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);
await tf.setBackend(engine ? 'torch' : 'cpu');

const root = join(mkdtempSync(join(tmpdir(), 'gantry-studio-classes-')), 'runs');
const CLASSES = ['smileys', 'animals', 'food'];
const net = { resolution: 8, latentDim: 8, mappingDepth: 2, maxChannels: 4, channelBase: 32 };

function runDir(name: string, model: 'stylegan' | 'progan', conditional: boolean): { runDir: string; progress: 'off' } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${model}.json`), JSON.stringify({ data: 'tiny', steps: 3, conditional }));
  return { runDir: dir, progress: 'off' };
}
const data = (conditional: boolean) => tinyImages(6, 8, conditional ? CLASSES : undefined);
const options = (conditional: boolean) => ({ ...net, seed: 2, steps: 3, batchSize: 3, emaDecay: 0.5, conditional });
const proganRun = (name: string, conditional: boolean) =>
  trainProgan(data(conditional), { ...options(conditional), phaseSteps: 1, fadeFraction: 1 }, runDir(name, 'progan', conditional));

const style = await trainStylegan(data(true), options(true), runDir('style-classes', 'stylegan', true));
const grow = await proganRun('grow-classes', true);
const growPlain = await proganRun('grow-plain', false);

let shared: Promise<Studio> | undefined;
after(async () => { await (await shared)?.close(); });
const studio = async () => {
  const s = await (shared ??= startStudio({ runsDir: root, port: 0 }));
  return { s, base: `http://127.0.0.1:${s.port}`, auth: { headers: { authorization: `Bearer ${s.token}` } } };
};

async function sample(run: string, query: string) {
  const { base, auth } = await studio();
  const r = await fetch(`${base}/api/runs/${run}/sample?n=4&seed=7${query}`, { ...auth, method: 'POST' });
  return { status: r.status, body: (await r.json()) as { error?: string; png?: string; step?: number } };
}

// the grid core's own sampler draws, as the studio tiles it (8 px images at scale 2)
const grid = (images: tf.Tensor4D, columns?: number) => {
  const png = encodePng(tileImages({ data: images.dataSync() as Float32Array, shape: images.shape }, { columns, scale: 2 })).toString('base64');
  images.dispose();
  return png;
};

test('a conditional run lists its classes; an unconditional one lists none', async () => {
  const { base, auth } = await studio();
  const classes = async (run: string) => ((await (await fetch(`${base}/api/runs/${run}`, auth)).json()) as { classes: unknown }).classes;
  assert.deepEqual(await classes('style-classes'), CLASSES);
  assert.deepEqual(await classes('grow-classes'), CLASSES);
  assert.equal(await classes('grow-plain'), null);
});

test('sample now draws one class, or image i with class i mod K, as core does; the EMA generator', async () => {
  const seeds = [7, 8, 9, 10];
  const styleOne = await sample('style-classes', '&class=1');
  assert.equal(styleOne.status, 200, styleOne.body.error);
  assert.equal(styleOne.body.png, grid(styleganSample(style.averaged, seeds, { classIndex: 1 })));
  const styleAll = await sample('style-classes', '&psi=0.7');
  assert.equal(styleAll.body.png, grid(styleganSample(style.averaged, seeds, { psi: 0.7, classIndex: [0, 1, 2, 0] }), 3));
  assert.notEqual(styleOne.body.png, (await sample('style-classes', '&class=2')).body.png, 'class 1 and class 2 gave the same images');

  const growOne = await sample('grow-classes', '&class=2');
  assert.equal(growOne.status, 200, growOne.body.error);
  assert.equal(growOne.body.png, grid(proganSample(grow.averaged, seeds, grow.phase, 2)));
  assert.equal((await sample('grow-classes', '')).body.png, grid(proganSample(grow.averaged, seeds, grow.phase, [0, 1, 2, 0]), 3));
  const plain = await sample('grow-plain', '');
  assert.equal(plain.status, 200, plain.body.error);
  assert.equal(plain.body.step, 3);
  assert.equal(plain.body.png, grid(proganSample(growPlain.averaged, seeds, growPlain.phase)));
});

test('a class out of range, not an index, or for an unconditional run is refused with the reason', async () => {
  const listing = '3 classes are 0 "smileys", 1 "animals", 2 "food"';
  for (const bad of ['3', '-1', 'food', '1.5', '']) {
    const r = await sample('style-classes', `&class=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error, `class must be a class index of this run, got ${JSON.stringify(bad)}; its ${listing}`);
  }
  const plain = await sample('grow-plain', '&class=0');
  assert.equal(plain.status, 400);
  assert.equal(plain.body.error, 'class applies to conditional StyleGAN and ProGAN runs only (gantry train --conditional)');
});


test('browser: the class picker of a conditional run draws the picked class', { skip: browserSkip, timeout: 60_000 }, async (t) => {
  const { s } = await studio();
  const { page, errors } = await openPage(t, `${s.url}&run=grow-plain`);
  await page.locator('#sample-now').waitFor({ state: 'visible' });
  assert.ok(!(await page.locator('#class-picker').isVisible()), 'an unconditional run has no class picker');
  await page.click('#run-list li[data-run="grow-classes"]');
  await page.locator('#class-picker').waitFor({ state: 'visible' });
  assert.deepEqual(await page.locator('#class option').allInnerTexts(), ['all, one per image', '0 smileys', '1 animals', '2 food']);
  await page.locator('#class').selectOption('1');
  await page.waitForFunction(() => /, class 1 animals, seeds \d+\.\.\d+$/.test(document.querySelector('#sample-label')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await page.locator('#sample-img').getAttribute('src') ?? '', /^data:image\/png;base64,/);
  assert.ok(!(await page.locator('#truncation').isVisible()), 'the truncation slider is for StyleGAN runs');
  assert.deepEqual(errors, []);
});
