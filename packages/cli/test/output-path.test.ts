// No command that writes a file from input files may overwrite one of them, however the output is spelled:
// another relative spelling, an absolute path, a symbolic link or a hard link to the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../src/args.js';
import imputeCommand from '../src/commands/impute.js';
import scoreCommand from '../src/commands/score.js';
import synthCommand from '../src/commands/synth.js';
import { runCommand } from './run-command.js';

process.env.GANTRY_BACKEND = 'cpu';
const work = mkdtempSync(join(tmpdir(), 'gantry-outpath-'));
process.chdir(work);
const text = ['a,b', ...Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5}`)].join('\n') + '\n';
const input = 'in.csv';
writeFileSync(input, text);
const symlink = join(work, 'link.csv');
symlinkSync(join(work, input), symlink);
const hardlink = join(work, 'hard.csv');
linkSync(input, hardlink);

// The same file as `in.csv`, spelled four ways.
const spellings: [string, string][] = [
  ['./in.csv', 'another relative spelling'],
  [join(work, 'in.csv'), 'an absolute path'],
  [symlink, 'a symbolic link'],
  [hardlink, 'a hard link'],
];

const quick: Record<string, (out: string) => string[]> = {
  impute: (out) => [input, '--out', out, '--iterations', '1', '--quiet'],
  synth: (out) => [input, '--out', out, '--rows', '2', '--steps', '1', '--batch-size', '10', '--pac', '2', '--quiet'],
  'score (data file)': (out) => ['--normal', join(work, 'normal.csv'), input, '--out', out, '--iterations', '1', '--quiet'],
  'score (normal file)': (out) => ['--normal', input, join(work, 'normal.csv'), '--out', out, '--iterations', '1', '--quiet'],
};
const commands: Record<string, Command> = { impute: imputeCommand, synth: synthCommand, 'score (data file)': scoreCommand, 'score (normal file)': scoreCommand };
writeFileSync(join(work, 'normal.csv'), text);

for (const [name, args] of Object.entries(quick)) {
  test(`${name}: --out naming the input file is a usage error naming both paths; the input is untouched`, async () => {
    writeFileSync(input, text); // in place: the hard link stays a link
    for (const [out, how] of spellings) {
      const r = await runCommand(commands[name], ...args(out));
      assert.equal(r.code, 2, `${how} (${out}): ${r.err}`);
      assert.ok(r.err.includes(`--out ${out} is the input file ${input} `), `${how}: the error names both paths: ${r.err}`);
      assert.equal(readFileSync(input, 'utf8'), text, `${how}: input unchanged`);
    }
  });
}

test('synth: --model-out may not overwrite the input either', async () => {
  const dir = join(work, 'model');
  mkdirSync(dir);
  const saved = join(dir, 'synthesizer.json');
  writeFileSync(saved, text);
  const r = await runCommand(synthCommand, saved, '--out', join(work, 'syn.csv'), '--model-out', dir, '--rows', '2', '--steps', '1', '--batch-size', '10', '--pac', '2', '--quiet');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /--model-out .*synthesizer\.json is the input file/);
  assert.equal(readFileSync(saved, 'utf8'), text);
});

test('an --out that is another file is written as before', async () => {
  writeFileSync(input, text);
  const r = await runCommand(imputeCommand, ...quick.impute(join(work, 'other.csv')));
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(join(work, 'other.csv'), 'utf8'), text, 'nothing to fill, so the same text');
});
