// FDSD / KDSD's feature path: the time-folded dilated convolution equals tfjs's dilated conv2d, a clip's
// features are its penultimate activations averaged over frames, the distances are metrics/frechet.ts's
// and kid.ts's on those features (already checked against scipy/numpy in fid.test.ts and kid.test.ts),
// and the classifier trains on the tiny corpus (machine speech) and is stored and reloaded beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import {
  corpusClassifier, frechetDistance, HOP, kernelInceptionDistance, PENULTIMATE, phonemeClassifier, speechDistances, speechFeatures, tileClips, utterancesOf,
} from '../src/node.js';
import { timeConv } from '../src/audio/dilated-conv.js';
import { tinyCorpus } from './audio-fixtures.js';

await tf.setBackend('cpu');

test('timeConv with dilation d equals conv2d with dilations [1, d] (same padding)', () => {
  for (const d of [1, 2, 4]) {
    const input = tfl.input({ shape: [1, null, 3] });
    const model = tfl.model({ inputs: input, outputs: timeConv(input, { filters: 2, kernel: 3, dilation: d, name: `t${d}`, kernelInitializer: tfl.initializers.glorotUniform({ seed: d }) }) });
    const x = tf.randomNormal([2, 1, 16, 3], 0, 1, 'float32', 7);
    const [kernel, bias] = model.getWeights();
    const want = tf.add(tf.conv2d(x as tf.Tensor4D, tf.reshape(kernel, [1, 3, 3, 2]) as tf.Tensor4D, 1, 'same', 'NHWC', [1, d]), bias);
    const got = model.predict(x) as tf.Tensor;
    assert.deepEqual(got.shape, [2, 1, 16, 2]);
    const [a, b] = [got.dataSync(), want.dataSync()];
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `d ${d}, value ${i}: ${v} vs ${b[i]}`));
  }
});

test('speechFeatures: per clip, the mean of the penultimate layer over its frames; speechDistances: frechet.ts and kid.ts on them', () => {
  const model = phonemeClassifier(5, 6, 3);
  const audio = Float32Array.from({ length: 3 * 8 * HOP }, (_, i) => Math.sin(i * 0.05) * ((i % 7) / 7));
  const f = speechFeatures(model, audio, 3, 2);
  assert.deepEqual([f.rows, f.cols], [3, 6]);
  const cut = tfl.model({ inputs: model.inputs, outputs: model.getLayer(PENULTIMATE).output as tfl.SymbolicTensor });
  // the penultimate conv (dilation 4) leaves time folded as [T/4, 4]: row-major, that is time order
  const maps = tf.reshape(cut.predict(tf.tensor4d(audio, [3, 1, 8 * HOP, 1])) as tf.Tensor, [3, 8, 6]).arraySync() as number[][][];
  maps.forEach((clip, r) => clip[0].forEach((_, c) => {
    const m = clip.reduce((s, frame) => s + frame[c], 0) / 8;
    assert.ok(Math.abs(f.data[r * 6 + c] - m) < 1e-5, `clip ${r}, feature ${c}`);
  }));
  const x = { rows: 6, cols: 2, data: Float64Array.from([1, 2, 3, 1, 0, 4, 2, 2, 5, 1, 0, 0]) };
  const y = { rows: 5, cols: 2, data: Float64Array.from([2, 2, 1, 3, 4, 0, 1, 1, 3, 3]) };
  const d = speechDistances(x, y, { subsets: 5, subsetSize: 3, seed: 1 });
  assert.equal(d.fdsd, frechetDistance(x, y));
  assert.equal(d.kdsd.mean, kernelInceptionDistance(x, y, { subsets: 5, subsetSize: 3, seed: 1 }).mean);
  assert.ok(speechDistances(x, x, { subsets: 5, subsetSize: 3 }).fdsd < 1e-9);
});

test('the corpus classifier trains on the tiny corpus, is stored beside it and reloaded with the same weights', () => {
  const { dir, corpus } = tinyCorpus();
  const o = { seed: 2, steps: 30, batchSize: 4, clipFrames: 24, channels: 8 };
  const first = corpusClassifier(dir, corpus, o);
  assert.equal(first.trained, true);
  assert.ok(first.heldoutAccuracy >= 0 && first.heldoutAccuracy <= 1);
  const again = corpusClassifier(dir, corpus, o);
  assert.equal(again.trained, false);
  assert.equal(again.heldoutAccuracy, first.heldoutAccuracy);
  const clips = tileClips(corpus, utterancesOf(corpus, 'heldout'), 20);
  assert.deepEqual(speechFeatures(again.model, clips.audio, clips.count).data, speechFeatures(first.model, clips.audio, clips.count).data);
  assert.equal(corpusClassifier(dir, corpus, { ...o, steps: 31 }).trained, true, 'other options: trained again');
});
