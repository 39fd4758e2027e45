// CPU time per GAIN iteration: gantry's dense-net trainer vs the same networks, losses and Adam written with
// tfjs ops on the tfjs cpu backend. CPU time (process.cpuUsage), so that other jobs on a shared machine
// distort it less than wall time.
//
//   node --import tsx examples/tables/gain-speed.ts [--iterations 100]
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { createRng, removeCompletelyAtRandom, trainGain } from '@gantry/core';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '100' } } });
const iterations = Number(args.iterations);
await tf.setBackend('cpu');

function cpuMsPerIteration(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / iterations;
}

function tfjsGain(cols: number, batch: number): void {
  const rng = createRng(1);
  const dense = (i: number, o: number) => [tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / i))), tf.variable(tf.zeros([o]))];
  const g = [...dense(2 * cols, cols), ...dense(cols, cols), ...dense(cols, cols)];
  const d = [...dense(2 * cols, cols), ...dense(cols, cols), ...dense(cols, cols)];
  const net = (v: tf.Variable[], x: tf.Tensor) => {
    let h = x;
    for (let l = 0; l < 6; l += 2) {
      h = tf.add(tf.matMul(h as tf.Tensor2D, v[l] as tf.Tensor2D), v[l + 1]);
      if (l < 4) h = tf.relu(h);
    }
    return h;
  };
  const optG = tf.train.adam(1e-3);
  const optD = tf.train.adam(1e-3);
  for (let it = 0; it < iterations; it++) {
    tf.tidy(() => {
      const m = Float32Array.from({ length: batch * cols }, () => (rng.next() < 0.8 ? 1 : 0));
      const X = tf.tensor2d(Float32Array.from(m, (v) => (v ? rng.next() : 0.01 * rng.next())), [batch, cols]);
      const M = tf.tensor2d(m, [batch, cols]);
      const H = tf.tensor2d(Float32Array.from(m, (v) => (rng.next() < 0.9 ? v : 0)), [batch, cols]);
      const notM = tf.sub(1, M);
      const gen = () => tf.sigmoid(net(g, tf.concat([X, M], 1)));
      const disc = (out: tf.Tensor) => net(d, tf.concat([tf.add(tf.mul(X, M), tf.mul(out, notM)), H], 1));
      optD.minimize(() => { const l = disc(gen()); return tf.mean(tf.add(tf.mul(M, tf.softplus(tf.neg(l))), tf.mul(notM, tf.softplus(l)))) as tf.Scalar; }, false, d);
      optG.minimize(() => {
        const out = gen();
        const adv = tf.mean(tf.mul(notM, tf.softplus(tf.neg(disc(out)))));
        const mse = tf.div(tf.mean(tf.square(tf.sub(tf.mul(M, X), tf.mul(M, out)))), tf.mean(M));
        return tf.add(adv, tf.mul(100, mse)) as tf.Scalar;
      }, false, g);
    });
  }
}

for (const cols of [16, 57]) {
  const rng = createRng(2);
  const values = Float64Array.from({ length: 2000 * cols }, () => rng.next());
  const data = removeCompletelyAtRandom({ rows: 2000, cols, values }, 0.2, rng).data;
  const ours = cpuMsPerIteration(() => trainGain(data, { seed: 1, iterations }));
  const tfjs = cpuMsPerIteration(() => tfjsGain(cols, 128));
  console.log(`${cols} columns (letter: 16, spam: 57), batch 128: dense-net ${ours.toFixed(1)} ms CPU/iteration, tfjs cpu backend ${tfjs.toFixed(1)} ms CPU/iteration`);
}
