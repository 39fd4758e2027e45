// Per-call cost of small ops (the regime of mlp2d and gain16, where a step is ~500 kernel calls on
// tensors of a few thousand elements). Reports process CPU time per call, which stays meaningful on
// a loaded machine where wall-clock time does not, next to wall time.
//   node --conditions=gantry-source --import tsx bench/overhead.ts --backend torch [--calls 2000]
// --layers (torch): where a small op's time goes, layer by layer: the native op alone (addon call on
// handles + release), the torch kernel function (tfjs-style args, handles, makeOutput, disposeData),
// and the public tf op (engine bookkeeping on top).
import * as tf from '@tensorflow/tfjs-core';

import { arg, setUpBackend } from './setup.js';
import { markdownTable, medianCpuMicrosPerCall } from './stats.js';

/** Median CPU us/call over 9 blocks (after a warm-up), which a GC pause or a load burst hits only once. */
function cpuPerCall(fn: () => void, calls: number): number {
  for (let i = 0; i < calls; i++) fn();
  return medianCpuMicrosPerCall(fn, calls, 9);
}

interface TorchInternals {
  nativeAddon: Record<string, (...args: (number | boolean | number[])[]) => number> & { release(handle: number): void };
}

/** tf op vs torch kernel function vs native op for a few of mlp2d's and gain16's elementwise kernels. */
async function layers(calls: number): Promise<void> {
  await setUpBackend('torch', 1);
  const torch = await import('@gantry/tfjs-backend-torch') as unknown as TorchInternals;
  const backend = tf.backend() as tf.KernelBackend & { handleOf(t: tf.TensorInfo): number };
  const native = torch.nativeAddon;
  const rows: string[][] = [];
  for (const shape of [[256, 128], [128, 16]]) {
    const x = tf.randomNormal(shape);
    const y = tf.randomNormal(shape);
    const zero = tf.scalar(0);
    const [hx, hy, hz] = [x, y, zero].map((t) => backend.handleOf(t));
    const cases: [string, string, tf.NamedTensorMap, tf.NamedAttrMap, () => number, () => tf.Tensor][] = [
      ['relu', 'Relu', { x }, {}, () => native.relu(hx), () => tf.relu(x)],
      ['step', 'Step', { x }, { alpha: 0 }, () => native.step(hx, 0), () => tf.step(x)],
      ['add', 'Add', { a: x, b: y }, {}, () => native.add(hx, hy), () => tf.add(x, y)],
      ['mul', 'Multiply', { a: x, b: y }, {}, () => native.mul(hx, hy), () => tf.mul(x, y)],
      ['greater (scalar 0)', 'Greater', { a: x, b: zero }, {}, () => native.greater(hx, hz), () => tf.greater(x, zero)],
    ];
    for (const [name, kernelName, inputs, attrs, nativeCall, tfCall] of cases) {
      const kernelFunc = tf.getKernel(kernelName, 'torch')!.kernelFunc;
      const viaKernel = (): void => {
        const out = kernelFunc({ inputs, attrs, backend }) as tf.TensorInfo;
        backend.disposeData(out.dataId);
      };
      rows.push([`${name} [${shape}]`, cpuPerCall(() => native.release(nativeCall()), calls).toFixed(1),
        cpuPerCall(viaKernel, calls).toFixed(1), cpuPerCall(() => tfCall().dispose(), calls).toFixed(1)]);
    }
    rows.push([`tf.clone [${shape}] (engine floor)`, '-', '-', cpuPerCall(() => tf.clone(x).dispose(), calls).toFixed(1)]);
    tf.dispose([x, y, zero]);
  }
  console.log(`torch, 1 thread: CPU us/call, median of 9 blocks of ${calls} calls`);
  console.log(markdownTable(['op', 'native op + release', 'kernel function + disposeData', 'public tf op'], rows));
}

async function main(): Promise<void> {
  const backend = arg('--backend', 'torch');
  const calls = Number(arg('--calls', '2000'));
  if (process.argv.includes('--layers')) {
    await layers(calls);
    return;
  }
  await setUpBackend(backend, 1);
  const a = tf.randomNormal([128, 16]);
  const b = tf.randomNormal([128, 16]);
  const w = tf.randomNormal([16, 16]);
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ['add [128,16]', () => tf.add(a, b)],
    ['mul [128,16]', () => tf.mul(a, b)],
    ['relu [128,16]', () => tf.relu(a)],
    ['reshape [128,16]->[2048]', () => tf.reshape(a, [2048])],
    ['matMul [128,16]x[16,16]', () => tf.matMul(a, w)],
    ['concat 2x[128,16]', () => tf.concat([a, b], 1)],
    ['sum [128,16]', () => tf.sum(a)],
    ['add+dataSync', () => { const t = tf.add(a, b); t.dataSync(); return t; }],
  ];
  const rows: string[] = [];
  for (const [name, fn] of cases) {
    for (let i = 0; i < 50; i++) tf.dispose(fn());
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) tf.dispose(fn());
    const wall = (performance.now() - t0) * 1000 / calls;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / calls;
    rows.push(`${name.padEnd(28)} ${cpu.toFixed(1).padStart(8)} us cpu/call ${wall.toFixed(1).padStart(8)} us wall/call`);
  }
  console.log(`${backend}: ${calls} calls each, tensors alive at end ${tf.memory().numTensors}`);
  console.log(rows.join('\n'));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
