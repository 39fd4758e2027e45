// Spawns the real CLI on tiny runs: train -> info -> sample (png, csv) -> export -> load with plain
// @tensorflow/tfjs; resume; usage errors and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

const bin = fileURLToPath(new URL('../bin/gantry.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
const run = join(work, 'grid');

function gantry(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, GANTRY_BACKEND: 'cpu' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tiny = ['--batch', '32', '--hidden', '16,16', '--checkpoint-every', '10', '--sample-every', '10', '--progress', 'lines'];

test('train -> info -> sample -> export -> tfjs load; resume continues', async () => {
  const t = gantry('train', '--data', 'grid25', '--steps', '20', '--seed', '3', '--out', run, ...tiny);
  assert.equal(t.code, 0, t.err);
  assert.match(t.err, /steps\/s/);
  for (const f of ['config.json', 'metrics.jsonl', 'latest.json']) assert.ok(existsSync(join(run, f)), f);
  assert.deepEqual(readdirSync(join(run, 'samples')).sort(), ['step-000010.png', 'step-000020.png']);

  const info = gantry('info', run, '--json');
  assert.equal(info.code, 0, info.err);
  const summary = JSON.parse(info.out);
  assert.equal(summary.step, 20);
  assert.equal(summary.config.data.spec, 'grid25');
  assert.ok(Number.isFinite(summary.lastLosses['d/adversarial']));

  const png = join(work, 's.png');
  assert.equal(gantry('sample', run, '--n', '50', '--out', png).code, 0);
  const image = PNG.sync.read(readFileSync(png));
  assert.ok(image.width > 100 && image.height === image.width);

  const csv = join(work, 's.csv');
  assert.equal(gantry('sample', run, '--n', '7', '--seed', '5', '--out', csv).code, 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'x,y');
  assert.equal(lines.length, 8);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  assert.ok(rows.every((r) => r.length === 2 && r.every(Number.isFinite)));
  // the same seed gives the same samples
  const csv2 = join(work, 's2.csv');
  gantry('sample', run, '--n', '7', '--seed', '5', '--out', csv2);
  assert.equal(readFileSync(csv2, 'utf8'), readFileSync(csv, 'utf8'));

  const dir = join(work, 'export');
  assert.equal(gantry('export', run, '--format', 'tfjs', '--out', dir).code, 0);
  // plain @tensorflow/tfjs, through an IOHandler that reads the exported files
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, 'weights.bin'));
  const handler: tfjs.io.IOHandler = {
    load: async () => ({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g: { weights: tfjs.io.WeightsManifestEntry[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  };
  const model = await tfjs.loadLayersModel(handler);
  const meta = JSON.parse(readFileSync(join(dir, 'gantry.json'), 'utf8'));
  assert.equal(model.inputs[0].shape[1], meta.latentDim);
  // the exported generator reproduces the CLI's samples: same z (core's seeded normal), same outputs
  const { createRng, randomNormal } = await import('@gantry/core');
  const z = randomNormal(createRng(5), [7, meta.latentDim]);
  const out = (model.predict(tfjs.tensor(z.dataSync() as Float32Array, z.shape)) as tfjs.Tensor).arraySync() as number[][];
  out.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - rows[i][j]) < 1e-4, `sample ${i},${j}: ${v} vs ${rows[i][j]}`)));

  // eval: a 20-step generator is far from grid25, two real samples are close; the record lands in the log
  const ev = await inProcess('eval', run, '--metrics', 'fid,pr', '--n', '300', '--json');
  assert.equal(ev.code, 0, ev.err);
  const record = JSON.parse(ev.out);
  assert.equal(record.step, 20);
  assert.ok(record.fid > 10 * record.floor.fid, `FD ${record.fid} vs floor ${record.floor.fid}`);
  assert.ok(record.floor.precision > 0.8 && record.floor.recall > 0.8);
  assert.equal(record.kid, undefined);
  const logged = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(logged.filter((m) => m.event === 'eval').map((m) => m.fid), [record.fid]);

  const r = gantry('train', '--resume', run, '--steps', '30', '--progress', 'lines');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(gantry('info', run, '--json').out).step, 30);
  assert.ok(existsSync(join(run, 'samples', 'step-000030.png')));
});

test('a YAML config file gives the same run as the same flags', () => {
  const yamlPath = join(work, 'run.yaml');
  writeFileSync(yamlPath, 'data: ring8\nsteps: 4\nbatch: 16\nhidden: [8, 8]\nseed: 9\nlatentDim: 3\ncheckpointEvery: 4\nprogress: off\n');
  const a = gantry('train', '--config', yamlPath, '--out', join(work, 'yaml'));
  assert.equal(a.code, 0, a.err);
  const b = gantry('train', '--data', 'ring8', '--steps', '4', '--batch', '16', '--hidden', '8,8', '--seed', '9', '--latent-dim', '3', '--checkpoint-every', '4', '--progress', 'off', '--out', join(work, 'flags'));
  assert.equal(b.code, 0, b.err);
  const weights = (d: string) => readFileSync(join(d, 'checkpoints', 'step-000004', 'generator', 'weights.bin'));
  assert.ok(weights(join(work, 'yaml')).equals(weights(join(work, 'flags'))));
});

/** Runs main() in this process, capturing what it prints (spawning costs seconds per call). */
async function inProcess(...args: string[]) {
  const { main } = await import('../src/main.js');
  const out: string[] = []; const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await main(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log; console.error = error;
  }
}

