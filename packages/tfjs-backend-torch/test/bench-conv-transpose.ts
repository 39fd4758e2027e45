// Times Conv2DBackpropInput (tf.conv2dTranspose, the dcgan28 shapes) on torch: CPU and wall ms per call.
// GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx packages/tfjs-backend-torch/test/bench-conv-transpose.ts
import * as tf from '@tensorflow/tfjs-core';
import { numThreads } from '../src/index.js';

await tf.setBackend('torch');
console.log(`torch backend, ${numThreads()} ATen thread(s)`);
type Shape4 = [number, number, number, number];
const cases: Array<[string, Shape4, Shape4, Shape4]> = [
  // name, dy (convT input) [N,H,W,Cin], filter [kh,kw,outC,inC], output shape
  ['convT 128->64 k4 s2 7->14', [64, 7, 7, 128], [4, 4, 64, 128], [64, 14, 14, 64]],
  ['convT 64->1 k4 s2 14->28', [64, 14, 14, 64], [4, 4, 1, 64], [64, 28, 28, 1]],
  ['convT 64->64 k4 s2 14->28', [64, 14, 14, 64], [4, 4, 64, 64], [64, 28, 28, 64]],
];
const reps = Number(process.env.REPS ?? 20);
for (const [name, xs, fs, os] of cases) {
  const x = tf.randomUniform(xs, -1, 1, 'float32', 1) as tf.Tensor4D;
  const f = tf.randomUniform(fs, -1, 1, 'float32', 2) as tf.Tensor4D;
  for (let i = 0; i < 3; i++) tf.conv2dTranspose(x, f, os, 2, 'same').dispose();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const y = tf.conv2dTranspose(x, f, os, 2, 'same');
    y.dataSync();
    y.dispose();
  }
  const c = process.cpuUsage(c0); const t = performance.now() - t0;
  console.log(`${name}: ${((c.user + c.system) / 1000 / reps).toFixed(2)} ms CPU/call, ${(t / reps).toFixed(2)} ms wall/call`);
}
