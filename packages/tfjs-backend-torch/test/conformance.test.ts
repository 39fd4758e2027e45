// tfjs-core's own jasmine suite on the torch backend, run in a child process (it installs jasmine
// globals and leaves timers behind) so that node:test counts it as one test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { ConformanceSummary } from './conformance/run.js';

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, 'conformance', 'run.ts');

// tfjs-core 4.22's dist/tests.js registers 4232 specs for cpu (4227 pass, 5 are xit) and 4230 for any
// other backend: the two 'Switching cpu backends' specs exist only for cpu. A smaller count means
// specs were dropped (filter or load error).
const TOTAL_SPECS = 4230;
const PENDING_SPECS = 5;

test('tfjs-core conformance suite passes on the torch backend', { timeout: 10 * 60_000 }, () => {
  const json = join(mkdtempSync(join(tmpdir(), 'gantry-conformance-')), 'torch.json');
  const child = spawnSync(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', runner, 'torch', '--quiet', '--json', json], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let summary: ConformanceSummary;
  try {
    summary = JSON.parse(readFileSync(json, 'utf8')) as ConformanceSummary;
  } catch {
    assert.fail(`conformance runner wrote no summary (exit ${String(child.status)}):\n${child.stderr.slice(-4000)}`);
  }
  const excludedSpecs = JSON.parse(readFileSync(join(here, 'conformance', 'excluded.json'), 'utf8')) as unknown[];
  const failedNames = summary.failures.map((f) => `${f.name}\n    ${f.errors[0]?.split('\n')[0] ?? ''}`);
  assert.deepEqual(failedNames, [], `${summary.failed} conformance specs failed on torch`);
  assert.equal(summary.specs, TOTAL_SPECS, 'every spec of tests.js was registered');
  assert.equal(summary.pending, PENDING_SPECS);
  // Each exclusion must match at least one spec, and nothing else may be skipped.
  assert.ok(summary.excluded >= excludedSpecs.length, `excluded.json lists ${excludedSpecs.length} entries, only ${summary.excluded} specs matched`);
  assert.equal(summary.executed, TOTAL_SPECS - PENDING_SPECS - summary.excluded);
  assert.equal(child.status, 0, child.stderr.slice(-4000));
});
