// @gantry/core's main entry is browser-safe: bundled for the browser it needs no Node built-in (issue 15).
// Its Node entry, which reads files, is what the same check rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeBuiltinsInBrowserBundle } from './browser-bundle.js';

const here = fileURLToPath(new URL('.', import.meta.url));

test('@gantry/core bundles for the browser with no Node built-in', async () => {
  assert.deepEqual(await nodeBuiltinsInBrowserBundle('@gantry/core', here, ['gantry-source']), []);
});

test('the check finds the Node built-ins of @gantry/core/node', async () => {
  const found = await nodeBuiltinsInBrowserBundle('@gantry/core/node', here, ['gantry-source']);
  assert.ok(found.some((f) => /Could not resolve "(node:)?(fs|path|util|stream|zlib|crypto)"/.test(f)), found.join('\n'));
});
