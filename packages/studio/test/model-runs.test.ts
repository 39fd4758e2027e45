// Runs of models with files of their own, in the studio: a GAN-TTS run's preview WAVs are listed and served
// as audio/wav (and nothing outside the runs directory is), a StyleGAN run samples at a truncation psi, and
// a progressive run's newest metrics line shows its growing phase. The GAN-TTS and ProGAN runs are written
// by hand (the layout docs/audio.md describes; metrics lines with `resolution` and `alpha`), the StyleGAN
// run is a tiny one trained here on the cpu backend.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { encodePng, encodeWav, styleganSample, tileImages, trainStylegan } from '@gantry/core/node';
import { tinyImages } from './image-fixtures.js';
import { growthPhase } from '../src/client/growth.js';
import { browserSkip, openPage } from './browser.js';
import { startStudio, type Studio } from '../src/server.js';

await tf.setBackend('cpu');

const work = mkdtempSync(join(tmpdir(), 'gantry-studio-models-'));
const root = join(work, 'runs');
const SECRET = 'top-secret-outside-the-runs';
const outsideWav = join(work, 'outside.wav');
writeFileSync(outsideWav, SECRET);

function writeRun(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(root, name);
  for (const [file, body] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), body);
  }
  return dir;
}
const lines = (...records: object[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

// GAN-TTS: gantts.json, metrics, and the preview WAV train-gantts.ts writes at a checkpoint; a second "WAV" links out
const wav = encodeWav({ samples: Float32Array.from({ length: 1600 }, (_, i) => 0.5 * Math.sin(i / 5)), sampleRate: 16000 });
const tts = writeRun('tts', {
  'gantts.json': JSON.stringify({ format: 'gantry-gantts-1', data: 'runs/speech-corpus', steps: 20, options: { seed: 0 } }),
  'metrics.jsonl': lines({ event: 'start', step: 0 }, { step: 10, 'g/adversarial': 1, 'd/hinge': 2 }),
  'samples/step-000010.wav': wav,
});
symlinkSync(outsideWav, join(tts, 'samples', 'step-000020.wav'));

// ProGAN: the newest step line carries the phase (an eval record after it does not hide it)
writeRun('grow', {
  'progan.json': JSON.stringify({ data: 'emoji:google', steps: 900 }),
  'metrics.jsonl': lines({ event: 'start', step: 0 }, { step: 10, resolution: 8, alpha: 1, 'd/loss': 1 }, { step: 20, resolution: 16, alpha: 0.42, 'd/loss': 1 },
    { event: 'eval', step: 20, fid: 3 }),
});
writeRun('grown', { 'progan.json': '{}', 'metrics.jsonl': lines({ step: 30, resolution: 16, alpha: 1 }) });

// one server for every test (each start bundles the client)
let shared: Promise<Studio> | undefined;
after(async () => { await (await shared)?.close(); });
const studio = async () => {
  const s = await (shared ??= startStudio({ runsDir: root, port: 0 }));
  return { s, base: `http://127.0.0.1:${s.port}`, auth: { headers: { authorization: `Bearer ${s.token}` } } };
};

test('a GAN-TTS run is listed and its preview WAV is served as audio/wav; nothing outside the runs directory is', async () => {
  const { base, auth } = await studio();
  const runs = await (await fetch(`${base}/api/runs`, auth)).json() as Array<{ name: string; updated: number }>;
  const { updated, ...listed } = runs.find((r) => r.name === 'tts') ?? { updated: 0 };
  assert.ok(updated > 0);
  assert.deepEqual(listed, { name: 'tts', kind: 'gantts', model: 'gantts', data: 'runs/speech-corpus', totalSteps: 20, step: 0 });
  const detail = await (await fetch(`${base}/api/runs/tts`, auth)).json() as { kind: string; samples: { file: string; step: number }[] };
  assert.equal(detail.kind, 'gantts');
  assert.deepEqual(detail.samples, [{ file: 'step-000010.wav', step: 10 }], 'the WAV that links out is not listed');
  assert.equal(readFileSync(join(tts, 'samples', 'step-000020.wav'), 'utf8'), SECRET, 'the fixture\'s link points outside');
  const served = await fetch(`${base}/api/runs/tts/samples/step-000010.wav`, auth);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'audio/wav');
  assert.ok(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(wav)), 'the WAV\'s bytes');
  for (const path of ['samples/step-000020.wav', `samples/${encodeURIComponent(outsideWav)}`, 'samples/..%2f..%2f..%2foutside.wav',
    'samples/%2e%2e%2f%2e%2e%2f%2e%2e%2foutside.wav', 'samples/step-000010.wav%00.png', 'samples/step-000010.mp3']) {
    const r = await fetch(`${base}/api/runs/tts/${path}`, auth);
    assert.equal(r.status, 404, path);
    assert.ok(!(await r.text()).includes(SECRET), `${path} leaked a file`);
  }
  const sampled = await fetch(`${base}/api/runs/tts/sample`, { ...auth, method: 'POST' });
  assert.equal(sampled.status, 409);
  assert.match(((await sampled.json()) as { error: string }).error, /GAN-TTS run plays its preview speech/);
});

