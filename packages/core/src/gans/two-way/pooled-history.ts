// CycleGAN's history pool inside the loop's checkpoints. The loop saves and restores a variant's
// parameter sets (tf.Variables) and nothing else of its own, so a pool is carried as one: three
// non-trainable variables (the stored images, padded to the capacity; how many are stored; the pool's
// rng words). The ImagePool itself is the working copy: the variables are refreshed from it whenever the
// loop reads them (checkpoints, the weight guard), and it is rebuilt from them at the first query, which
// comes after a resume has written the saved values into them. So a resumed run queries the same pool.
import * as tf from '@tensorflow/tfjs-core';
import { ImagePool } from '../../layers/image-pool.js';
import { createRng, type RngState } from '../../random.js';
import type { ParameterSet } from '../../train/loop.js';

export class PooledHistory implements ParameterSet {
  private pool: ImagePool | null = null;
  private readonly images: tf.Variable;
  private readonly count: tf.Variable;
  private readonly rngWords: tf.Variable;

  /** A pool of `capacity` images of `itemShape`, its draws seeded by `seed`. (tfjs names variables itself: explicit names must be unique per process.) */
  constructor(readonly capacity: number, private readonly itemShape: number[], seed: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`PooledHistory capacity must be a positive integer, got ${capacity}`);
    this.images = tf.variable(tf.zeros([capacity, ...itemShape]), false);
    this.count = tf.variable(tf.scalar(0, 'int32'), false);
    this.rngWords = tf.variable(tf.tensor1d(createRng(seed).state().s.map((v) => v | 0), 'int32'), false);
  }

  get variables(): readonly tf.Variable[] {
    if (this.pool) this.refresh(this.pool);
    return [this.images, this.count, this.rngWords];
  }

  /** The discriminator's batch for these fakes (ImagePool.query); the caller disposes it. */
  query(fakes: tf.Tensor): tf.Tensor {
    this.pool ??= this.rebuild();
    return this.pool.query(fakes);
  }

  dispose(): void {
    this.pool?.dispose();
    tf.dispose([this.images, this.count, this.rngWords]);
  }

  private rebuild(): ImagePool {
    const count = this.count.dataSync()[0];
    const item = this.itemShape.reduce((a, b) => a * b, 1);
    const words = Array.from(this.rngWords.dataSync(), (v) => v >>> 0) as [number, number, number, number];
    const rng: RngState = { algorithm: 'xoshiro128**', s: words, spareNormal: null };
    const values = (this.images.dataSync() as Float32Array).slice(0, count * item);
    return ImagePool.restore({ capacity: this.capacity, itemShape: this.itemShape, count, rng, values });
  }

  private refresh(pool: ImagePool): void {
    const state = pool.state();
    // the pool draws only uniforms; a spare normal would be state this layout cannot hold
    if (state.rng.spareNormal !== null) throw new Error('PooledHistory: the pool\'s rng holds a spare normal');
    const padded = new Float32Array(this.images.size);
    padded.set(state.values);
    tf.tidy(() => {
      this.images.assign(tf.tensor(padded, this.images.shape));
      this.count.assign(tf.scalar(state.count, 'int32'));
      this.rngWords.assign(tf.tensor1d(state.rng.s.map((v) => v | 0), 'int32'));
    });
  }
}
