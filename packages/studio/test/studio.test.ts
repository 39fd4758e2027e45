// The studio in a real browser (Debian chromium driven by playwright-core): the run list, a loss curve
// that grows while a training run writes metrics, and the 2D playground training until G's points move
// toward the real ones. Plus the server's security: token required, no file outside the run dirs, values
// from run files shown as text; and a translation run's triplet grids through the API. Screenshots go to a temporary directory; GANTRY_UPDATE_DOCS_IMG=1 writes
// them into docs/img instead (the pictures in docs/studio.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng, trainPix2pix } from '@gantry/core/node';
import { startStudio, type Studio } from '../src/server.js';

const CHROMIUM = '/usr/bin/chromium';
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gantry-studio-'));
const screenshots = process.env.GANTRY_UPDATE_DOCS_IMG === '1' ? join(repo, 'docs', 'img') : join(work, 'screenshots');
const runs = join(work, 'runs');
mkdirSync(runs);
const SECRET = 'top-secret-outside-the-runs';
writeFileSync(join(work, 'secret.txt'), SECRET);

let studio: Studio | undefined;
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await studio?.close();
});

async function getStudio(): Promise<Studio> {
  studio ??= await startStudio({ runsDir: runs, port: 0 });
  return studio;
}

function trainInBackground(name: string, steps: number): ChildProcess {
  const child = spawn(process.execPath, [join(repo, 'packages/cli/bin/gantry.mjs'), 'train', '--data', 'ring8', '--steps', String(steps), '--batch', '32',
    '--hidden', '16,16', '--sample-every', '20', '--checkpoint-every', '20', '--progress', 'off', '--out', join(runs, name)],
  { env: { ...process.env, GANTRY_BACKEND: 'cpu' }, stdio: 'ignore' });
  children.push(child);
  return child;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('requests without the token are refused; paths never leave the run directories', async (t) => {
  // a runs directory of its own, so that the browser test's run list stays clean
  const root = join(work, 'security-runs');
  mkdirSync(join(root, 'sec', 'samples'), { recursive: true });
  writeFileSync(join(root, 'sec', 'config.json'), '{}');
  symlinkSync(join(work, 'secret.txt'), join(root, 'sec', 'samples', 'step-000001.png'));
  const s = await startStudio({ runsDir: root, port: 0 });
  t.after(() => s.close());
  const base = `http://127.0.0.1:${s.port}`;
  for (const path of ['/', '/api/runs', '/assets/app.js', '/api/runs/sec']) {
    assert.equal((await fetch(base + path)).status, 401, path);
    assert.equal((await fetch(base + path, { headers: { cookie: 'gantry_studio_token=wrong' } })).status, 401, path);
    assert.equal((await fetch(`${base}${path}?token=${'0'.repeat(s.token.length)}`, { redirect: 'manual' })).status, 401, path);
  }
  const auth = { headers: { authorization: `Bearer ${s.token}` } };
  assert.equal((await fetch(`${base}/api/runs/sec`, auth)).status, 200);
  const attempts = [
    '/api/runs/../secret.txt', '/api/runs/..%2fsecret.txt/metrics', '/api/runs/%2e%2e/metrics', '/api/runs/%2e%2e%2fsecret.txt/samples/x',
    '/api/runs/sec/samples/..%2f..%2f..%2fsecret.txt', '/api/runs/sec/samples/%2e%2e%2f%2e%2e%2fsecret.txt',
    `/api/runs/${encodeURIComponent(join(work, 'secret.txt'))}`, `/api/runs/sec/samples/${encodeURIComponent(join(work, 'secret.txt'))}`,
    '/api/runs/sec/samples/step-000001.png', // a symlink pointing outside
    '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/server.ts', '//etc/passwd', '/api/runs/sec/samples/%00.png',
  ];
  for (const path of attempts) {
    const url = new URL(base);
    const r = await fetch(`${url.origin}${path}`, auth);
    const body = await r.text();
    assert.ok(r.status === 404 || r.status === 400, `${path}: status ${r.status}`);
    assert.ok(!body.includes(SECRET) && !body.includes('root:'), `${path} leaked a file`);
  }
});

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

test('browser: HTML in a run\'s config.json and latest.json is shown as text, never parsed', { skip, timeout: 120_000 }, async (t) => {
  const root = join(work, 'hostile-runs');
  mkdirSync(join(root, 'hostile'), { recursive: true });
  const html = (n: number) => `<img src=x onerror=window.__pwned=${n}><b id=injected${n}>bold</b>`;
  const config = {
    data: { spec: html(1), kind: html(2) }, model: { preset: html(3) }, train: { loss: html(4), steps: html(5) }, note: html(6),
  };
  writeFileSync(join(root, 'hostile', 'config.json'), JSON.stringify(config));
  writeFileSync(join(root, 'hostile', 'latest.json'), JSON.stringify({ step: html(7) }));
  writeFileSync(join(root, 'hostile', 'metrics.jsonl'), `${JSON.stringify({ event: 'error', message: html(8) })}\n`);
  const s = await startStudio({ runsDir: root, port: 0 });
  t.after(() => s.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(s.url);
  const item = page.locator('#run-list li[data-run="hostile"]');
  await item.waitFor();
  const itemText = await item.innerText();
  for (const n of [1, 3, 4, 5, 7]) assert.ok(itemText.includes(html(n)), `run list: ${html(n)} not shown as text in ${JSON.stringify(itemText)}`);
  assert.equal(await page.locator('#run-list img, #run-list [id^=injected]').count(), 0, 'the run list parsed HTML from the run files');

  await item.click();
  await page.waitForFunction(() => (document.querySelector('#live')?.textContent ?? '').includes('error'), null, { timeout: 30_000 });
  const detailText = await page.locator('#detail').innerText();
  for (const n of [1, 2, 3, 4, 5, 6, 8]) assert.ok(detailText.includes(html(n)), `run page: ${html(n)} not shown as text`);
  // the run page's own images are the grid and "sample now"; nothing else may appear
  assert.deepEqual(await page.locator('#detail img').evaluateAll((els) => els.map((e) => e.id)), ['grid-img', 'sample-img']);
  assert.equal(await page.locator('[id^=injected]').count(), 0);
  // an onerror handler would have run by the time a failed image load is reported
  await page.waitForLoadState('networkidle');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'script from a run file ran');
});

test('browser: run list, live loss curve while training, sample now; 2D playground learns', { skip, timeout: 240_000 }, async () => {
  const s = await getStudio();
  const child = trainInBackground('live', 400);
  await waitFor('the run directory', () => existsSync(join(runs, 'live', 'metrics.jsonl')), 60_000);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url);
    assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token is traded for a cookie');
    await page.waitForSelector('#run-list li[data-run="live"]');
    await page.click('#run-list li[data-run="live"]');
    const count = () => page.evaluate(() => (window as unknown as { __studio: { records: unknown[] } }).__studio.records.length);
    await waitFor('first metrics', async () => (await count()) > 1, 60_000);
    const before = await count();
    await waitFor('the loss curve to grow', async () => (await count()) > before + 3, 90_000);
    await waitFor('a sample grid', async () => (await page.locator('#grid-img').getAttribute('src')) !== null, 60_000);
    await page.click('#sample-now');
    await page.waitForFunction(() => !['', 'sampling...'].includes(document.querySelector('#sample-label')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.match(await page.locator('#sample-label').innerText(), /^from the checkpoint at step \d+/);
    assert.ok(await page.locator('#sample-plot').isVisible());
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'studio-runs.png') });
    child.kill('SIGKILL');

    await page.goto(`http://127.0.0.1:${s.port}/playground`);
    await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, null, { timeout: 60_000 });
    const distance = () => page.evaluate(() => (window as unknown as { __playground: { distance(): number } }).__playground.distance());
    const d0 = await distance();
    await page.click('#play');
    await page.waitForFunction(() => (window as unknown as { __playground: { steps: number } }).__playground.steps >= 300, null, { timeout: 150_000, polling: 500 });
    await page.click('#pause');
    const d1 = await distance();
    const backend = await page.evaluate(() => (window as unknown as { __playground: { backend(): string } }).__playground.backend());
    console.log(`playground on ${backend}: distance generated<->real ${d0.toFixed(3)} -> ${d1.toFixed(3)}`);
    assert.ok(d1 < 0.6 * d0, `generated points did not move toward the real ones: ${d0} -> ${d1}`);
    await page.screenshot({ path: join(screenshots, 'studio-playground.png') });

    // the wasm fallback runs the same core code: a gradient-penalty step gives the losses the cpu backend gives
    const lossesOn = async (backend: string) => {
      await page.goto(`http://127.0.0.1:${s.port}/playground?backend=${backend}`);
      await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, null, { timeout: 60_000 });
      await page.selectOption('#loss', 'wgan-gp');
      for (let i = 0; i < 3; i++) await page.click('#step');
      return page.evaluate(() => {
        const p = (window as unknown as { __playground: { backend(): string; losses: Record<string, number> } }).__playground;
        return { backend: p.backend(), losses: p.losses };
      });
    };
    const wasm = await lossesOn('wasm');
    const cpu = await lossesOn('cpu');
    assert.equal(wasm.backend, 'wasm');
    assert.deepEqual(Object.keys(wasm.losses).sort(), ['d/adversarial', 'd/gp', 'g/adversarial']);
    for (const [k, v] of Object.entries(cpu.losses)) assert.ok(Math.abs(wasm.losses[k] - v) <= 1e-3 * Math.max(1, Math.abs(v)), `${k}: wasm ${wasm.losses[k]} cpu ${v}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a translation run is listed, its input | output | target grids are served, and sample now says why it does not apply', { timeout: 120_000 }, async (t) => {
  const root = join(work, 'translation-runs');
  const dir = join(root, 'p2p');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'translation.json'), JSON.stringify({ format: 'gantry-translation-1', model: 'pix2pix', data: 'sketches', target: 'photos', createdAt: '' }));
  // sources all black, targets all white: the grid's triplet order shows in its first tiles
  const size = 16;
  const images = (value: number) => ({ name: String(value), itemShape: [size, size, 3], count: 12, values: new Float32Array(12 * size * size * 3).fill(value) });
  const r = await trainPix2pix({ name: 'bw', source: images(-1), target: images(1), names: Array.from({ length: 12 }, (_, i) => `${i}.png`) },
    { seed: 0, steps: 2, generatorFilters: 4, discriminatorFilters: 4, depth: 2, sampleEvery: 1 }, { runDir: dir, progress: 'off' });
  r.generator.dispose();
  r.discriminator?.dispose();

  const s = await startStudio({ runsDir: root, port: 0 });
  t.after(() => s.close());
  const base = `http://127.0.0.1:${s.port}`;
  const auth = { headers: { authorization: `Bearer ${s.token}` } };
  const runs = await (await fetch(`${base}/api/runs`, auth)).json() as Array<{ name: string; kind: string; model: string; data: string; step: number }>;
  assert.deepEqual(runs.map((x) => [x.name, x.kind, x.model, x.data, x.step]), [['p2p', 'translation', 'pix2pix', 'sketches -> photos', 2]]);
  const detail = await (await fetch(`${base}/api/runs/p2p`, auth)).json() as { config: { model: string }; samples: { file: string; step: number }[] };
  assert.equal(detail.config.model, 'pix2pix');
  assert.deepEqual(detail.samples.map((x) => x.step), [1, 2]);
  const png = decodePng(Buffer.from(await (await fetch(`${base}/api/runs/p2p/samples/${detail.samples[1].file}`, auth)).arrayBuffer()));
  // 12 triplets, two per row: 6 x 6 tiles of 16 px shown at 2x, 2 px apart
  assert.deepEqual([png.width, png.height], [6 * 32 + 7 * 2, 6 * 32 + 7 * 2]);
  const tilePixel = (k: number) => png.rgba[((2 + 8) * png.width + 2 + k * 34 + 8) * 4];
  assert.deepEqual([tilePixel(0), tilePixel(2), tilePixel(3), tilePixel(5)], [0, 255, 0, 255], 'source | output | target, twice per row');
  const sampled = await fetch(`${base}/api/runs/p2p/sample?n=4`, { ...auth, method: 'POST' });
  assert.equal(sampled.status, 409);
  assert.match(((await sampled.json()) as { error: string }).error, /a translation run shows input \| output \| target grids/);
});
