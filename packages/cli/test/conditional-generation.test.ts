// gantry train --model stylegan|progan --conditional on emoji:google:16 (tiny networks, 2 steps): the run file
// records it, the checkpoint the emoji categories; gantry sample --class <category> draws from the run, gantry eval
// draws the test split's classes, gantry mix takes --class; and the
// refusals: no --class on a conditional run, an unknown category (the valid ones listed), --class on an
// unconditional run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCommand } from '../src/commands/eval.js';
import { mixCommand } from '../src/commands/mix.js';
import { sampleCommand } from '../src/commands/sample.js';
import { trainCommand } from '../src/commands/train.js';
import { runCommand } from './run-command.js';

const tiny = {
  stylegan: ['--latent-dim', '8', '--mapping-depth', '2', '--max-channels', '4'],
  progan: ['--latent-dim', '8', '--max-channels', '4', '--phase-steps', '1', '--fade-fraction', '1'],
};

test('conditional StyleGAN and ProGAN runs: train --conditional, sample --class <category>, and the refusals', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-conditional-'));
  for (const model of ['stylegan', 'progan'] as const) {
    const runDir = join(root, model);
    const trained = await runCommand(trainCommand, '--model', model, '--data', 'emoji:google:16', ...tiny[model],
      '--batch', '4', '--steps', '2', '--conditional', '--progress', 'off', '--out', runDir);
    assert.equal(trained.code, 0, trained.err);
    assert.equal(JSON.parse(readFileSync(join(runDir, `${model}.json`), 'utf8')).options.conditional, true, `${model}: the run file records --conditional`);
    const out = join(root, `${model}.png`);
    const missing = await runCommand(sampleCommand, runDir, '--n', '2', '--out', out);
    assert.match(missing.err, /--class <name> is required: .* is a conditional run; its \d+ classes are 0 "/, model);
    const first = /0 "([^"]+)"/.exec(missing.err)![1];
    const unknown = await runCommand(sampleCommand, runDir, '--class', 'no-such-category', '--n', '2', '--out', out);
    assert.match(unknown.err, new RegExp(`--class "no-such-category": .* has no such class; its \\d+ classes are 0 "${first}", 1 "`), model);
    const sampled = await runCommand(sampleCommand, runDir, '--class', first, '--n', '2', '--out', out);
    assert.equal(sampled.code, 0, `${model}: ${sampled.err}`);
    if (model === 'stylegan') {
      const mixed = await runCommand(mixCommand, runDir, '--rows', '1,2', '--cols', '3', '--class', first, '--out', join(root, 'mix.png'));
      assert.equal(mixed.code, 0, mixed.err);
      assert.match((await runCommand(mixCommand, runDir, '--rows', '1', '--cols', '3', '--out', join(root, 'mix.png'))).err, /--class <name> is required/);
    }
    const log = console.log;
    console.log = () => {};
    try {
      const scored = await runCommand(evalCommand, runDir, '--n', '8', '--seed', '3');
      assert.equal(scored.code, 0, `${model}: ${scored.err}`);
    } finally {
      console.log = log;
    }
    const record = JSON.parse(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.deepEqual([record.event, record.classes, Number.isFinite(record.fd)], ['eval', "the test split's, in order", true], model);
  }
});
