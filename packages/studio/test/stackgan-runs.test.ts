// StackGAN runs in the studio: a run directory as gantry train --model stackgan lays it out (stackgan.json, the
// phases' own runs in matcher/, stage1/, stage2/, stage II's previews in samples/), written by hand, is listed
// with stage II's step, its preview PNGs are listed, served and shown in the page, and "sample now" says why it
// does not apply.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng, tileImages } from '@gantry/core/node';
import { browserSkip, openPage } from './browser.js';
import { startStudio } from '../src/server.js';

const root = join(mkdtempSync(join(tmpdir(), 'gantry-studio-stackgan-')), 'runs');

function writeRun(name: string, files: Record<string, string | Uint8Array>): void {
  for (const [file, body] of Object.entries(files)) {
    mkdirSync(join(root, name, file, '..'), { recursive: true });
    writeFileSync(join(root, name, file), body);
  }
}

const stackganJson = JSON.stringify({ format: 'gantry-stackgan-1', data: 'emoji:google', matcherSteps: 600, stage1Steps: 800, steps: 400, options: { seed: 0 }, vocabulary: ['<unk>'] });
// a preview: 2 images of 4 x 4 side by side, one red, one blue
const preview = encodePng(tileImages({ data: Float32Array.from({ length: 2 * 16 * 3 }, (_, i) => (i % 3 === (i < 48 ? 0 : 2) ? 1 : -1)), shape: [2, 4, 4, 3] }));
writeRun('text2img', {
  'stackgan.json': stackganJson,
  'matcher/latest.json': JSON.stringify({ step: 600 }),
  'stage1/latest.json': JSON.stringify({ step: 800 }),
  'stage2/latest.json': JSON.stringify({ step: 200 }),
  'samples/step-000100.png': preview,
  'samples/step-000200.png': preview,
  'metrics.jsonl': `${JSON.stringify({ event: 'eval', step: 200, model: 'stackgan', categoryAccuracy: 0.2, fd: 30, retrieval: 0.5 })}\n`,
});
// still training its matcher: listed, at step 0, without previews
writeRun('early', { 'stackgan.json': stackganJson, 'matcher/latest.json': JSON.stringify({ step: 10 }) });

const studio = await startStudio({ runsDir: root, port: 0 });
after(() => studio.close());
const base = `http://127.0.0.1:${studio.port}`;
const auth = { headers: { authorization: `Bearer ${studio.token}` } };

test('StackGAN runs are listed with stage II\'s step; their previews are listed and served; sample now does not apply', async () => {
  const runs = await (await fetch(`${base}/api/runs`, auth)).json() as Array<Record<string, unknown>>;
  const listed = (name: string) => { const { updated, ...rest } = runs.find((r) => r.name === name) ?? {}; assert.ok((updated as number) > 0, name); return rest; };
  assert.deepEqual(listed('text2img'), { name: 'text2img', kind: 'stackgan', model: 'stackgan', data: 'emoji:google', totalSteps: 400, step: 200 });
  assert.deepEqual(listed('early'), { name: 'early', kind: 'stackgan', model: 'stackgan', data: 'emoji:google', totalSteps: 400, step: 0 });

  const detail = await (await fetch(`${base}/api/runs/text2img`, auth)).json() as { kind: string; latest: { step: number }; samples: unknown[] };
  assert.equal(detail.kind, 'stackgan');
  assert.equal(detail.latest.step, 200);
  assert.deepEqual(detail.samples, [{ file: 'step-000100.png', step: 100 }, { file: 'step-000200.png', step: 200 }]);
  const early = await (await fetch(`${base}/api/runs/early`, auth)).json() as { latest: unknown; samples: unknown[] };
  assert.deepEqual([early.latest, early.samples], [null, []]);

  const served = await fetch(`${base}/api/runs/text2img/samples/step-000200.png`, auth);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await served.arrayBuffer()).equals(preview), 'the preview\'s bytes');
  const metrics = await (await fetch(`${base}/api/runs/text2img/metrics`, auth)).json() as { records: Array<Record<string, unknown>> };
  assert.equal(metrics.records[0].retrieval, 0.5, 'the eval record at the run\'s root');

  const sampled = await fetch(`${base}/api/runs/text2img/sample`, { ...auth, method: 'POST' });
  assert.equal(sampled.status, 409);
  assert.match(((await sampled.json()) as { error: string }).error, /a StackGAN run draws images of a text, .*gantry sample RUN --text/);
});


test('browser: a StackGAN run shows its newest stage II preview, and sample now gives the reason', { skip: browserSkip, timeout: 60_000 }, async (t) => {
  const { page, errors } = await openPage(t, `${studio.url}&run=text2img`);
  // the preview decodes in the page: 2 images of 4 px with the grid's padding
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('#grid-img');
    return img !== null && /\/samples\/step-000200\.png$/.test(img.src) && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 20_000 });
  assert.equal(await page.locator('#grid-label').innerText(), 'step 200 (2 of 2)');
  await page.click('#sample-now');
  await page.waitForFunction(() => /StackGAN run draws images of a text/.test(document.querySelector('#sample-label')?.textContent ?? ''), null, { timeout: 20_000 });
  assert.deepEqual(errors, []);
});
