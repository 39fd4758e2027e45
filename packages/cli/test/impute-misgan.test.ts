// gantry impute --method misgan (issue 18): MisGAN trains on the CSV itself and fills every empty cell; observed
// cells keep their text, and the progress names MisGAN's critics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import imputeCommand from '../src/commands/impute.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';

test('impute --method misgan (--gamma, --draws) fills a small CSV, keeping every observed cell as written', async () => {
  const work = mkdtempSync(join(tmpdir(), 'gantry-misgan-'));
  const rows = Array.from({ length: 30 }, (_, i) => [i % 7 === 0 ? '' : (i / 10).toFixed(1), i % 5 === 1 ? '' : String(2 * i), String(i % 3)]);
  const input = join(work, 'in.csv');
  const out = join(work, 'out.csv');
  writeFileSync(input, ['x,y,level', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  const r = await runCommand(imputeCommand, input, '--out', out, '--method', 'misgan', '--iterations', '3', '--batch-size', '8', '--seed', '2', '--gamma', '10', '--draws', '3');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /MisGAN step 3\/3 {2}critics: data -?\d+\.\d{4} mask -?\d+\.\d{4} imputer -?\d+\.\d{4}/);
  assert.match(r.err, /filled 11 of 90 cells/);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'x,y,level');
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',');
    rows[i].forEach((v, j) => {
      if (v !== '') assert.equal(cells[j], v);
      else assert.ok(Number.isFinite(Number(cells[j])) && cells[j] !== '', `row ${i} column ${j}: ${cells[j]}`);
    });
  });
});
