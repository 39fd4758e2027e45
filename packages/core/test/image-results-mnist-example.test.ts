// examples/mnist/train.ts at one step: a class-conditional DCGAN on Fashion-MNIST writes its final grid
// (class k in column k) and the grid of one chosen class, into a --run-dir given as an absolute path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng } from '../src/node.js';

const repoRoot = new URL('../../..', import.meta.url).pathname;

test('examples/mnist/train.ts: conditional DCGAN on Fashion-MNIST writes the final grid and a chosen class\'s grid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-mnist-example-'));
  try {
    execFileSync(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', join(repoRoot, 'examples/mnist/train.ts'), '--dataset', 'fashion-mnist',
      '--conditional', '--class', '7', '--steps', '1', '--limit', '100', '--batch', '16', '--base-filters', '8', '--latent-dim', '16',
      '--sample-every', '0', '--checkpoint-every', '0', '--run-dir', dir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    const final = decodePng(readFileSync(join(dir, 'final.png')));
    const chosen = decodePng(readFileSync(join(dir, 'class-7.png')));
    // 100 samples in 10 columns and 64 in 8, each 28 pixels at scale 2 (plus padding)
    assert.ok(final.width >= 10 * 56 && final.height >= 10 * 56 && final.width < 11 * 56, `final ${final.width}x${final.height}`);
    assert.ok(chosen.width >= 8 * 56 && chosen.width < 9 * 56, `class grid ${chosen.width}x${chosen.height}`);
    assert.ok(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').includes('"step":1'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
