// examples/tables/gain_reference.py, the independent PyTorch GAIN that docs/tables.md sets beside gantry's, at
// a few iterations: under both protocols it learns (beats column means on the same entries) and writes the
// JSON line gain-benchmark.ts --report tabulates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const script = join(repoRoot, 'examples/tables/gain_reference.py');

test('the PyTorch reference GAIN beats column means on letter, transductive and held-out, and writes report lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-gain-reference-'));
  const out = join(dir, 'runs.jsonl');
  try {
    for (const extra of [[], ['--holdout', '0.2', '--alpha', '10']]) {
      execFileSync('/usr/bin/python3', [script, '--dataset', 'letter', '--seeds', '1', '--first-seed', '3', '--iterations', '1000', '--out', out, ...extra],
        { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    }
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    for (const r of lines) {
      assert.equal(r.dataset, 'letter');
      assert.equal(r.seed, 3);
      assert.equal(r.backend, 'pytorch-reference');
      for (const key of ['iterations', 'batchSize', 'hintRate', 'alpha', 'learningRate', 'gainSeconds']) assert.equal(typeof r[key], 'number', key);
      // 1,000 iterations take letter's RMSE from column means' ~0.154 to ~0.138: a broken G stays at or above it
      assert.ok(r.gain < 0.95 * r.mean, `GAIN ${r.gain} vs column means ${r.mean}`);
      assert.ok(r.mean > 0.14 && r.mean < 0.17, `column means ${r.mean}`);
    }
    assert.equal(lines[0].holdout, undefined);
    assert.equal(lines[1].holdout, 0.2);
    assert.equal(lines[1].rounding, 'none');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
