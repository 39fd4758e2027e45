// The walk `gantry interpolate` takes between two seeds' latents (StyleGAN in w, ProGAN in z): a straight line,
// not a great circle. Its ends are the two latents exactly (t = i / (frames - 1) computed in doubles, not
// tf.linspace's accumulated float32 step), so the first and last frames are the seeds' own samples.
import * as tf from '@tensorflow/tfjs-core';

/** `frames` rows [frames, D] from `a` [1, D] to `b` [1, D], ends included. */
export function latentLine(a: tf.Tensor, b: tf.Tensor, frames: number): tf.Tensor2D {
  if (!Number.isInteger(frames) || frames < 2) throw new Error(`interpolate: frames must be an integer >= 2, got ${frames}`);
  return tf.tidy(() => {
    const t = tf.tensor2d(Array.from({ length: frames }, (_, i) => i / (frames - 1)), [frames, 1]);
    return tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)) as tf.Tensor2D;
  });
}
