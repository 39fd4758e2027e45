// gantry synth: one run through the real binary (the optional command is found and loaded), the rest in-process
// through the command object, since starting node + tsx per case costs seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '@gantry/core';
import synthCommand from '../src/commands/synth.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';
const bin = fileURLToPath(new URL('../bin/gantry.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gantry-synth-'));
const input = join(work, 'people.csv');
// A quoted header name, a missing numeric cell, three categories.
const header = '"age",height,"home town"';
const body = Array.from({ length: 30 }, (_, i) => `${20 + (i % 7) * 5},${i % 6 === 0 ? '' : (1.5 + (i % 5) / 10).toFixed(1)},${['Oslo', 'Lima', 'Pune'][i % 3]}`);
writeFileSync(input, [header, ...body].join('\n') + '\n');
const quick = ['--steps', '3', '--batch-size', '20', '--pac', '2', '--quiet'];

const synth = (...args: string[]) => runCommand(synthCommand, ...args);

test('gantry synth (binary): writes the asked rows with the input header and column order, saves the model', () => {
  const out = join(work, 'synthetic.csv');
  const model = join(work, 'model');
  const r = spawnSync(process.execPath, [bin, 'synth', input, '--rows', '25', '--out', out, '--steps', '3', '--batch-size', '20', '--pac', '2', '--seed', '4', '--model-out', model],
    { encoding: 'utf8', env: { ...process.env, GANTRY_BACKEND: 'cpu' }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /step 3\/3/);
  const text = readFileSync(out, 'utf8');
  const table = parseCsv(text, { source: out });
  const original = parseCsv(readFileSync(input, 'utf8'), { source: input });
  assert.deepEqual(table.columns.map((c) => [c.name, c.type]), original.columns.map((c) => [c.name, c.type]));
  assert.equal(table.numRows, 25);
  for (const c of table.columns[2].categories!) assert.ok(original.columns[2].categories!.includes(c), c);
  const saved = JSON.parse(readFileSync(join(model, 'synthesizer.json'), 'utf8'));
  assert.equal(saved.format, 'gantry-tabular-synthesizer');
  assert.deepEqual(saved.layout.columns.map((c: { name: string }) => c.name), ['age', 'height', 'home town']);
});

test('gantry synth: same seed, same file; --condition fixes the column', async () => {
  const a = join(work, 'a.csv');
  const b = join(work, 'b.csv');
  assert.equal((await synth(input, '--rows', '12', '--out', a, '--seed', '2', '--condition', 'home town=Pune', ...quick)).code, 0);
  assert.equal((await synth(input, '--rows', '12', '--out', b, '--seed', '2', '--condition', 'home town=Pune', ...quick)).code, 0);
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  const lines = readFileSync(a, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'age,height,home town');
  assert.equal(lines.length, 13);
  for (const line of lines.slice(1)) assert.equal(line.split(',')[2], 'Pune');
});

test('gantry synth: bad input gives errors that name the problem', async () => {
  const out = join(work, 'never.csv');
  const cases: [string[], number, RegExp][] = [
    [[input, '--out', out], 2, /--rows <n> is required/],
    [[input, '--rows', '0', '--out', out], 2, /--rows must be an integer >= 1/],
    [[input, '--rows', '5'], 2, /--out <synthetic\.csv> is required/],
    [[input, '--rows', '5', '--out', input], 2, /--out .*people\.csv is the input file .*people\.csv/],
    [[input, '--rows', '5', '--out', out, '--condition', 'Pune'], 2, /--condition must look like column=value/],
    [[input, '--rows', '5', '--out', out, '--condition', 'home town=Paris'], 2, /column "home town" has no category "Paris" \(accepted: Lima, Oslo, Pune\)/],
    [[input, '--rows', '5', '--out', out, '--condition', 'town=Pune'], 2, /unknown column "town".*columns: age, height, home town/],
    [[input, '--rows', '5', '--out', out, '--condition', 'age=20'], 2, /column "age" is numeric; a condition needs a categorical column \(home town\)/],
    [[input, '--rows', '5', '--out', out, '--batch-size', '25', '--pac', '10'], 2, /--batch-size 25 must be a multiple of --pac 10/],
    [[input, '--rows', '5', '--out', out, '--colour', 'red'], 2, /Unknown option '--colour'/],
    [[join(work, 'absent.csv'), '--rows', '5', '--out', out], 1, /cannot read .*absent\.csv/],
  ];
  for (const [args, code, message] of cases) {
    const r = await synth(...args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message, args.join(' '));
  }
  const ragged = join(work, 'ragged.csv');
  writeFileSync(ragged, 'a,b\n1,2\n3\n');
  const r1 = await synth(ragged, '--rows', '5', '--out', out, ...quick);
  assert.equal(r1.code, 1);
  assert.match(r1.err, /ragged\.csv:3: row has 1 fields, expected 2/);
  const empty = join(work, 'empty-column.csv');
  writeFileSync(empty, 'a,b\n1,\n2,NA\n');
  const r2 = await synth(empty, '--rows', '5', '--out', out, ...quick);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /empty-column\.csv: column "b" \(column 2\) is missing in all 2 rows/);
  assert.ok(!existsSync(out), 'nothing written on failure');
  const help = await (async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
    try { return { code: await synthCommand.run(['--help']), out: lines.join('\n') }; } finally { console.log = original; }
  })();
  assert.equal(help.code, 0);
  assert.match(help.out, /examples:\n {2}gantry synth /);
});
