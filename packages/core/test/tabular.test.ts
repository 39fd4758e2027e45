import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, imputeCsvText, splitCsvRecords } from '../src/index.js';
import { imputeCommand } from '../../cli/src/commands/impute.js';

// GAIN and the anomaly GAN train through tfjs: the cpu backend here (the CLI picks torch when built).
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

// A small table with text, integer, decimal, quoted and padded cells, some of them missing.
function messyCsv(rows: number, seed: number, eol = '\n'): string {
  const rng = createRng(seed);
  const lines = ['id,"colour, name",count,score,note'];
  const colours = ['red', 'green', 'blue'];
  for (let i = 0; i < rows; i++) {
    const t = rng.next();
    const colour = colours[Math.floor(t * 3)];
    const cells = [
      String(i),
      rng.next() < 0.2 ? '' : (i % 7 === 0 ? `"${colour}"` : colour),
      rng.next() < 0.2 ? 'NA' : String(Math.round(10 * t)),
      rng.next() < 0.2 ? '' : (t * 3 + 0.1 * rng.next()).toFixed(3),
      i % 5 === 0 ? '"said ""hi"", left"' : ` padded ${i} `,
    ];
    lines.push(cells.join(','));
  }
  return lines.join(eol) + eol;
}

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null']);

function checkFilled(input: string, output: string): void {
  const a = splitCsvRecords(input);
  const b = splitCsvRecords(output);
  assert.equal(b.length, a.length, 'same number of records');
  const header = a[0].fields;
  a.forEach((ra, i) => {
    const rb = b[i];
    assert.equal(rb.fields.length, ra.fields.length, `record ${i}: same number of fields`);
    ra.fields.forEach((f, j) => {
      if (i > 0 && MISSING.has(f.trim()) && !(ra.quoted[j] && f !== '')) {
        assert.ok(!MISSING.has(rb.fields[j].trim()), `record ${i}, ${header[j]}: filled`);
      } else {
        assert.equal(rb.fields[j], f, `record ${i}, ${header[j]}: observed text kept`);
        assert.equal(rb.quoted[j], ra.quoted[j], `record ${i}, ${header[j]}: quoting kept`);
      }
    });
  });
  // Observed cells are kept as written: the output's raw text of every complete line equals the input's.
  const inLines = input.split(/\r?\n/);
  const outLines = output.split(/\r?\n/);
  inLines.forEach((line, i) => {
    const hasMissing = i > 0 && line !== '' && splitCsvRecords(line)[0].fields.some((f) => MISSING.has(f.trim()));
    if (!hasMissing) assert.equal(outLines[i], line, `line ${i + 1} unchanged`);
  });
}

test('imputeCsvText fills only missing cells and keeps every observed cell, row and column as written', async () => {
  const input = messyCsv(60, 1);
  const result = await imputeCsvText(input, { seed: 1, iterations: 50 });
  checkFilled(input, result.text);
  const out = splitCsvRecords(result.text).slice(1);
  for (const r of out) {
    assert.ok(['red', 'green', 'blue'].includes(r.fields[1]), `a filled category is one of the column's categories: ${r.fields[1]}`);
    assert.match(r.fields[2], /^-?\d+$/, 'the integer column stays integer');
    assert.match(r.fields[3], /^-?\d+(\.\d{1,3})?$/, 'decimals no finer than the column\'s own');
  }
  const expectedFilled = splitCsvRecords(input).slice(1).reduce((n, r) => n + r.fields.filter((f) => MISSING.has(f.trim())).length, 0);
  assert.equal(result.filled, expectedFilled);
  // Deterministic for a seed.
  assert.equal((await imputeCsvText(input, { seed: 1, iterations: 50 })).text, result.text);
});

test('imputeCsvText keeps CRLF line endings and a missing final newline', async () => {
  const input = messyCsv(20, 2, '\r\n').replace(/\r\n$/, '');
  const { text } = await imputeCsvText(input, { seed: 0, iterations: 5 });
  assert.ok(!text.endsWith('\n'));
  assert.equal(text.split('\r\n').length, input.split('\r\n').length);
  checkFilled(input, text);
});

test('imputeCsvText input errors name the line and column', async () => {
  await assert.rejects(imputeCsvText('a,b\n1,2\n3\n', { seed: 0, iterations: 1, source: 'x.csv' }), /x\.csv:3: row has 1 fields, expected 2/);
  await assert.rejects(imputeCsvText('1,2\n3,4\n', { seed: 0, iterations: 1, source: 'x.csv' }), /x\.csv:1: .*looks like data rather than a header/);
  await assert.rejects(imputeCsvText('a,b\n1,\n2,NA\n', { seed: 0, iterations: 1, source: 'x.csv' }), /x\.csv: column "b" \(column 2\) is missing in all 2 rows/);
  await assert.rejects(imputeCsvText('a,b\n', { seed: 0, iterations: 1, source: 'x.csv' }), /no data rows/);
  // a range beyond double precision scaled to NaN and came back as 'Infinity' cells, with no error
  await assert.rejects(imputeCsvText('a,b\n-1e308,1\n1e308,\n3,4\n', { seed: 0, iterations: 1, source: 'x.csv' }), /x\.csv: column "a" spans -1e\+308 \(row 1\) to 1e\+308 \(row 2\)/);
  // Without a header, columns are named by position and the first line is data.
  const { text } = await imputeCsvText('1,2\n,4\n5,6\n', { seed: 0, iterations: 5, header: false });
  assert.equal(text.split('\n')[0], '1,2');
  assert.match(text.split('\n')[1], /^\d+,4$/);
});

test('gantry impute writes the filled file and reports bad input with a non-zero status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-impute-'));
  const input = join(dir, 'data.csv');
  const out = join(dir, 'filled.csv');
  const csv = messyCsv(30, 3);
  writeFileSync(input, csv);
  assert.equal(await imputeCommand.run([input, '--out', out, '--iterations', '20', '--seed', '4', '--quiet']), 0);
  const filled = readFileSync(out, 'utf8');
  checkFilled(csv, filled);
  assert.equal(filled, (await imputeCsvText(csv, { seed: 4, iterations: 20 })).text);
  assert.equal(await imputeCommand.run([input, '--quiet']), 2, 'missing --out is a usage error');
  writeFileSync(input, 'a,b\n1,2\n3\n');
  assert.equal(await imputeCommand.run([input, '--out', out, '--quiet']), 1);
});
