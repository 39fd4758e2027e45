// The CSV reader's column-type policy: a column that is numbers except for a few cells is an error naming the
// cell, not a categorical column with one category per number; non-finite numbers are errors; the decision is
// described in one line; a declared type wins; an all-missing column is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvError, CsvSchemaError, describeColumns, parseCsv, parseDecimal, requireFiniteRanges, requireObservedColumns } from '../src/data/index.js';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => `${(i * 0.37).toFixed(2)},${i % 3 === 0 ? 'red' : 'blue'}`);

test('csv columns: one non-numeric cell in a numeric column is an error naming file, column, row and cell', () => {
  const rows = numbers(40);
  rows[6] = 'abc,red';
  const text = ['size,colour', ...rows].join('\n') + '\n';
  assert.throws(() => parseCsv(text, { source: 'bad.csv' }), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    // data row 7 sits on line 8, below the header
    assert.match(e.message, /^bad\.csv:8: column "size", row 7: "abc" is not a number/);
    assert.match(e.message, /categorical/, 'says how to keep the column as categories');
    return true;
  });
});

test('csv columns: non-finite numbers (Infinity, inf, NaN when not a missing token, 1e999) are errors', () => {
  for (const cell of ['Infinity', '-Infinity', 'inf', '-inf', '1e999', '-1E400']) {
    const rows = numbers(10);
    rows[3] = `${cell},red`;
    const text = ['size,colour', ...rows].join('\n') + '\n';
    assert.throws(() => parseCsv(text, { source: 'x.csv' }), new RegExp(`x\\.csv:5: column "size", row 4: "${cell}" is not a finite number`), cell);
  }
  const nan = ['size,colour', ...numbers(5).slice(0, 4), 'NaN,red'].join('\n');
  assert.throws(() => parseCsv(nan, { source: 'x.csv', missingTokens: [''] }), /x\.csv:6: column "size", row 5: "NaN" is not a finite number/);
  // A declared numeric column says the same.
  assert.throws(() => parseCsv('v\n1\ninf\n', { source: 'd.csv', schema: { v: 'numeric' } }), /d\.csv:3: column "v", row 2: "inf" is not a finite number/);
  // NaN is a missing token by default: missing, not an error.
  assert.equal(parseCsv('v\n1\nNaN\n2\n').columns[0].missing, 1);
});

test('csv columns: numbers are plain decimal notation (no hex, octal, binary)', () => {
  for (const s of ['1', '-2', '+3', '1.5', '.5', '5.', '1e3', '-2.5E-3']) assert.ok(Number.isFinite(parseDecimal(s)), s);
  for (const s of ['0x10', '0o7', '0b1', '', ' 1', '1 ', '1_000', 'Infinity', '1e', 'e3', '.', '--1']) assert.ok(Number.isNaN(parseDecimal(s)), JSON.stringify(s));
  assert.equal(parseDecimal('1e999'), Infinity);
  const rows = numbers(10);
  rows[2] = '0x1F,red';
  assert.throws(() => parseCsv(['size,colour', ...rows].join('\n'), { source: 'h.csv' }), /h\.csv:4: column "size", row 3: "0x1F" is not a number/);
});

test('csv columns: mostly-text columns stay categorical; a declared categorical column takes any cells', () => {
  const t = parseCsv('town,code\nOslo,1\nLima,2\nPune,x\n3,y\n', { source: 't.csv' });
  // town: 1 of 4 distinct values a number; code: 2 of 4, not most
  assert.deepEqual(t.columns.map((c) => c.type), ['categorical', 'categorical']);
  const rows = numbers(40);
  rows[6] = 'abc,red';
  const declared = parseCsv(['size,colour', ...rows].join('\n'), { source: 'bad.csv', schema: { size: 'categorical' } });
  assert.equal(declared.columns[0].type, 'categorical');
  assert.equal(declared.columns[0].categories!.length, 40);
  assert.throws(() => parseCsv('a\n1\n', { schema: { b: 'categorical' } }), (e: unknown) => e instanceof CsvSchemaError && e.column === 'b');
  assert.equal(parseCsv('a\n1\n', { schema: { b: 'categorical' }, schemaMayNameAbsentColumns: true }).numColumns, 1);
});

test('csv columns: describeColumns names the numeric and the categorical columns with category counts', () => {
  const t = parseCsv('a,b,town,c\n1,2,Oslo,x\n3,4,Lima,x\n5,6,Oslo,y\n', { source: 'p.csv' });
  assert.equal(describeColumns(t), 'p.csv: 3 rows; numeric: a, b (2 columns); categorical: town (2 categories), c (2 categories)');
  const wide = parseCsv(`${Array.from({ length: 15 }, (_, j) => `x${j}`).join(',')}\n${Array(15).fill('1').join(',')}\n`, { source: 'w.csv' });
  assert.equal(describeColumns(wide), 'w.csv: 1 rows; numeric: x0, x1, x2, x3, x4, x5, x6, x7, x8, x9 and 5 more (15 columns); categorical: none');
});

test('csv columns: requireObservedColumns names an all-missing column', () => {
  const t = parseCsv('a,b\n1,\n2,NA\n', { source: 'e.csv' });
  assert.throws(() => requireObservedColumns(t), /^Error: e\.csv: column "b" \(column 2\) is missing in all 2 rows/);
  requireObservedColumns(parseCsv('a,b\n1,\n2,3\n'));
});

test('csv columns: requireFiniteRanges names a numeric column whose range overflows double precision', () => {
  const t = parseCsv('a,b\n1,x\n-1e308,y\n,z\n1.5e308,x\n', { source: 'w.csv' });
  assert.throws(() => requireFiniteRanges(t), /^Error: w\.csv: column "a" spans -1e\+308 \(row 2\) to 1\.5e\+308 \(row 4\)/);
  requireFiniteRanges(parseCsv('a\n1e308\n0\n-1e307\n'));
});
