import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '@gantry/core';
import { codedWidth, completeRows, decodeRows, encodeRows, fitCoding } from '../src/table-coding.js';

const text = 'size,colour,weight\n3,red,1.5\n5,blue,2.25\n,red,3\n4,green,0.5\n7,blue,NA\n';

test('encode then decode gives back every complete row cell for cell', () => {
  const table = parseCsv(text);
  const rows = completeRows(table);
  assert.deepEqual(rows, [0, 1, 3]);
  const coding = fitCoding(table, rows);
  assert.equal(codedWidth(coding), 1 + 3 + 1);
  assert.deepEqual(coding.map((c) => c.type === 'numeric' && c.integer), [true, false, false]);
  const encoded = encodeRows(table, rows, coding);
  assert.deepEqual(decodeRows(coding, encoded, rows.length), [['3', 'red', '1.5'], ['5', 'blue', '2.25'], ['4', 'green', '0.5']]);
  // standardised numbers: mean 0, variance 1 over the fitted rows
  const sizes = [0, 1, 2].map((i) => encoded[i * 5]);
  assert.ok(Math.abs(sizes.reduce((a, b) => a + b, 0)) < 1e-6);
  assert.ok(Math.abs(sizes.reduce((a, b) => a + b * b, 0) / 3 - 1) < 1e-6);
});

test('decoding takes the largest one-hot entry and rounds integer columns', () => {
  const table = parseCsv(text);
  const coding = fitCoding(table, completeRows(table));
  const size = coding[0];
  assert.equal(size.type, 'numeric');
  if (size.type !== 'numeric') return;
  const row = [(4.6 - size.mean) / size.std, 0.1, -2, 0.3, 0];
  const [cells] = decodeRows(coding, row, 1);
  assert.equal(cells[0], '5');
  assert.equal(cells[1], coding[1].type === 'categorical' ? coding[1].categories[2] : '');
  assert.throws(() => decodeRows(coding, row, 2), /5 values are not 2 rows of width 5/);
});
