// The image-to-image building blocks on the torch backend: a forward and backward pass of each (gradients
// of the weights and of the input) runs with no cpu fallback, and gives the cpu backend's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  ImagePool, InstanceNormalization, PixelShuffle, ReflectionPadding2D, patchGanDiscriminator, residualBlock, unetGenerator, upsample,
} from '../src/index.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);

type Block = { name: string; build: () => tfl.LayersModel; inputs: number[][] };

const wrap = (shape: number[], f: (x: tfl.SymbolicTensor) => tfl.SymbolicTensor) => () => {
  const input = tfl.input({ shape });
  return tfl.model({ inputs: input, outputs: f(input) });
};
const layer = (l: tfl.layers.Layer) => (x: tfl.SymbolicTensor) => l.apply(x) as tfl.SymbolicTensor;

const BLOCKS: Block[] = [
  { name: 'InstanceNormalization (affine)', build: wrap([6, 5, 3], layer(new InstanceNormalization({ affine: true }))), inputs: [[2, 6, 5, 3]] },
  { name: 'ReflectionPadding2D', build: wrap([6, 5, 3], layer(new ReflectionPadding2D({ padding: [2, 1] }))), inputs: [[2, 6, 5, 3]] },
  { name: 'PixelShuffle', build: wrap([3, 4, 8], layer(new PixelShuffle({ scale: 2 }))), inputs: [[2, 3, 4, 8]] },
  { name: 'residualBlock (CycleGAN)', build: wrap([6, 6, 4], (x) => residualBlock(x, { name: 'res', dropout: 0.5 })), inputs: [[2, 6, 6, 4]] },
  {
    name: 'residualBlock (SRResNet: zero pad, batch norm, PReLU)',
    build: wrap([6, 6, 4], (x) => residualBlock(x, { name: 'sr', padding: 'zero', normalization: 'batch', activation: 'prelu' })),
    inputs: [[2, 6, 6, 4]],
  },
  { name: 'upsample (transposed)', build: wrap([4, 4, 3], (x) => upsample(x, { filters: 2, name: 'up' })), inputs: [[2, 4, 4, 3]] },
  { name: 'upsample (resize-conv, nearest)', build: wrap([4, 4, 3], (x) => upsample(x, { filters: 2, mode: 'resize-conv', name: 'up' })), inputs: [[2, 4, 4, 3]] },
  {
    name: 'upsample (resize-conv, bilinear)',
    build: wrap([4, 4, 3], (x) => upsample(x, { filters: 2, mode: 'resize-conv', interpolation: 'bilinear', name: 'up' })),
    inputs: [[2, 4, 4, 3]],
  },
  {
    name: 'patchGanDiscriminator (conditional, instance norm)',
    build: () => patchGanDiscriminator({ inputShape: [32, 32, 3], conditionChannels: 3, layers: 2, baseFilters: 4, seed: 1 }),
    inputs: [[2, 32, 32, 3], [2, 32, 32, 3]],
  },
  {
    name: 'unetGenerator (batch norm, dropout)',
    build: () => unetGenerator({ inputShape: [64, 64, 3], depth: 6, baseFilters: 4, seed: 2 }),
    inputs: [[2, 64, 64, 3]],
  },
];

// Outputs and the gradients of sum(output * w) for the weights and the inputs, training mode.
function forwardBackward(model: tfl.LayersModel, inputs: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const run = (xs: tf.Tensor[]) => model.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as tf.Tensor;
    const out = run(inputs);
    const w = tf.reshape(tf.linspace(-1, 1, out.size), out.shape);
    const { grads } = model.trainableWeights.length === 0 ? { grads: {} as tf.NamedTensorMap } : tf.variableGrads(() => tf.sum(tf.mul(run(inputs), w)) as tf.Scalar);
    const inputGrads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(run(xs), w)))(inputs);
    return [out, ...Object.keys(grads).sort().map((k) => grads[k]), ...inputGrads].map((t) => t.dataSync() as Float32Array);
  });
}

test('every building block trains on torch with no cpu fallback and gives cpu\'s numbers', { skip: !engine }, async () => {
  for (const block of BLOCKS) {
    await tf.setBackend('cpu');
    const model = block.build();
    const inputs = block.inputs.map((shape, i) => tf.randomUniform(shape, -1, 1, 'float32', 10 + i));
    // dropout draws from Math.random: the same draws on both backends
    const seeded = <T>(f: () => T): T => {
      const original = Math.random;
      let s = 1;
      Math.random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
      try { return f(); } finally { Math.random = original; }
    };
    const weights = model.getWeights().map((w) => w.dataSync().slice());
    const expected = seeded(() => forwardBackward(model, inputs));
    await tf.setBackend('torch');
    const onTorch = block.build();
    onTorch.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
    const torchInputs = inputs.map((x) => tf.tensor(x.dataSync(), x.shape));
    engine!.resetFallbackCounts();
    const got = seeded(() => forwardBackward(onTorch, torchInputs));
    assert.deepEqual(engine!.fallbackCounts(), {}, `${block.name}: kernels on the cpu fallback`);
    assert.equal(got.length, expected.length);
    got.forEach((g, k) => {
      for (let i = 0; i < g.length; i++) {
        assert.ok(Math.abs(g[i] - expected[k][i]) <= 2e-3 * Math.max(1, Math.abs(expected[k][i])), `${block.name} tensor ${k} [${i}]: ${g[i]} vs ${expected[k][i]}`);
      }
    });
  }
});

test('ImagePool on torch: no cpu fallback, and the same draws as on cpu', { skip: !engine }, async () => {
  const run = () => {
    const pool = new ImagePool({ capacity: 3, seed: 4 });
    const seen: number[] = [];
    for (let s = 0; s < 6; s++) {
      const out = tf.tidy(() => pool.query(tf.fill([2, 2, 2, 3], s)));
      seen.push(...Array.from(out.dataSync()).filter((_, i) => i % 12 === 0));
      out.dispose();
    }
    pool.dispose();
    return seen;
  };
  await tf.setBackend('cpu');
  const expected = run();
  await tf.setBackend('torch');
  engine!.resetFallbackCounts();
  assert.deepEqual(run(), expected);
  assert.deepEqual(engine!.fallbackCounts(), {});
});
