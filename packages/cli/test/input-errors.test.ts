// What the CSV commands (train through loadData, impute, synth, score) do with doubtful input: a numeric column
// with a stray non-number or a non-finite number is an error naming file, column, row and cell; the types decided
// are printed in one line; --categorical declares a column; an all-missing column is named; score never writes
// non-finite scores and quotes the real offending cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import imputeCommand from '../src/commands/impute.js';
import scoreCommand from '../src/commands/score.js';
import synthCommand from '../src/commands/synth.js';
import { loadData } from '../src/data.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';
const work = mkdtempSync(join(tmpdir(), 'gantry-input-'));
const file = (name: string, lines: string[]) => { const p = join(work, name); writeFileSync(p, lines.join('\n') + '\n'); return p; };

// 40 rows of sizes and colours; one size is 'abc' (data row 7, line 8)
const rows = Array.from({ length: 40 }, (_, i) => `${(1 + i * 0.37).toFixed(2)},${i % 3 === 0 ? 'red' : 'blue'}`);
const bad = file('bad.csv', ['size,colour', ...rows.slice(0, 6), 'abc,red', ...rows.slice(7)]);
const infinite = file('inf.csv', ['size,colour', ...rows.slice(0, 3), 'inf,red', ...rows.slice(4)]);
const allMissing = file('all-missing.csv', ['size,colour,note', ...rows.map((r) => `${r},`)]);
const badCell = /bad\.csv:8: column "size", row 7: "abc" is not a number/;

function captureStderr<T>(f: () => T): { value: T; err: string } {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try { return { value: f(), err: lines.join('\n') }; } finally { console.error = original; }
}

test('train (loadData): a stray non-number or non-finite number in a numeric column is an error naming it', () => {
  assert.throws(() => captureStderr(() => loadData(bad)), badCell);
  assert.throws(() => captureStderr(() => loadData(infinite)), /inf\.csv:5: column "size", row 4: "inf" is not a finite number/);
});

test('train (loadData): an all-missing column is named, as impute and synth name it', () => {
  assert.throws(() => captureStderr(() => loadData(allMissing)), /all-missing\.csv: column "note" \(column 3\) is missing in all 40 rows/);
});

test('train (loadData): prints the column types decided; --categorical declares a column', () => {
  const good = file('good.csv', ['size,colour', ...rows]);
  const { value, err } = captureStderr(() => loadData(good));
  assert.match(err, /good\.csv: 40 rows; numeric: size \(1 column\); categorical: colour \(2 categories\)/);
  assert.deepEqual(value.info.coding?.map((c) => c.type), ['numeric', 'categorical']);
  const declared = captureStderr(() => loadData(bad, { categorical: ['size'] }));
  assert.match(declared.err, /categorical: size \(40 categories\), colour \(2 categories\)/);
  assert.deepEqual(declared.value.info.categorical, ['size'], 'the declaration is kept in the run config for resume and eval');
  assert.throws(() => captureStderr(() => loadData(bad, { categorical: ['sise'] })), /--categorical names "sise", which is not a column of .*bad\.csv \(columns: size, colour\)/);
});

const quickSynth = ['--rows', '3', '--steps', '1', '--batch-size', '10', '--pac', '2'];

test('impute and synth: a stray non-number is an error naming it; --categorical makes the column categorical', async () => {
  for (const [command, extra] of [[imputeCommand, ['--iterations', '1']], [synthCommand, quickSynth]] as const) {
    const out = join(work, `${command.name}-out.csv`);
    const r = await runCommand(command, bad, '--out', out, ...extra);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, badCell);
    assert.ok(!existsSync(out));
    const ok = await runCommand(command, bad, '--out', out, '--categorical', 'size', ...extra);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.err, /bad\.csv: 40 rows; numeric: none; categorical: size \(40 categories\), colour \(2 categories\)/);
    const unknown = await runCommand(command, bad, '--out', out, '--categorical', 'sise', ...extra);
    assert.equal(unknown.code, 2, unknown.err);
    assert.match(unknown.err, /--categorical names "sise", which is not a column of .*bad\.csv/);
  }
});

