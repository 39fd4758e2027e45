import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import { trainGan, optimizerState, restoreOptimizer, modelToBlob, modelFromBlob, loadBlobIntoModel } from '../src/train/index.js';
import { fileRunStore } from '../src/run/file-store.node.js';
import { tinyDiscriminator, tinyGenerator, gaussianSource, weightsOf, assertSameWeights } from './train-fixtures.js';

tf.setBackend('cpu');

test('run directory layout: tfjs model.json + weights.bin, optimizer slots, state, manifest; old checkpoints pruned', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-ckpt-'));
  const generator = tinyGenerator({ latentDim: 2, outputDim: 1, seed: 1 });
  const discriminator = tinyDiscriminator({ inputDim: 1, seed: 2 });
  await trainGan({ generator, discriminator, data: gaussianSource({ mean: 0, std: 1 }), runDir, progress: 'off', steps: 5,
    config: { loss: 'hinge', latentDim: 2, seed: 3, batchSize: 8, emaDecay: 0.5, checkpointEvery: 1, keepCheckpoints: 2 } });
  assert.deepEqual(readdirSync(join(runDir, 'checkpoints')), ['step-000004', 'step-000005'], 'keeps the newest two, no temporaries');
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'latest.json'), 'utf8')), { checkpoint: 'checkpoints/step-000005', step: 5 });
  const dir = join(runDir, 'checkpoints', 'step-000005');
  for (const f of ['generator/model.json', 'generator/weights.bin', 'discriminator/model.json', 'optimizer-generator.bin', 'optimizer-discriminator.json', 'ema-generator.bin', 'state.json']) {
    assert.ok(existsSync(join(dir, f)), `missing ${f}`);
  }
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  assert.equal(state.step, 5);
  assert.equal(state.config.loss, 'hinge');
  assert.equal(state.rng.algorithm, 'xoshiro128**');
  // the model files are the standard tfjs format: rebuild through tfjs's own loader and compare outputs
  const json = JSON.parse(readFileSync(join(dir, 'generator', 'model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  const bin = readFileSync(join(dir, 'generator', 'weights.bin'));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
  assert.ok(assertSameWeights(await weightsOf(loaded), await weightsOf(generator)));
  const c = await fileRunStore(runDir).loadLatestCheckpoint();
  assert.equal(c?.state.step, 5);
  assert.equal(c?.ema.generator?.specs.length, generator.weights.length);
});

test('optimizer slots, including the beta powers Adam keeps outside getWeights, restore exactly', async () => {
  const v = tf.variable(tf.tensor1d([1, -2, 3]));
  const opt = tf.train.adam(1e-2, 0.8, 0.999);
  for (let i = 0; i < 20; i++) opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
  const saved = await optimizerState(opt);
  // independent computation of beta^(t+1) as the float32 running product Adam keeps
  let b1 = Math.fround(0.8);
  let b2 = Math.fround(0.999);
  for (let i = 0; i < 20; i++) { b1 = Math.fround(b1 * Math.fround(0.8)); b2 = Math.fround(b2 * Math.fround(0.999)); }
  assert.deepEqual(saved.scalars, { accBeta1: b1, accBeta2: b2 });
  const plain = tf.train.adam(1e-2, 0.8, 0.999);
  await plain.setWeights(await opt.getWeights());
  const restored = tf.train.adam(1e-2, 0.8, 0.999);
  await restoreOptimizer(restored, saved.blob, saved.scalars, 'adam');
  const restoredScalars = (await optimizerState(restored)).scalars;
  assert.deepEqual(restoredScalars, saved.scalars);
  assert.notDeepEqual((await optimizerState(plain)).scalars, saved.scalars, 'tfjs setWeights alone recomputes beta^t with pow()');
  const a = await opt.getWeights();
  const b = await restored.getWeights();
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.deepEqual(Array.from(await b[i].tensor.data()), Array.from(await a[i].tensor.data()));
});

test('model blobs round-trip, and loading into a different architecture says which weight differs', async () => {
  const g = tinyGenerator({ latentDim: 2, outputDim: 1, seed: 5 });
  const blob = await modelToBlob(g);
  const back = await modelFromBlob(blob);
  assert.ok(assertSameWeights(await weightsOf(back), await weightsOf(g)));
  const wider = tinyGenerator({ latentDim: 2, outputDim: 1, seed: 5, hidden: 8 });
  assert.throws(() => loadBlobIntoModel(wider, blob), /has shape \[2,16\] but model "tiny_generator[^"]*" weight .* has \[2,8\]/);
});
