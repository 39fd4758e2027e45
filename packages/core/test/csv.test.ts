import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, formatCsv, tableColumn, CsvError } from '../src/data/index.js';
import { readCsvFile } from '../src/data/node.js';

const datasets = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets');

test('csv: infers numeric and categorical columns, NaN for missing, sorted vocabularies', () => {
  const t = parseCsv('a,b,c\n1.5,x,\n"2",y,NA\n,x,3\nNaN,"z, q",4\n', { source: 'mem.csv' });
  assert.deepEqual(t.columns.map((c) => [c.name, c.type, c.missing]), [['a', 'numeric', 2], ['b', 'categorical', 0], ['c', 'numeric', 2]]);
  assert.deepEqual(t.columns[1].categories, ['x', 'y', 'z, q']);
  assert.equal(t.numRows, 4);
  const a = tableColumn(t, 'a');
  assert.equal(a[0], 1.5); assert.equal(a[1], 2); assert.ok(Number.isNaN(a[2])); assert.ok(Number.isNaN(a[3]));
  assert.deepEqual([...tableColumn(t, 'b')], [0, 1, 0, 2]);
  assert.deepEqual([...tableColumn(t, 2)].map((v) => (Number.isNaN(v) ? null : v)), [null, null, 3, 4]);
});

test('csv: quoted fields with newlines, doubled quotes, CRLF; line numbers follow physical lines', () => {
  const text = 'name,v\r\n"multi\nline",1\r\n"say ""hi""",2\r\nbad,oops\r\n';
  assert.throws(() => parseCsv(text, { source: 'q.csv', schema: { v: 'numeric' } }),
    (e: unknown) => e instanceof CsvError && /q\.csv:5: column "v", row 3: "oops" is not a number \(the column is declared numeric\)/.test(e.message));
  const t = parseCsv(text.replace('oops', '3'), { source: 'q.csv' });
  assert.deepEqual(t.columns[0].categories, ['bad', 'multi\nline', 'say "hi"']);
  // Round trip through formatCsv keeps every value.
  const back = parseCsv(formatCsv(t), { schema: { name: { type: 'categorical', categories: t.columns[0].categories } } });
  assert.deepEqual([...back.matrix], [...t.matrix]);
});

test('csv: schema overrides inference and fixes vocabularies; unknown categories and columns are errors', () => {
  const t = parseCsv('k,v\n3,1\n1,2\n10,3\n', { schema: { k: 'categorical' } });
  assert.deepEqual(t.columns[0].categories, ['1', '3', '10']);
  assert.deepEqual([...tableColumn(t, 'k')], [1, 0, 2]);
  assert.throws(() => parseCsv('k\na\nb\n', { source: 's.csv', schema: { k: { type: 'categorical', categories: ['a'] } } }),
    /s\.csv:3: column "k": category "b" is not in the given vocabulary/);
  assert.throws(() => parseCsv('k\n1\n', { source: 's.csv', schema: { nope: 'numeric' } }), /s\.csv:1: schema names column "nope"/);
});

test('csv: ragged rows, unterminated quotes, duplicate headers fail naming file and line', () => {
  assert.throws(() => parseCsv('a,b\n1,2\n3\n', { source: 'r.csv' }), /r\.csv:3: row has 1 fields, expected 2/);
  assert.throws(() => parseCsv('a,b\n1,2,3\n', { source: 'r.csv' }), /r\.csv:2: row has 3 fields, expected 2/);
  assert.throws(() => parseCsv('a,b\n"1,2\n', { source: 'u.csv' }), /u\.csv:2: unterminated quoted field/);
  assert.throws(() => parseCsv('a,a\n1,2\n', { source: 'd.csv' }), /d\.csv:1: duplicate column name "a"/);
  assert.throws(() => parseCsv('', { source: 'e.csv' }), /e\.csv:1: empty CSV/);
  assert.throws(() => readCsvFile('/nonexistent/x.csv'), /cannot read CSV file \/nonexistent\/x\.csv/);
});

test('csv: letter.csv matches Python csv module parsing', { skip: !existsSync(join(datasets, 'letter.csv')) && 'letter.csv not present' }, () => {
  const path = join(datasets, 'letter.csv');
  const t = readCsvFile(path);
  const py = execFileSync('/usr/bin/python3', ['-c', `
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
header, body = rows[0], rows[1:]
labels = sorted({r[0] for r in body})
sums = [sum(float(r[j]) for r in body) for j in range(1, len(header))]
print(json.dumps({"header": header, "n": len(body), "labels": labels, "codes": [labels.index(r[0]) for r in body[:50]], "sums": sums}))
`, path], { encoding: 'utf8' });
  const ref = JSON.parse(py) as { header: string[]; n: number; labels: string[]; codes: number[]; sums: number[] };
  assert.deepEqual(t.columns.map((c) => c.name), ref.header);
  assert.equal(t.numRows, ref.n);
  assert.equal(t.columns[0].type, 'categorical');
  assert.deepEqual(t.columns[0].categories, ref.labels);
  assert.deepEqual([...tableColumn(t, 0).subarray(0, 50)], ref.codes);
  ref.sums.forEach((s, k) => {
    assert.equal(t.columns[k + 1].type, 'numeric');
    assert.equal(tableColumn(t, k + 1).reduce((a, b) => a + b, 0), s);
  });
});

test('csv: readCsvFile reports the file path in errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-csv-'));
  const path = join(dir, 'bad.csv');
  writeFileSync(path, 'x,y\n1,2\n1,zz\n');
  assert.throws(() => readCsvFile(path, { schema: { y: 'numeric' } }), new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: column "y"`));
});
