// createEma's update: on every backend the float32 arithmetic of shadow decay + value (1 - decay) in that order
// (on torch one GantryEmaUpdate kernel for all weights, elsewhere tfjs ops), bit for bit against the same rounding
// done here in JavaScript; non-trainable weights copied; a tensor that shares the shadow's data keeps the old values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { batchNormalization, createEma, dense } from '../src/index.js';
import { tensor } from './tensor-fixtures.js';

const torch = await import('@gantry/tfjs-backend-torch').then(() => true, () => false);

for (const backend of torch ? ['cpu', 'torch'] : ['cpu']) {
  test(`createEma on ${backend}: float32 shadow decay + value (1 - decay), bit for bit; statistics copied`, async () => {
    await tf.setBackend(backend);
    const model = tfl.sequential({ layers: [dense({ units: 5, inputShape: [3] }), batchNormalization()] });
    const decay = 0.999;
    const ema = createEma(model, decay, model.weights.map((w, i) => tensor(w.shape as number[], 3 + i)));
    const shared = ema.shadow[0].clone();
    const before = ema.shadow.map((v) => v.dataSync().slice());
    model.setWeights(model.weights.map((w, i) => tensor(w.shape as number[], 13 + i)));
    const values = model.weights.map((w) => w.read().dataSync().slice());
    ema.update(model);
    const [d, rest] = [Math.fround(decay), Math.fround(1 - decay)];
    model.weights.forEach((w, i) => {
      const want = w.trainable ? before[i].map((s, j) => Math.fround(Math.fround(s * d) + Math.fround(values[i][j] * rest))) : values[i];
      assert.deepEqual(Array.from(ema.shadow[i].dataSync()), Array.from(want), `${w.name}`);
    });
    assert.deepEqual(Array.from(shared.dataSync()), Array.from(before[0]), 'a tensor sharing the old shadow keeps its values');
    shared.dispose();
    const kernels = (await tf.profile(() => ema.update(model))).kernels.map((k) => k.name);
    if (backend === 'torch') assert.deepEqual(kernels.filter((k) => k.startsWith('Gantry')), ['GantryEmaUpdate'], kernels.join(' '));
    ema.dispose();
  });
}
