// tfjs-layers' own jasmine specs (the CI subset of test/layers-conformance/, vendored from the tfjs
// repository at tfjs-v4.22.0) on the torch backend, run in a child process (jasmine globals, timers
// left behind) so that node:test counts it as one test. Why each excluded spec is excluded, and the
// one leak-check allowance: test/layers-conformance/excluded.json and the README.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { CI_FILES, loadExclusions, type LayersSummary } from './layers-conformance/spec-files.js';

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, 'layers-conformance', 'run.ts');

// The CI files register 2226 specs for cpu and for torch alike (test_utils.ts lets the cpu-only
// suites run on torch). Fewer means specs were dropped (a filter, a load error, a predicate).
const TOTAL_SPECS = 2226;

test('tfjs-layers specs pass on the torch backend', { timeout: 5 * 60_000 }, () => {
  const json = join(mkdtempSync(join(tmpdir(), 'gantry-layers-conformance-')), 'torch.json');
  const child = spawnSync(process.execPath,
    ['--conditions=gantry-source', '--import', 'tsx', runner, 'torch', '--files', 'ci', '--quiet', '--json', json],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let summary: LayersSummary;
  try {
    summary = JSON.parse(readFileSync(json, 'utf8')) as LayersSummary;
  } catch {
    assert.fail(`layers conformance runner wrote no summary (exit ${String(child.status)}):\n${child.stderr.slice(-4000)}`);
  }
  assert.deepEqual(summary.loadErrors, [], 'every spec file loads');
  assert.deepEqual(summary.lateErrors, [], 'no error thrown after its spec ended');
  assert.equal(summary.files, CI_FILES.length);
  const failedNames = summary.failures.map((f) => `${f.name}\n    ${f.errors[0]?.split('\n')[0] ?? ''}`);
  assert.deepEqual(failedNames, [], `${summary.failed} tfjs-layers specs failed on torch`);
  assert.equal(summary.specs, TOTAL_SPECS, 'every spec of the CI files was registered');
  assert.equal(summary.executed, TOTAL_SPECS - summary.pending - summary.excluded);
  // Each exclusion for torch in a CI file matches a spec, and nothing else is skipped.
  const exclusions = loadExclusions('torch');
  for (const e of exclusions.specs.filter((x) => CI_FILES.includes(x.file))) {
    const matched = summary.excludedSpecs.filter((name) => name.includes(e.spec));
    assert.ok(matched.length > 0, `excluded.json entry '${e.spec}' matched no spec`);
  }
  // Only the listed scope may use the leak-check allowance.
  const scopes = exclusions.leakCheckAllowances.map((a) => a.scope);
  for (const scope of Object.keys(summary.allowancesUsed)) assert.ok(scopes.includes(scope), scope);
  assert.equal(child.status, 0, child.stderr.slice(-4000));
});
