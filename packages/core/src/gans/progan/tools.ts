// Sampling a ProGAN generator (pass the averaged one, ProganResult.averaged): one image per seed, at a phase's
// resolution shown at the target side. A seed fixes z (createRng(seed)), so a seed shows the same image at
// every step of a run; interpolation walks the straight line in z between two seeds. Browser-safe: the caller
// loads the checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, randomNormal } from '../../random.js';
import { classRows } from '../class-conditioning.js';
import { latentLine } from '../latent-line.js';
import { averagedCheckpointModel, type Checkpoint } from '../../train/checkpoint.js';
import { generateAt, showAt, type ProganPhase } from './grow.js';
import { proganPhaseOf, type ProganConfig } from './trainer.js';

/** The side a generator grows to. */
export function proganResolutionOf(g: tfl.LayersModel): number {
  return g.outputs.at(-1)!.shape[1]!;
}

/** One image per seed [N, R, R, 3] in [-1, 1], R the target side; `phase` defaults to the full resolution; the class (of all, or of each) for a conditional G. */
export function proganSample(g: tfl.LayersModel, seeds: readonly number[], phase?: ProganPhase, classIndex?: number | readonly number[]): tf.Tensor4D {
  if (seeds.length === 0) throw new Error('proganSample: no seeds given');
  return tf.tidy(() => render(g, proganLatents(g.inputs[0].shape[1]!, seeds), phase, classIndex));
}

/** The z of each seed [N, latentDim]: a seed names one image in every tool, and in the exported page. */
export function proganLatents(latentDim: number, seeds: readonly number[]): tf.Tensor2D {
  const bad = seeds.find((s) => !Number.isInteger(s));
  if (bad !== undefined) throw new Error(`ProGAN seeds are integers, got ${bad}`);
  return tf.tidy(() => tf.concat(seeds.map((s) => randomNormal(createRng(s), [1, latentDim]))) as tf.Tensor2D);
}

function render(g: tfl.LayersModel, z: tf.Tensor, phase?: ProganPhase, classIndex?: number | readonly number[]): tf.Tensor4D {
  const target = proganResolutionOf(g);
  const classes = classRows(g, classIndex, z.shape[0]);
  return tf.clipByValue(showAt(generateAt(g, z, phase ?? { resolution: target, alpha: 1 }, false, classes), target), -1, 1) as tf.Tensor4D;
}

/** `frames` images [frames, R, R, 3] along the straight line in z from `from`'s seed to `to`'s, at a phase. */
export function proganInterpolate(g: tfl.LayersModel, from: number, to: number, frames: number, phase?: ProganPhase, classIndex?: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [a, b] = tf.split(proganLatents(g.inputs[0].shape[1]!, [from, to]), 2);
    return render(g, latentLine(a, b, frames), phase, classIndex);
  });
}

/** The generator a ProGAN checkpoint holds (its EMA copy by default) and the phase of its last step. */
export async function proganGeneratorFromCheckpoint(checkpoint: Checkpoint, o: { averaged?: boolean; where?: string } = {}): Promise<{ generator: tfl.LayersModel; phase: ProganPhase }> {
  const generator = await averagedCheckpointModel(checkpoint, 'generator', o);
  return { generator, phase: proganPhaseOf(checkpoint.state.config as ProganConfig, checkpoint.state.step) };
}
