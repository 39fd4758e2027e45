// Per-call cost of small ops (the regime of mlp2d and gain16, where a step is ~500 kernel calls on
// tensors of a few thousand elements). Reports process CPU time per call, which stays meaningful on
// a loaded machine where wall-clock time does not, next to wall time.
//   node --import tsx bench/overhead.ts --backend torch [--calls 2000]
import * as tf from '@tensorflow/tfjs-core';

function arg(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] != null ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const backend = arg('--backend', 'torch');
  const calls = Number(arg('--calls', '2000'));
  if (backend === 'torch') {
    const torch = await import('@gantry/tfjs-backend-torch') as { setNumThreads?(n: number): void };
    torch.setNumThreads?.(1);
  } else if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend(backend);
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
