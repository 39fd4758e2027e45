import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SINGLE_PROCESS, agreeToStop, checkShardable, shardRows, takeShard, type Replicas } from '../src/train/replicas.js';

const rank = (r: number, w: number): Replicas => ({ ...SINGLE_PROCESS, rank: r, worldSize: w });

test('the shards of W ranks, concatenated in rank order, are the full batch', () => {
  const full = tf.tensor2d([[0, 1], [2, 3], [4, 5], [6, 7]]);
  assert.equal(shardRows(full, SINGLE_PROCESS), full);
  const parts = [0, 1].map((r) => shardRows(full, rank(r, 2)));
  assert.deepEqual(parts.map((p) => p.shape), [[2, 2], [2, 2]]);
  assert.deepEqual(tf.concat(parts).arraySync(), full.arraySync());
});

test('a batch that does not divide by the world size is refused by name', () => {
  assert.throws(() => checkShardable(6, rank(0, 4)), /batch size 6 does not divide by the world size 4/);
  assert.throws(() => shardRows(tf.zeros([3, 1]), rank(1, 2)), /batch size 3/);
  checkShardable(8, rank(0, 4));
});

test('takeShard keeps this rank\'s rows and frees the full batch; with one rank it hands the batch back', () => {
  const full = tf.tensor2d([[0, 1], [2, 3], [4, 5], [6, 7]]);
  assert.equal(takeShard(full, SINGLE_PROCESS), full);
  assert.equal(full.isDisposed, false);
  const mine = takeShard(full, rank(1, 2));
  assert.deepEqual(mine.arraySync(), [[4, 5], [6, 7]]);
  assert.equal(full.isDisposed, true);
});

test('agreeToStop: one process decides alone; several share their flags in one collective', () => {
  const calls: number[][] = [];
  // an average that leaves the flag as it is: every other rank holds the same one
  const counting = (worldSize: number): Replicas => ({ ...rank(0, worldSize), average: (ts) => { calls.push(ts.map((t) => t.size)); } });
  assert.equal(agreeToStop(counting(1), true), true);
  assert.equal(agreeToStop(counting(1), false), false);
  assert.equal(calls.length, 0);
  assert.equal(agreeToStop(counting(2), true), true);
  assert.equal(agreeToStop(counting(2), false), false);
  assert.deepEqual(calls, [[1], [1]]);
});
