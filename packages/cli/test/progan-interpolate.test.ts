// gantry interpolate of a ProGAN run (mid-fade: 8 px at alpha 0.5, shown at 16 px): a PNG strip whose first and
// last frames are gantry sample --seed's images of the two seeds and whose middle frames are neither, a GIF, and
// the refusal of --truncation and --class; of a conditional run with --class, the same ends, and --class required.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { interpolateCommand } from '../src/commands/interpolate.js';
import { sampleCommand } from '../src/commands/sample.js';
import { runCommand } from './run-command.js';
import { tinyProganRun } from './tiny-progan.js';

const work = mkdtempSync(join(tmpdir(), 'gantry-progan-interpolate-'));
after(() => rmSync(work, { recursive: true, force: true }));

// grids draw 16 px images at scale 2 with 2 px between tiles and around them
const TILE = 32;
const PAD = 2;

/** The RGB bytes of tile k of a one-row grid. */
function tile(png: PNG, k: number): number[] {
  const out: number[] = [];
  const x0 = PAD + k * (TILE + PAD);
  for (let y = PAD; y < PAD + TILE; y++) {
    for (let x = x0; x < x0 + TILE; x++) for (let c = 0; c < 3; c++) out.push(png.data[(y * png.width + x) * 4 + c]);
  }
  return out;
}

const largestDifference = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** A 5-frame strip from seed 3 to 11 (args: e.g. --class): its ends are gantry sample's images, its middle neither. */
async function checkStrip(runDir: string, ...args: string[]): Promise<void> {
  const strip = join(work, 'strip.png');
  const i = await runCommand(interpolateCommand, runDir, '--from', '3', '--to', '11', '--frames', '5', '--out', strip, ...args);
  assert.equal(i.code, 0, i.err);
  assert.match(i.err, /5 frames from seed 3 to 11 at step 4 \(8 px, alpha 0.5\)/);
  const png = PNG.sync.read(readFileSync(strip));
  assert.deepEqual([png.width, png.height], [5 * TILE + 6 * PAD, TILE + 2 * PAD]);

  const sampled = await Promise.all([3, 11].map(async (seed) => {
    const out = join(work, `sample-${seed}.png`);
    const s = await runCommand(sampleCommand, runDir, '--seed', String(seed), '--n', '1', '--out', out, ...args);
    assert.equal(s.code, 0, s.err);
    return tile(PNG.sync.read(readFileSync(out)), 0);
  }));
  // the batch of 5 and the batch of 1 may round a last float bit differently, hence one grey level
  assert.ok(largestDifference(tile(png, 0), sampled[0]) <= 1, 'the first frame is seed 3\'s sample');
  assert.ok(largestDifference(tile(png, 4), sampled[1]) <= 1, 'the last frame is seed 11\'s sample');
  assert.ok(largestDifference(sampled[0], sampled[1]) > 8, 'the two seeds draw different images');
  for (const k of [1, 2, 3]) assert.ok(Math.min(...sampled.map((s) => largestDifference(tile(png, k), s))) > 1, `frame ${k} lies between the ends`);
}

test('interpolate a ProGAN run: the strip starts and ends at gantry sample\'s images of the seeds; GIF; --truncation and --class refused', async () => {
  const runDir = await tinyProganRun(join(work, 'run'));
  await checkStrip(runDir);
  const strip = join(work, 'strip.png');
  const notConditional = await runCommand(interpolateCommand, runDir, '--from', '1', '--to', '2', '--class', '1', '--out', strip);
  assert.match(notConditional.err, /--class: .* is not a conditional run/);

  const gif = join(work, 'walk.gif');
  assert.equal((await runCommand(interpolateCommand, runDir, '--from', '3', '--to', '11', '--frames', '3', '--out', gif)).code, 0);
  assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
  const refused = await runCommand(interpolateCommand, runDir, '--from', '1', '--to', '2', '--truncation', '0.7', '--out', strip);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /--truncation is for StyleGAN runs; .* is a ProGAN run/);
});

test('interpolate a conditional ProGAN run: --class required, the strip\'s ends are gantry sample --class\'s images', async () => {
  const runDir = await tinyProganRun(join(work, 'conditional'), true);
  const strip = join(work, 'strip.png');
  assert.match((await runCommand(interpolateCommand, runDir, '--from', '3', '--to', '11', '--out', strip)).err, /--class <name> is required: .* is a conditional run/);
  await checkStrip(runDir, '--class', 'square');
});