test('impute, synth and score: an all-missing column is named by the same message', async () => {
  const out = join(work, 'out2.csv');
  const message = /all-missing\.csv: column "note" \(column 3\) is missing in all 40 rows/;
  for (const [command, args] of [
    [imputeCommand, [allMissing, '--out', out, '--iterations', '1', '--quiet']],
    [synthCommand, [allMissing, '--out', out, ...quickSynth, '--quiet']],
    [scoreCommand, ['--normal', allMissing, allMissing, '--out', out, '--iterations', '1', '--quiet']],
  ] as const) {
    const r = await runCommand(command, ...args);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, message);
  }
});

test('train, impute and synth: a column whose range overflows double precision is named, not scaled to NaN', async () => {
  const wide = file('wide-table.csv', ['size,colour', '-1e308,red', '1e308,blue', ...rows]);
  const message = /wide-table\.csv: column "size" spans -1e\+308 \(row 1\) to 1e\+308 \(row 2\)/;
  assert.throws(() => captureStderr(() => loadData(wide)), message);
  for (const [command, extra] of [[imputeCommand, ['--iterations', '1']], [synthCommand, quickSynth]] as const) {
    const r = await runCommand(command, wide, '--out', join(work, 'wide-out.csv'), '--quiet', ...extra);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, message);
  }
});

const numbers = Array.from({ length: 30 }, (_, i) => `${i},${i % 7}`);
const normal = file('normal.csv', ['a,b', ...numbers]);

test('score: a non-numeric column is reported with a cell it really holds; --drop lets a doubtful column pass', async () => {
  const labelled = file('labelled.csv', ['a,b,label', ...numbers.map((r, i) => `${r},${['1', 'yes', 'no'][i % 3]}`)]);
  const out = join(work, 'scores.csv');
  const r = await runCommand(scoreCommand, '--normal', labelled, labelled, '--out', out, '--iterations', '1', '--quiet');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /labelled\.csv: column "label" is not numeric \(row 2 holds "yes"\); drop it with --drop label/);
  // a column that would be an error as numeric is not read as numbers once dropped
  const typo = file('typo.csv', ['a,b,note', ...numbers.map((r, i) => `${r},${i === 4 ? 'abc' : i}`)]);
  const dropped = await runCommand(scoreCommand, '--normal', typo, typo, '--out', out, '--iterations', '1', '--drop', 'note', '--quiet');
  assert.equal(dropped.code, 0, dropped.err);
});

test('score: a value too large to score is an error naming row and column, never NaN scores with exit 0', async () => {
  const huge = file('huge.csv', ['a,b', ...numbers.slice(0, 3), '1e308,3', ...numbers.slice(4)]);
  const out = join(work, 'huge-scores.csv');
  const r = await runCommand(scoreCommand, '--normal', normal, huge, '--out', out, '--iterations', '5', '--quiet');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /huge\.csv row 4, column "a": 1e\+308 is .* the normal rows' range/);
  assert.ok(!existsSync(out), 'no scores written');
  // the normal rows themselves: a range that overflows double precision
  const wide = file('wide.csv', ['a,b', '-1e308,1', '1e308,2', ...numbers]);
  const w = await runCommand(scoreCommand, '--normal', wide, normal, '--out', out, '--iterations', '5', '--quiet');
  assert.equal(w.code, 1, w.err);
  assert.match(w.err, /wide\.csv: column "a" spans -1e\+308 \(row 1\) to 1e\+308 \(row 2\)/);
  assert.ok(!existsSync(out));
  // ordinary rows still score, every score finite
  assert.equal((await runCommand(scoreCommand, '--normal', normal, normal, '--out', out, '--iterations', '5', '--quiet')).code, 0);
  for (const line of readFileSync(out, 'utf8').trim().split('\n').slice(1)) assert.ok(line.split(',').every((x) => Number.isFinite(Number(x))), line);
});