test('usage errors exit 2 and say what is accepted; runtime failures exit 1', async () => {
  // the exit code as a shell sees it
  const unknown = gantry('train', '--data', 'grid25', '--bogus', '1');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /--bogus.*accepted: .*--data/);
  const loss = await inProcess('train', '--data', 'grid25', '--loss', 'nope');
  assert.equal(loss.code, 2);
  assert.match(loss.err, /minimax, nonsaturating, wgan, wgan-gp, hinge, lsgan/);
  const steps = await inProcess('train', '--data', 'grid25', '--steps', '2.5');
  assert.equal(steps.code, 2);
  assert.match(steps.err, /--steps must be an integer >= 1/);
  const data = await inProcess('train', '--data', 'no-such-thing');
  assert.equal(data.code, 2);
  assert.match(data.err, /ring8, grid25, swissroll, moons, mnist, fashion-mnist/);
  assert.equal((await inProcess('nonsense')).code, 2);
  assert.equal((await inProcess('sample', join(work, 'missing-run'), '--out', 'x.png')).code, 2);
  assert.equal((await inProcess('sample', run, '--out', 'x.jpg')).code, 2);
  assert.equal((await inProcess('eval', run, '--metrics', 'fid,is')).code, 2);
  assert.equal((await inProcess('export', run, '--format', 'onnx')).code, 2);
  assert.equal((await inProcess('train', '--resume', run, '--loss', 'hinge')).code, 2);
  assert.equal((await inProcess('train', '--data', 'grid25', '--out', run)).code, 2, 'an existing run is not overwritten');
  const corrupt = join(work, 'corrupt');
  gantry('train', '--data', 'ring8', '--steps', '2', '--batch', '8', '--hidden', '4', '--progress', 'off', '--out', corrupt);
  writeFileSync(join(corrupt, 'latest.json'), '{"checkpoint": "checkpoints/step-999999"}');
  const broken = gantry('sample', corrupt, '--out', join(work, 'c.png'));
  assert.equal(broken.code, 1);
  assert.match(broken.err, /latest\.json: field "step" must be an integer >= 0, got nothing/);
  for (const cmd of ['train', 'sample', 'eval', 'export', 'info', 'studio']) {
    const h = await inProcess(cmd, '--help');
    assert.equal(h.code, 0);
    assert.match(h.out, /usage: gantry/);
    assert.match(h.out, /examples:/);
  }
});

test('a CSV table trains and samples back in its own units, under its own column names', () => {
  const rng = (() => { let s = 12345; return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648); })();
  const rows = ['height,"weight, kg",age'];
  for (let i = 0; i < 200; i++) rows.push(`${(170 + 10 * (rng() - 0.5)).toFixed(1)},${(70 + 8 * (rng() - 0.5)).toFixed(1)},${Math.floor(20 + 40 * rng())}`);
  const csvPath = join(work, 'people.csv');
  writeFileSync(csvPath, `${rows.join('\n')}\n`);
  const t = gantry('train', '--data', csvPath, '--steps', '5', '--batch', '32', '--hidden', '8', '--progress', 'off', '--out', join(work, 'table'));
  assert.equal(t.code, 0, t.err);
  const out = join(work, 'people-synth.csv');
  assert.equal(gantry('sample', join(work, 'table'), '--n', '200', '--out', out).code, 0);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'height,"weight, kg",age');
  const cols = [0, 1, 2].map((c) => lines.slice(1).map((l) => Number(l.split(',')[c])));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  // an untrained generator is roughly standard normal in standardised units; mapped back it must sit
  // near each column's mean, far from the other columns' scales
  assert.ok(Math.abs(mean(cols[0]) - 170) < 15, `height mean ${mean(cols[0])}`);
  assert.ok(Math.abs(mean(cols[1]) - 70) < 15, `weight mean ${mean(cols[1])}`);
  assert.ok(Math.abs(mean(cols[2]) - 40) < 25, `age mean ${mean(cols[2])}`);
  assert.equal(gantry('sample', join(work, 'table'), '--out', join(work, 'x.png')).code, 2);
});

test('a table with a categorical column trains and samples back categories and integers', () => {
  const rows = ['grade,score,passed'];
  for (let i = 0; i < 120; i++) rows.push(`${'ABC'[i % 3]},${40 + (i * 7) % 60},${i % 3 === 2 ? 'no' : 'yes'}`);
  const csvPath = join(work, 'grades.csv');
  writeFileSync(csvPath, `${rows.join('\n')}\n`);
  const t = gantry('train', '--data', csvPath, '--steps', '5', '--batch', '32', '--hidden', '8', '--progress', 'off', '--out', join(work, 'grades'));
  assert.equal(t.code, 0, t.err);
  const out = join(work, 'grades-synth.csv');
  assert.equal(gantry('sample', join(work, 'grades'), '--n', '50', '--out', out).code, 0);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'grade,score,passed');
  assert.equal(lines.length, 51);
  for (const line of lines.slice(1)) {
    const [grade, score, passed] = line.split(',');
    assert.ok(['A', 'B', 'C'].includes(grade), line);
    assert.ok(Number.isInteger(Number(score)), line);
    assert.ok(['yes', 'no'].includes(passed), line);
  }
});

test('gantry studio prints a token URL and serves only with the token', async () => {
  const child = spawn(process.execPath, [bin, 'studio', '--runs', work, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${text}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(text);
        if (m) { clearTimeout(timer); resolveUrl(m[0]); }
      });
    });
    const u = new URL(url);
    assert.equal((await fetch(`${u.origin}/api/runs`)).status, 401);
    const runs = await (await fetch(`${u.origin}/api/runs`, { headers: { authorization: `Bearer ${u.searchParams.get('token')}` } })).json() as { name: string }[];
    assert.ok(runs.some((r) => r.name === 'grid'));
  } finally {
    child.kill('SIGTERM');
  }
});
