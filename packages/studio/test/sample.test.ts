// "Sample now" decodes what the generator makes as the run's data looks: a table run answers rows under
// the CSV's own column names, with its own categories, not standardised columns; a damaged config.json is
// an error naming the field (core's run format, the one the CLI reads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleRun } from '../src/sampler.js';

const bin = fileURLToPath(new URL('../../cli/bin/gantry.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gantry-studio-sample-'));
const runs = join(work, 'runs');
mkdirSync(runs);

test('a table run samples back rows in the CSV\'s columns and categories', { timeout: 180_000 }, async () => {
  const csv = join(work, 'pets.csv');
  const kinds = ['cat', 'dog', 'parrot'];
  writeFileSync(csv, `age,kind,weight\n${Array.from({ length: 60 }, (_, i) => `${1 + (i % 9)},${kinds[i % 3]},${(2 + (i % 7) * 1.5).toFixed(1)}`).join('\n')}\n`);
  const trained = spawnSync(process.execPath, [bin, 'train', '--data', csv, '--steps', '4', '--batch', '16', '--hidden', '8', '--progress', 'off',
    '--out', join(runs, 'pets')], { encoding: 'utf8', env: { ...process.env, GANTRY_BACKEND: 'cpu' } });
  assert.equal(trained.status, 0, trained.stderr);
  const r = await sampleRun(runs, 'pets', { n: 12, seed: 3 });
  assert.equal(r.kind, 'table');
  if (r.kind !== 'table') return;
  assert.deepEqual(r.columns, ['age', 'kind', 'weight']);
  assert.equal(r.rows.length, 12);
  for (const [age, kind, weight] of r.rows) {
    assert.match(age, /^-?\d+$/, 'an integer column decodes to integers');
    assert.ok(kinds.includes(kind), `a category of the CSV, got ${kind}`);
    assert.ok(Number.isFinite(Number(weight)), weight);
  }
  const config = join(runs, 'pets', 'config.json');
  const saved = JSON.parse(readFileSync(config, 'utf8'));
  writeFileSync(config, JSON.stringify({ ...saved, model: { ...saved.model, latentDim: 'big' } }));
  await assert.rejects(sampleRun(runs, 'pets', { n: 4, seed: 0 }), /config\.json: field "model\.latentDim" must be an integer >= 1, got "big"/);
});
