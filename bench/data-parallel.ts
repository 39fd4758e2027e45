// Data-parallel speed (issue 20): `gantry train` of a DCGAN preset as 1 process with 1 torch thread,
// 1 process with 2 threads, and 2 processes (--nproc 2) with 1 thread each, taking turns so that the
// machine's other load falls on all three alike. Prints steps/s (between the warm-up step and the last),
// the bytes all-reduced per step, and the efficiency to expect on W machines joined by a network.
//
//   node --conditions=gantry-source --import tsx bench/data-parallel.ts --data fashion-mnist --steps 60 --rounds 2
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fileRunStore, modelFromBlob } from '@gantry/core/node';
import { markdownTable, median } from './stats.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'fashion-mnist' }, steps: { type: 'string', default: '60' }, warmup: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' }, batch: { type: 'string', default: '64' }, network: { type: 'string', default: '10' },
    latency: { type: 'string', default: '100' },
  },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const gantry = new URL('../packages/cli/bin/gantry.mjs', import.meta.url).pathname;

interface Setup { name: string; threads: number; nproc: number }
const SETUPS: Setup[] = [
  { name: '1 process x 1 thread', threads: 1, nproc: 1 },
  { name: '2 processes x 1 thread', threads: 1, nproc: 2 },
  { name: '1 process x 2 threads', threads: 2, nproc: 1 },
];

/** Steps per second between the warm-up step and the last, from the run's metrics.jsonl. */
function stepsPerSecond(runDir: string): number {
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; seconds?: number });
  const timed = lines.filter((l) => l.seconds !== undefined);
  const from = timed.find((l) => l.step >= warmup)!;
  const to = timed[timed.length - 1];
  return (to.step - from.step) / (to.seconds! - from.seconds!);
}

async function trainedParameters(runDir: string): Promise<number> {
  tf.env().set('IS_TEST', true);   // only silences tfjs-backend-cpu's banner
  await tf.setBackend('cpu');
  const checkpoint = await fileRunStore(runDir).loadLatestCheckpoint();
  let count = 0;
  for (const blob of Object.values(checkpoint!.models)) {
    const model = await modelFromBlob(blob);
    count += model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
  }
  return count;
}

const rates = new Map<string, number[]>(SETUPS.map((s) => [s.name, []]));
let parameters = 0;
for (let round = 0; round < Number(values.rounds); round++) {
  for (const s of SETUPS) {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-dp-'));
    try {
      const run = join(dir, 'run');
      const args = ['train', '--data', values.data!, '--model', 'dcgan', '--steps', String(steps), '--batch', values.batch!, '--sample-every', '0',
        '--checkpoint-every', '0', '--progress', 'off', '--out', run, ...(s.nproc > 1 ? ['--nproc', String(s.nproc)] : [])];
      const r = spawnSync(process.execPath, [gantry, ...args], { env: { ...process.env, GANTRY_TORCH_THREADS: String(s.threads), GANTRY_BACKEND: 'torch' }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${s.name}: ${r.stderr}`);
      rates.get(s.name)!.push(stepsPerSecond(run));
      parameters ||= await trainedParameters(run);
      console.error(`round ${round + 1}, ${s.name}: ${rates.get(s.name)!.at(-1)!.toFixed(2)} steps/s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const single = median(rates.get(SETUPS[0].name)!);
console.log(markdownTable([`setup`, `steps/s (median of ${values.rounds})`, 'runs', 'vs 1 x 1 thread'], SETUPS.map((s) => {
  const xs = rates.get(s.name)!;
  return [s.name, median(xs).toFixed(2), xs.map((x) => x.toFixed(2)).join(', '), `${(median(xs) / single).toFixed(2)}x`];
})));

// One all-reduce per optimizer update (D, then G) carries that model's gradients (float32).
const bytesPerStep = 4 * parameters;
console.log(`\ntrained parameters (G + D): ${parameters}; all-reduced per step: ${(bytesPerStep / 1e6).toFixed(2)} MB (D's gradients, then G's)`);
// On paper, W machines of this one's speed, each keeping the measured batch (the global batch grows to W x
// batch), in a ring all-reduce: each sends and receives 2 (W - 1) / W of the bytes, plus 2 (W - 1) latency
// hops per collective, two collectives per step.
const bitsPerSecond = Number(values.network) * 1e9;
const hop = Number(values.latency) * 1e-6;
const compute = 1 / single;
for (const w of [8, 64]) {
  const communicate = (2 * (w - 1) / w) * (8 * bytesPerStep) / bitsPerSecond + 2 * 2 * (w - 1) * hop;
  console.log(`W = ${w} on ${values.network} Gbit/s, ${values.latency} us per hop: compute ${(compute * 1000).toFixed(0)} ms + all-reduce ` +
    `${(communicate * 1000).toFixed(1)} ms per step -> efficiency ${(compute / (compute + communicate) * 100).toFixed(0)}% (no overlap)`);
}
