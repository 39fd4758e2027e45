// What the SRGAN emoji scripts measure on the fixed test split of emoji:google (371 images, 16 -> 64 px):
// L1, PSNR, SSIM, a sharpness ratio (the outputs' mean squared finite differences over the truth's: 1 is as
// sharp as the truth), a sub-block ratio (the energy left inside aligned 2 x 2 blocks once each block's mean
// is taken away, over the truth's: the detail the content network cannot see, as it starts with a 2 x 2
// average pool, and exactly the offsets the last pixel shuffle can give its four sub-pixels: a checkerboard
// raises it) and the Frechet distance in the emoji classifier's 64 features (not independent of SRGAN: its
// content loss uses the same network).
import * as tf from '@tensorflow/tfjs-core';
import {
  featureDistances, loadEmoji, loadFeatureExtractor, superResolutionPairs, superResolutionScores, type PairedDataset,
} from '@gantry/core/node';

export function emojiPairs(split: 'train' | 'test'): PairedDataset {
  const { dataset, images } = loadEmoji({ style: 'google', split });
  return superResolutionPairs(dataset, 4, images.map((e) => e.image));
}

/** Mean squared horizontal and vertical differences: the energy of the finest detail. */
export const detail = (x: tf.Tensor4D) => tf.tidy(() => {
  const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [-1, -1, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, -1, x.shape[2] - 1, -1]));
  const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [-1, -1, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, x.shape[1] - 1, -1, -1]));
  return tf.add(tf.mean(tf.square(dx)), tf.mean(tf.square(dy))).dataSync()[0];
});

/** Mean squared deviation of each pixel from the mean of its aligned 2 x 2 block. */
export const subBlockEnergy = (x: tf.Tensor4D) => tf.tidy(() => {
  const [n, h, w, c] = x.shape;
  const blocks = tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]);
  return tf.mean(tf.square(tf.sub(blocks, tf.mean(blocks, [2, 4], true)))).dataSync()[0];
});

/** Scores outputs against the test split's truth; one object per method, ready for a JSON line. */
export function scorer(test: PairedDataset) {
  const truth = tf.tensor4d(test.target.values, [test.target.count, 64, 64, 3]);
  const extractor = loadFeatureExtractor('emoji');
  const [truthDetail, truthSubBlock] = [detail(truth), subBlockEnergy(truth)];
  return {
    truth,
    score(output: tf.Tensor4D) {
      const s = superResolutionScores(output, test);
      return {
        images: s.count, l1: +s.l1.toFixed(4), psnr: +s.psnr.toFixed(2), ssim: +s.ssim.toFixed(4),
        sharpness: +(detail(output) / truthDetail).toFixed(3), subBlock: +(subBlockEnergy(output) / truthSubBlock).toFixed(3),
        fd: +featureDistances(extractor, output, truth).fd.toFixed(3),
      };
    },
  };
}
