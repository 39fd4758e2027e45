// 2D toy distributions for studying mode collapse, as seeded DataSources.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';
import type { Batch, DataSource } from '../train/types.js';

/** An isotropic Gaussian mixture with equal weights: a DataSource that also knows its modes. */
export interface GaussianMixture2D extends DataSource {
  readonly name: string;
  /** Mode centres [[x, y], ...]. */
  readonly means: ReadonlyArray<readonly [number, number]>;
  /** Per-axis standard deviation of every mode. */
  readonly std: number;
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
}

function pointsSource(name: string, draw: (rng: Rng, out: Float32Array, i: number) => void): DataSource & { name: string } {
  return {
    name,
    // Infinite: every batch is a fresh draw.
    size: Number.POSITIVE_INFINITY,
    sampleBatch(rng: Rng, batchSize: number): Batch {
      checkBatchSize(batchSize);
      const values = new Float32Array(batchSize * 2);
      for (let i = 0; i < batchSize; i++) draw(rng, values, i);
      return { x: tf.tensor2d(values, [batchSize, 2]) };
    },
  };
}

export function gaussianMixture2D(name: string, means: Array<[number, number]>, std: number): GaussianMixture2D {
  if (means.length === 0) throw new Error('gaussianMixture2D needs at least one mode');
  if (!(std > 0)) throw new Error(`gaussianMixture2D std must be positive, got ${std}`);
  const source = pointsSource(name, (rng, out, i) => {
    const [mx, my] = means[rng.int(means.length)];
    out[2 * i] = mx + std * rng.normal();
    out[2 * i + 1] = my + std * rng.normal();
  });
  return { ...source, name, means, std };
}

/** 8 Gaussians evenly spaced on a circle (Metz et al. 2017 unrolled GAN, VEEGAN, PacGAN). */
export function ring8(o: { radius?: number; std?: number } = {}): GaussianMixture2D {
  const radius = o.radius ?? 2;
  const means = Array.from({ length: 8 }, (_, k): [number, number] =>
    [radius * Math.cos((2 * Math.PI * k) / 8), radius * Math.sin((2 * Math.PI * k) / 8)]);
  return gaussianMixture2D('ring8', means, o.std ?? 0.02);
}

/** 25 Gaussians on the grid {-4, -2, 0, 2, 4}^2 (VEEGAN, PacGAN). */
export function grid25(o: { spacing?: number; std?: number } = {}): GaussianMixture2D {
  const spacing = o.spacing ?? 2;
  const means: Array<[number, number]> = [];
  for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) means.push([i * spacing, j * spacing]);
  return gaussianMixture2D('grid25', means, o.std ?? 0.05);
}

/**
 * The 2D swiss roll used in WGAN-GP's toy experiments: t ~ 1.5 pi (1 + 2U), (t cos t, t sin t) plus
 * N(0, noise^2) per axis, scaled by 1/7.5 to about [-2, 2].
 */
export function swissroll(o: { noise?: number } = {}): DataSource & { name: string } {
  const noise = o.noise ?? 0.25;
  return pointsSource('swissroll', (rng, out, i) => {
    const t = 1.5 * Math.PI * (1 + 2 * rng.next());
    out[2 * i] = (t * Math.cos(t) + noise * rng.normal()) / 7.5;
    out[2 * i + 1] = (t * Math.sin(t) + noise * rng.normal()) / 7.5;
  });
}

/** Two interleaving half circles (as scikit-learn's make_moons), with Gaussian noise per axis. */
export function moons(o: { noise?: number } = {}): DataSource & { name: string } {
  const noise = o.noise ?? 0.05;
  return pointsSource('moons', (rng, out, i) => {
    const theta = Math.PI * rng.next();
    const upper = rng.next() < 0.5;
    const x = upper ? Math.cos(theta) : 1 - Math.cos(theta);
    const y = upper ? Math.sin(theta) : 0.5 - Math.sin(theta);
    out[2 * i] = x + noise * rng.normal();
    out[2 * i + 1] = y + noise * rng.normal();
  });
}
