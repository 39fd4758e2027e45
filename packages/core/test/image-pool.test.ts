// CycleGAN's image history pool: the authors' rule replayed on plain numbers with the same Rng, state
// save/restore continuing bit for bit, and no leaked tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ImagePool, createRng } from '../src/index.js';

await tf.setBackend('cpu');

// Batches of images [n, 2, 2, 1] whose pixels all hold the image's id, so a returned image names itself.
const batch = (ids: number[]) => tf.tensor(ids.flatMap((id) => [id, id, id, id]), [ids.length, 2, 2, 1]);
const idsOf = (t: tf.Tensor) => Array.from(t.dataSync()).filter((_, i) => i % 4 === 0);

/** The authors' ImagePool.query on ids, drawing from an Rng as ImagePool does. */
function referencePool(capacity: number, seed: number) {
  const rng = createRng(seed);
  const pool: number[] = [];
  return (ids: number[]) => ids.map((id) => {
    if (pool.length < capacity) { pool.push(id); return id; }
    if (rng.next() > 0.5) {
      const k = rng.int(capacity);
      const old = pool[k];
      pool[k] = id;
      return old;
    }
    return id;
  });
}

test('ImagePool: fills to capacity passing images through, then swaps each for a stored one with probability 1/2, as the reference', () => {
  const pool = new ImagePool({ capacity: 5, seed: 3 });
  const reference = referencePool(5, 3);
  const before = tf.memory().numTensors;
  let next = 0;
  let swapped = 0;
  for (let step = 0; step < 30; step++) {
    const ids = [next++, next++, next++];
    const input = batch(ids);
    const out = pool.query(input);
    const got = idsOf(out);
    assert.deepEqual(got, reference(ids), `step ${step}`);
    if (step < 1) assert.deepEqual(got, ids, 'the first five images pass through');
    swapped += got.filter((id, i) => id !== ids[i]).length;
    tf.dispose([input, out]);
  }
  assert.ok(swapped > 20 && swapped < 65, `about half of 85 images swapped, got ${swapped}`);
  assert.equal(pool.size, 5);
  assert.equal(tf.memory().numTensors, before + 5, 'the pool holds its five images and nothing else');
  pool.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('ImagePool: state() and restore() continue exactly where an uninterrupted pool goes', () => {
  const run = (pool: ImagePool, from: number, steps: number) => {
    const seen: number[][] = [];
    for (let s = 0; s < steps; s++) {
      const ids = [from + 2 * s, from + 2 * s + 1];
      seen.push(idsOf(tf.tidy(() => pool.query(batch(ids)))));
    }
    return seen;
  };
  const whole = new ImagePool({ capacity: 4, seed: 9 });
  const expected = run(whole, 0, 12);
  const first = new ImagePool({ capacity: 4, seed: 9 });
  run(first, 0, 5);
  const state = JSON.parse(JSON.stringify({ ...first.state(), values: undefined })) as ReturnType<ImagePool['state']>;
  const restored = ImagePool.restore({ ...state, values: first.state().values });
  assert.equal(restored.size, 4);
  assert.deepEqual(run(restored, 10, 7), expected.slice(5));
  assert.throws(() => ImagePool.restore({ ...first.state(), count: 3 }), /ImagePool state: 16 values for 3 images of \[2, 2, 1\]/);
});

test('ImagePool: capacity 0 passes batches through; one seed or rng; one image shape', () => {
  const none = new ImagePool({ capacity: 0, seed: 1 });
  assert.deepEqual(idsOf(none.query(batch([7, 8]))), [7, 8]);
  assert.equal(none.size, 0);
  assert.throws(() => new ImagePool({ capacity: 2 }), /exactly one of seed and rng/);
  assert.throws(() => new ImagePool({ capacity: -1, seed: 1 }), /capacity must be a non-negative integer/);
  const pool = new ImagePool({ capacity: 2, seed: 1 });
  pool.query(batch([1]));
  assert.throws(() => pool.query(tf.zeros([1, 3, 3, 1])), /holds images of shape \[2, 2, 1\], got a batch of \[3, 3, 1\]/);
});