test('a progressive run\'s newest metrics line shows its phase: growing with the fade-in alpha, or stable', async () => {
  const { base, auth } = await studio();
  const records = async (run: string) => ((await (await fetch(`${base}/api/runs/${run}/metrics`, auth)).json()) as { records: Record<string, unknown>[] }).records;
  assert.equal(growthPhase(await records('grow')), 'growing: 16 px, fade-in alpha 0.42');
  assert.equal(growthPhase(await records('grown')), 'stable: 16 px');
  assert.equal(growthPhase(await records('tts')), undefined, 'a run without the fields shows no phase');
  assert.equal(growthPhase([{ step: 5, resolution: '16', alpha: 0.5 }]), undefined, 'only numbers count');
});

test('a StyleGAN run samples at a truncation psi in (0, 1]; psi 1 is the untruncated sample', { timeout: 60_000 }, async () => {
  const options = { seed: 4, resolution: 16, latentDim: 8, mappingDepth: 2, maxChannels: 4, channelBase: 32, batchSize: 4, emaDecay: 0.5 } as const;
  const dir = join(root, 'style');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stylegan.json'), JSON.stringify({ format: 'gantry-stylegan-1', data: 'tiny', steps: 3, options }));
  const trained = await trainStylegan(tinyImages(8, 16), { ...options, steps: 3 }, { runDir: dir, progress: 'off' });
  assert.ok(existsSync(join(dir, 'latest.json')));

  const { base, auth } = await studio();
  const sample = async (query: string) => {
    const r = await fetch(`${base}/api/runs/style/sample?n=4&seed=7${query}`, { ...auth, method: 'POST' });
    return { status: r.status, body: (await r.json()) as { error?: string; png?: string; step?: number } };
  };
  for (const bad of ['0', '-0.5', '1.5', 'abc', '', 'NaN', 'Infinity']) {
    const r = await sample(`&psi=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error, `psi (truncation) must be a number in (0, 1], got ${JSON.stringify(bad)}`);
  }
  const notStyle = await fetch(`${base}/api/runs/grow/sample?psi=0.5`, { ...auth, method: 'POST' });
  assert.equal(notStyle.status, 400);
  assert.match(((await notStyle.json()) as { error: string }).error, /psi \(truncation\) applies to StyleGAN runs only/);

  const one = await sample('&psi=1');
  const half = await sample('&psi=0.3');
  const none = await sample('');
  assert.equal(one.status, 200, one.body.error);
  assert.equal(one.body.step, 3);
  assert.notEqual(half.body.png, one.body.png, 'psi 0.3 and psi 1 gave the same images');
  assert.equal(none.body.png, one.body.png);
  // the untruncated images of seeds 7..10 from the run's averaged generator, drawn here without the studio
  const direct = styleganSample(trained.averaged, [7, 8, 9, 10]);
  const png = encodePng(tileImages({ data: direct.dataSync() as Float32Array, shape: direct.shape }, { scale: 2 })).toString('base64');
  direct.dispose();
  assert.equal(one.body.png, png, 'psi 1 is not the untruncated sample');
});


test('browser: the phase line, the audio player and the truncation slider', { skip: browserSkip, timeout: 60_000 }, async (t) => {
  const { s } = await studio();
  const { page, errors } = await openPage(t, `${s.url}&run=grow`, ['--autoplay-policy=no-user-gesture-required']);
  await page.waitForFunction(() => document.querySelector('#phase')?.textContent === 'growing: 16 px, fade-in alpha 0.42', null, { timeout: 20_000 });

  await page.click('#run-list li[data-run="tts"]');
  // the cookie-authorised WAV loads and decodes in the page's <audio>: 1600 samples at 16 kHz
  await page.waitForFunction(() => Math.abs((document.querySelector('#grid-audio') as HTMLAudioElement).duration - 0.1) < 0.01, null, { timeout: 20_000 });
  assert.match(await page.locator('#grid-audio').getAttribute('src') ?? '', /\/api\/runs\/tts\/samples\/step-000010\.wav$/);
  assert.deepEqual([await page.locator('#grid-audio').isVisible(), await page.locator('#grid-img').isVisible()], [true, false]);
  assert.equal(await page.locator('#phase').innerText(), '', 'a run without a phase shows none');
  assert.ok(!(await page.locator('#truncation').isVisible()), 'the truncation slider is for StyleGAN runs');

  await page.click('#run-list li[data-run="style"]');
  await page.locator('#truncation').waitFor({ state: 'visible' });
  await page.locator('#psi').fill('0.5');
  await page.waitForFunction(() => /psi 0\.5, seeds \d+\.\.\d+$/.test(document.querySelector('#sample-label')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await page.locator('#sample-img').getAttribute('src') ?? '', /^data:image\/png;base64,/);
  assert.equal(await page.locator('#psi-label').innerText(), '0.50');
  assert.deepEqual(errors, []);
});
