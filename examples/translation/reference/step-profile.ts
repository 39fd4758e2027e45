// Where one training step of gantry's pix2pix or CycleGAN goes, at the settings of docs/translation.md's speed
// comparison with the authors' code (16 px emoji, batch 1; pix2pix: ngf = ndf = 64, U-Net depth 4, 2-layer
// PatchGAN; CycleGAN: ngf = ndf = 32, 6 residual blocks, 2-layer PatchGANs, pools of 50). It calls the
// trainer's own step (the Trainable the loop runs), not a copy of it: a few warm-up steps, then STEPS plain
// steps timed by the process's CPU clock, then STEPS under tf.profile for the kernel calls per step by name.
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/translation/reference/step-profile.ts \
//     --model pix2pix --steps 20 [--kernels 10]
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng, cycleGanTrainable, installGradientFixes, loadEmojiPair, pix2pixTrainable, SINGLE_PROCESS, unpairedHalves,
  type StepEnv, type Trainable,
} from '@gantry/core/node';
import { recordKernelCpuTime } from '../../../bench/kernel-cpu-time.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'pix2pix' }, steps: { type: 'string', default: '20' }, warmup: { type: 'string', default: '5' },
    kernels: { type: 'string', default: '12' }, seed: { type: 'string', default: '0' },
  },
});
const [steps, warmup, shown, seed] = [values.steps, values.warmup, values.kernels, values.seed].map(Number);

const torch = await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend('torch'))) throw new Error('the torch backend did not initialise');
installGradientFixes();

const train = loadEmojiPair({ source: 'google', target: 'twitter', size: 16, split: 'train' });
function build(): Trainable {
  if (values.model === 'pix2pix') return pix2pixTrainable(train, { seed });
  if (values.model === 'cyclegan') return cycleGanTrainable(unpairedHalves(train), { seed, generatorFilters: 32, discriminatorFilters: 32 });
  throw new Error(`--model must be pix2pix or cyclegan, got ${values.model}`);
}
const trainable = build();
const rng = createRng(seed);
let stepNumber = 0;
const total = warmup + 2 * steps;
const step = () => {
  stepNumber++;
  const env: StepEnv = { step: stepNumber, totalSteps: total, rng, replicas: SINGLE_PROCESS };
  return trainable.step(env);
};

for (let i = 0; i < warmup; i++) step();
torch.resetFallbackCounts();
const tensors0 = tf.memory().numTensors;
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step();
const cpu = process.cpuUsage(cpu0);
const leaked = (tf.memory().numTensors - tensors0) / steps;

recordKernelCpuTime();
const calls = new Map<string, { n: number; cpuMs: number }>();
for (let i = 0; i < steps; i++) {
  const info = await tf.profile(() => { step(); });
  for (const k of info.kernels) {
    const entry = calls.get(k.name) ?? { n: 0, cpuMs: 0 };
    entry.n++;
    entry.cpuMs += Number(k.extraInfo) || 0;
    calls.set(k.name, entry);
  }
}
const all = [...calls.values()].reduce((a, b) => a + b.n, 0);
console.log(`${values.model}, seed ${seed}, ${steps} steps after ${warmup} warm-up, load ${loadavg()[0].toFixed(2)}`);
console.log(`CPU ms per step (unprofiled): ${((cpu.user + cpu.system) / 1000 / steps).toFixed(1)}; tensors left per step: ${leaked}`);
console.log(`kernel calls per step: ${(all / steps).toFixed(0)}; cpu fallbacks: ${JSON.stringify(torch.fallbackCounts())}`);
console.log('(a kernel that runs others, such as fusedConv2d__op, counts their CPU time too; CPU time under the profiler is coarse)');
for (const [name, e] of [...calls.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, shown)) {
  console.log(`  ${name}: ${(e.n / steps).toFixed(0)} calls, ${(e.cpuMs / steps).toFixed(2)} CPU ms per step`);
}
