// The one training loop with a trainable that is not the classic pair: two generators and a critic, two
// optimizers, an EMA of one generator, a learning-rate decay. Checkpoints hold every named part, and a run
// resumed from a mid-run checkpoint ends bit-identical to an uninterrupted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  adam, continueTraining, latestCheckpointOf, memoryRunStore, minimize, nonSaturatingLoss as loss, randomNormal, startTraining, term,
  type LoopResult, type Trainable,
} from '../src/index.js';
import { tinyDiscriminator, tinyGenerator, weightsOf, assertSameWeights } from './train-fixtures.js';

tf.setBackend('cpu');

/** A toy two-way translation between N(0, 1) and N(3, 1), in the shape of a CycleGAN step. */
function twoWay(seed: number): Trainable {
  const forward = tinyGenerator({ latentDim: 1, outputDim: 1, seed, hidden: 8 });
  const backward = tinyGenerator({ latentDim: 1, outputDim: 1, seed: seed + 10, hidden: 8 });
  const critic = tinyDiscriminator({ inputDim: 1, seed: seed + 20, hidden: 8 });
  // a parameter set: a trained shift of the forward map, and a running mean that is updated, not trained
  const shift = tf.variable(tf.zeros([1]), true);
  const runningMean = tf.variable(tf.zeros([1]), false);
  const generators = adam(2e-3, 0.5, 0.999);
  const criticOptimizer = adam(2e-3, 0.5, 0.999);
  return {
    kind: 'two-way-toy',
    config: { seed },
    settings: { seed, sampleEvery: 0, checkpointEvery: 3, keepCheckpoints: 5, logEvery: 1, guardEvery: 1, learningRateDecay: 0.5 },
    models: { forward, backward, critic },
    parameters: { shift: { variables: [shift, runningMean] } },
    optimizers: { generators, critic: criticOptimizer },
    ema: { forward: 0.9 },
    step(env) {
      const { rng } = env;
      const a = randomNormal(rng, [16, 1]);
      const b = tf.tidy(() => tf.add(randomNormal(rng, [16, 1]), 3));
      try {
        const d = minimize(env, critic, criticOptimizer, (parts) => {
          const fake = forward.apply(a) as tf.Tensor;
          return term(parts, 'critic/adversarial', loss.discriminator(critic.apply(b) as tf.Tensor, critic.apply(fake) as tf.Tensor));
        });
        const g = minimize(env, [forward, backward, { variables: [shift, runningMean] }], generators, (parts) => {
          const fake = tf.add(forward.apply(a) as tf.Tensor, shift);
          const adv = term(parts, 'g/adversarial', loss.generator(critic.apply(fake) as tf.Tensor));
          const cycle = term(parts, 'g/cycle', tf.mean(tf.abs(tf.sub(backward.apply(fake) as tf.Tensor, a))) as tf.Scalar);
          return tf.add(adv, tf.mul(10, cycle)) as tf.Scalar;
        });
        tf.tidy(() => runningMean.assign(tf.reshape(tf.add(tf.mul(runningMean, 0.9), tf.mul(tf.mean(forward.apply(a) as tf.Tensor), 0.1)), [1])));
        return { ...d, ...g };
      } finally {
        tf.dispose([a, b]);
      }
    },
  };
}

async function allWeights(r: LoopResult, t: Trainable) {
  return [...await weightsOf(r.models.forward), ...await weightsOf(r.models.backward), ...await weightsOf(r.models.critic),
    ...await weightsOf(r.emaModels.forward), ...t.parameters!.shift.variables.map((v) => Float32Array.from(v.dataSync()))];
}

test('any named models and optimizers: checkpoints hold each, and resume is bit-exact', async () => {
  const straightRun = twoWay(4);
  const straight = await startTraining(straightRun, { steps: 9, progress: 'off' });
  const store = memoryRunStore();
  const stop = new AbortController();
  const stopped = await startTraining(twoWay(4), { steps: 9, progress: 'off', store, signal: stop.signal, callbacks: {
    onStep: ({ step }) => { if (step === 2) stop.abort(); },
  } });
  assert.ok(stopped.stopped);
  assert.equal(store.checkpoints.at(-1)?.state.step, 2, 'a stopped run still checkpoints the step it took');
  const interrupted = memoryRunStore();
  await startTraining(twoWay(4), { steps: 9, progress: 'off', store: interrupted, callbacks: {
    onCheckpoint: ({ step }) => { if (step === 6) throw new Error('power cut'); },
  } }).catch((e: Error) => assert.match(e.message, /power cut/));
  const checkpoint = await latestCheckpointOf(interrupted, 'two-way-toy');
  assert.ok(checkpoint);
  assert.equal(checkpoint.state.step, 6);
  assert.deepEqual(checkpoint.state.models, ['forward', 'backward', 'critic']);
  assert.deepEqual(checkpoint.state.optimizers, ['generators', 'critic']);
  assert.deepEqual(checkpoint.state.ema, ['forward']);
  assert.deepEqual(checkpoint.state.parameters, ['shift']);
  const resumedRun = twoWay(99);
  const resumed = await continueTraining(resumedRun, checkpoint, { store: interrupted, progress: 'off' });
  assert.equal(resumed.step, 9);
  const [got, want] = [await allWeights(resumed, resumedRun), await allWeights(straight, straightRun)];
  assert.ok(want.at(-1)!.some((v) => v !== 0), 'the running mean moved');
  assert.ok(assertSameWeights(got, want), 'resumed weights differ from the uninterrupted run');
  const steps = interrupted.metrics.filter((m) => m.event === undefined).map((m) => m.step);
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await assert.rejects(latestCheckpointOf(interrupted, 'gan'), /holds a "two-way-toy" run, not "gan"/);
});

test('a trainable is checked before training: names that cannot be file names, EMA of an unknown model', async () => {
  const t = twoWay(1);
  await assert.rejects(startTraining({ ...t, models: { ...t.models, 'a/b': t.models.critic } }, { steps: 1, progress: 'off' }), /got "a\/b"/);
  await assert.rejects(startTraining({ ...t, ema: { nowhere: 0.9 } }, { steps: 1, progress: 'off' }), /EMA of "nowhere"/);
  await assert.rejects(startTraining({ ...t, ema: { forward: 1 } }, { steps: 1, progress: 'off' }), /must lie in \(0, 1\)/);
});
