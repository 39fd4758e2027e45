// Flag values: integers and numbers in plain decimal notation only, for every command (args.ts), and out-of-range
// values are usage errors (exit 2) found before any file is read or any training starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integerFlag, numberInRangeFlag, positiveNumberFlag, UsageError } from '../src/args.js';
import imputeCommand from '../src/commands/impute.js';
import scoreCommand from '../src/commands/score.js';
import synthCommand from '../src/commands/synth.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';
const work = mkdtempSync(join(tmpdir(), 'gantry-flags-'));
const input = join(work, 'in.csv');
writeFileSync(input, ['a,b', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 4 === 0 ? '' : i * 2}`)].join('\n') + '\n');
const out = join(work, 'out.csv');

test('integer flags take an optional sign and digits, nothing else', () => {
  assert.equal(integerFlag('16', 'steps', 0), 16);
  assert.equal(integerFlag('+3', 'steps', 0), 3);
  assert.equal(integerFlag('-2', 'shift', -5), -2);
  assert.equal(integerFlag(7, 'steps', 0), 7, 'numbers from a config file pass');
  for (const bad of ['0x10', '0o7', '0b1', '1e3', '5.0', ' 5', '5 ', '', '1_000', 'Infinity', '99999999999999999999']) {
    assert.throws(() => integerFlag(bad, 'steps', 0), (e: unknown) => e instanceof UsageError && e.message.includes(`--steps must be an integer >= 0, got ${JSON.stringify(bad)}`), JSON.stringify(bad));
  }
});

test('number flags take decimal or scientific notation, nothing else', () => {
  assert.equal(positiveNumberFlag('1e-3', 'lr'), 1e-3);
  assert.equal(positiveNumberFlag('.5', 'lr'), 0.5);
  assert.equal(numberInRangeFlag('-2.5E1', 'x', -100, 100), -25);
  for (const bad of ['0x10', '0b1', '0o7', ' 1', '1 ', '', 'Infinity', '1e999', 'NaN', '1,5']) {
    assert.throws(() => positiveNumberFlag(bad, 'lr'), UsageError, JSON.stringify(bad));
    assert.throws(() => numberInRangeFlag(bad, 'x', -Infinity, Infinity), UsageError, JSON.stringify(bad));
  }
});

test('impute, synth and score: bad flag values exit 2 and say what is accepted', async () => {
  const cases: [typeof imputeCommand, string[], RegExp][] = [
    [imputeCommand, [input, '--out', out, '--hint-rate', '7'], /--hint-rate must be a number in \[0, 1\], got "7"/],
    [imputeCommand, [input, '--out', out, '--alpha=-1e9'], /--alpha must be a number in \[0, inf\], got "-1e9"/],
    [imputeCommand, [input, '--out', out, '--iterations', '0x10'], /--iterations must be an integer >= 0, got "0x10"/],
    [imputeCommand, [input, '--out', out, '--batch-size', '0'], /--batch-size must be an integer >= 1, got "0"/],
    [imputeCommand, [input, '--out', out, '--seed', '1.5'], /--seed must be an integer >= 0, got "1\.5"/],
    [imputeCommand, [input, '--out', out, '--hint', 'both'], /--hint must be one of code, paper; got "both"/],
    [imputeCommand, [input, '--out', out, '--method', 'forest'], /--method must be one of auto, gain, misgan, mice, knn, mean; got "forest"/],
    [imputeCommand, [input, '--out', out, '--candidates', 'mean,forest'], /--candidates must list some of mean, knn, mice, gain; got "forest"/],
    [imputeCommand, [input, '--out', out, '--method', 'knn', '--candidates', 'mean'], /--candidates is for --method auto, not knn/],
    [synthCommand, [input, '--out', out, '--rows', '5', '--steps', '0x10'], /--steps must be an integer >= 0, got "0x10"/],
    [scoreCommand, ['--normal', input, input, '--out', out, '--iterations', '0x10'], /--iterations must be an integer >= 0, got "0x10"/],
    [scoreCommand, ['--normal', input, input, '--out', out, '--seed', '1e3'], /--seed must be an integer >= 0, got "1e3"/],
  ];
  for (const [command, args, message] of cases) {
    const r = await runCommand(command, ...args, '--quiet');
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message, args.join(' '));
  }
});

test('impute: flag values are checked before the input is read', async () => {
  const r = await runCommand(imputeCommand, join(work, 'absent.csv'), '--out', out, '--hint-rate', '7', '--quiet');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /--hint-rate/);
});
