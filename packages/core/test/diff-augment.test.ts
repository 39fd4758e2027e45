// DiffAugment: translation moves pixels by whole steps with zeros coming in, cutout zeroes one square of half
// the side, colour keeps images distinct per example; one draw applies the same way twice, the same rng state
// gives the same draw, gradients reach the input (the mask's pattern for cutout), and bad policies are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, diffAugment, drawAugmentation, parseDiffAugmentPolicy } from '../src/index.js';

await tf.setBackend('cpu');

const ramp = (n: number, side: number) => tf.tidy(() => tf.add(tf.reshape(tf.range(0, n * side * side * 3), [n, side, side, 3]), 1));

test('translation shifts whole pixels with zeros coming in, the same way for each channel', async () => {
  const x = ramp(4, 16);
  const y = await diffAugment(x, createRng(3), ['translation']).array() as number[][][][];
  const src = await x.array() as number[][][][];
  let shifted = 0;
  for (let n = 0; n < 4; n++) {
    // find the shift from one pixel that moved, then check every pixel against it
    let found: [number, number] | undefined;
    for (let dy = -2; dy <= 2 && !found; dy++) {
      for (let dx = -2; dx <= 2 && !found; dx++) {
        const ok = y[n].every((row, i) => row.every((px, j) => {
          const [si, sj] = [i - dy, j - dx];
          const want = si >= 0 && si < 16 && sj >= 0 && sj < 16 ? src[n][si][sj] : [0, 0, 0];
          return px.every((v, c) => v === want[c]);
        }));
        if (ok) found = [dy, dx];
      }
    }
    assert.ok(found, `example ${n} is an integer shift of its input by at most 2 pixels`);
    if (found[0] !== 0 || found[1] !== 0) shifted++;
  }
  assert.ok(shifted > 0, 'some example moved');
});

test('cutout zeroes one square of half the side; its gradient is the mask', async () => {
  const x = tf.ones([8, 8, 8, 3]);
  const a = drawAugmentation(createRng(1), x.shape, ['cutout']);
  const y = a.apply(x);
  const zeros = await tf.sum(tf.sub(1, y), [1, 2, 3]).array() as number[];
  for (const z of zeros) assert.ok(z > 0 && z <= 4 * 4 * 3 && z % 3 === 0, `zeroed ${z / 3} pixels`);
  assert.ok(zeros.some((z) => z === 4 * 4 * 3), 'an inner square is 4 x 4');
  const g = tf.grad((input: tf.Tensor) => tf.sum(a.apply(input)))(x);
  assert.deepEqual(await g.array(), await y.array());
  assert.deepEqual(await a.apply(x).array(), await y.array(), 'one draw applies the same way twice');
  a.dispose();
});

test('the full policy is reproducible from the rng, differs between draws and passes gradients', async () => {
  const x = tf.tidy(() => tf.tanh(tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 2)));
  const [a, b] = [diffAugment(x, createRng(9)), diffAugment(x, createRng(9))];
  assert.deepEqual(await a.data(), await b.data());
  const c = diffAugment(x, createRng(10));
  assert.ok(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0] > 0.01);
  const g = tf.grad((input: tf.Tensor) => tf.sum(tf.square(diffAugment(input, createRng(9)))))(x);
  assert.ok(tf.max(tf.abs(g)).dataSync()[0] > 0, 'a gradient reaches the images');
  assert.ok(tf.all(tf.isFinite(g)).dataSync()[0]);
});

test('policies: the default is all three; unknown transforms and wrong shapes are refused', () => {
  assert.deepEqual(parseDiffAugmentPolicy(''), ['color', 'translation', 'cutout']);
  assert.deepEqual(parseDiffAugmentPolicy('cutout, color'), ['cutout', 'color']);
  assert.throws(() => parseDiffAugmentPolicy('color,flip', '--augment'), /--augment: unknown transform "flip" \(known: color, translation, cutout\)/);
  assert.throws(() => drawAugmentation(createRng(1), [4, 16]), /takes \[N, H, W, C\] images, got \[4, 16\]/);
  const a = drawAugmentation(createRng(1), [2, 8, 8, 3]);
  assert.throws(() => a.apply(tf.zeros([2, 16, 16, 3])), /drawn for \[2, 8, 8, 3\] applied to \[2, 16, 16, 3\]/);
  a.dispose();
});
