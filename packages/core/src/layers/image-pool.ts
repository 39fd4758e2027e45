// The image history pool of CycleGAN (Shrivastava et al. 2017; Zhu et al. 2017, sec. 4): the
// discriminator is shown a mix of the generator's newest images and older ones, which damps oscillation.
// As in the authors' ImagePool: while the pool is not full every image is stored and passed through;
// once full, each image is, with probability 1/2, swapped for a random stored one (which is returned
// and replaced by it), else passed through. Every draw comes from a gantry Rng, and state() / restore()
// carry the stored images and the rng's position, so a resumed run continues bit for bit. Images are
// held as kept tensors (no download per step); state() reads them out.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, restoreRng, type Rng, type RngState } from '../random.js';

/** Everything an ImagePool needs to continue: JSON-safe except `values` (write it as binary). */
export interface ImagePoolState {
  capacity: number;
  /** the shape of one image */
  itemShape: number[];
  /** images stored, <= capacity */
  count: number;
  rng: RngState;
  /** the stored images, flat, count * prod(itemShape) */
  values: Float32Array;
}

export interface ImagePoolOptions {
  /** images kept (CycleGAN: 50); 0 passes every batch through unchanged */
  capacity?: number;
  /** the pool's own stream: a seed, or an Rng (e.g. forkRng of the run's) */
  seed?: number;
  rng?: Rng;
}

export class ImagePool {
  readonly capacity: number;
  private readonly rng: Rng;
  private readonly images: tf.Tensor[] = [];
  private itemShape: number[] | null = null;

  constructor(options: ImagePoolOptions = {}) {
    const capacity = options.capacity ?? 50;
    if (!Number.isInteger(capacity) || capacity < 0) throw new Error(`ImagePool capacity must be a non-negative integer, got ${capacity}`);
    if ((options.seed === undefined) === (options.rng === undefined)) throw new Error('ImagePool needs exactly one of seed and rng');
    this.capacity = capacity;
    this.rng = options.rng ?? createRng(options.seed!);
  }

  get size(): number {
    return this.images.length;
  }

  /**
   * The batch the discriminator sees instead of `images` ([N, ...itemShape]); a new tensor the caller
   * disposes. Stores (copies of) images as described above.
   */
  query(images: tf.Tensor): tf.Tensor {
    if (this.capacity === 0) return tf.clone(images);
    const itemShape = images.shape.slice(1);
    if (this.itemShape && JSON.stringify(itemShape) !== JSON.stringify(this.itemShape)) {
      throw new Error(`ImagePool holds images of shape [${this.itemShape.join(', ')}], got a batch of [${itemShape.join(', ')}]`);
    }
    this.itemShape = itemShape;
    const out: tf.Tensor[] = [];
    const rows = tf.unstack(images);
    for (const image of rows) {
      if (this.images.length < this.capacity) {
        this.images.push(tf.keep(tf.clone(image)));
        out.push(image);
      } else if (this.rng.next() > 0.5) {
        const k = this.rng.int(this.capacity);
        out.push(this.images[k]);
        this.images[k] = tf.keep(tf.clone(image));
      } else {
        out.push(image);
      }
    }
    const result = tf.stack(out);
    // the returned stored images left the pool: free them after stacking
    for (const t of out) if (!rows.includes(t)) t.dispose();
    tf.dispose(rows);
    return result;
  }

  state(): ImagePoolState {
    const itemShape = this.itemShape ?? [];
    const values = this.images.length === 0
      ? new Float32Array(0)
      : tf.tidy(() => tf.stack(this.images).dataSync() as Float32Array).slice();
    return { capacity: this.capacity, itemShape, count: this.images.length, rng: this.rng.state(), values };
  }

  static restore(state: ImagePoolState): ImagePool {
    const pool = new ImagePool({ capacity: state.capacity, rng: restoreRng(state.rng) });
    const item = state.itemShape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(state.count) || state.count < 0 || state.count > state.capacity || state.values.length !== state.count * item) {
      throw new Error(`ImagePool state: ${state.values.length} values for ${state.count} images of [${state.itemShape.join(', ')}] (capacity ${state.capacity})`);
    }
    if (state.count > 0) pool.itemShape = [...state.itemShape];
    for (let i = 0; i < state.count; i++) pool.images.push(tf.keep(tf.tensor(state.values.slice(i * item, (i + 1) * item), state.itemShape)));
    return pool;
  }

  /** Frees the stored images. */
  dispose(): void {
    tf.dispose(this.images);
    this.images.length = 0;
  }
}
