import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codedWidth, completeRows, decodeRows, encodeRows, fitCoding, parseCsv } from '../src/index.js';

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

test('standardisation of huge values: no overflow in the squares (std finite, encoded rows unit variance)', () => {
  const table = parseCsv('v,w\n1e300,1\n0,2\n0,3\n-2e300,4\n');
  const rows = completeRows(table);
  const coding = fitCoding(table, rows);
  const v = coding[0];
  assert.ok(v.type === 'numeric' && Number.isFinite(v.std) && v.std > 1e300, `std ${v.type === 'numeric' && v.std}`);
  const encoded = encodeRows(table, rows, coding);
  const column = [0, 1, 2, 3].map((i) => encoded[i * 2]);
  assert.ok(Math.abs(column.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-5, `${column}`);
  assert.deepEqual(decodeRows(coding, encoded, 4).map((r) => Number(r[0]) / 1e300).map((x) => Math.round(x * 1e4) / 1e4 + 0), [1, 0, 0, -2]);
});
