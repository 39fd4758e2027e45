// Growing: the phase schedule and the networks run at a phase. A phase is (resolution, alpha), a pure
// function of the step, so a resumed run is at the same phase as an uninterrupted one without saved state.
// Stage 4 trains alone for `phaseSteps` steps; every later stage r then fades in over the first
// `fadeFraction` of its phase (alpha 0 -> 1) and trains stable for the rest; the last stage stays to the end.
// During a fade, with y_r the new stage's output and y_{r/2} the previous stage's:
//   G(z)   = up2(to_rgb_{r/2}(h_{r/2})) + alpha * (to_rgb_r(h_r) - up2(to_rgb_{r/2}(h_{r/2})))
//   D(x)   = head(s_{r/2}(from_rgb_{r/2}(pool2(x)) + alpha * (s_r(from_rgb_r(x)) - from_rgb_{r/2}(pool2(x)))))
//   real x = up2(pool2(x_r)) + alpha * (x_r - up2(pool2(x_r))), so D sees reals as smooth as the fakes.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { NearestUpsampling2D } from '../../layers/upsample.js';
import { CLASS_EMBEDDING, CLASS_PROJECTION, numClassesOf, projectLogit } from '../class-conditioning.js';
import { stagesOf } from './networks.js';

export interface ProganSchedule {
  /** steps per resolution, default 1000 */
  phaseSteps: number;
  /** the part of a phase over which its resolution fades in, in [0, 1], default 0.5 */
  fadeFraction: number;
}

export interface ProganPhase {
  /** the side being trained (px) */
  resolution: number;
  /** weight of the newest stage, in [0, 1] */
  alpha: number;
}

export function checkSchedule(s: ProganSchedule): void {
  if (!Number.isInteger(s.phaseSteps) || s.phaseSteps < 1) throw new Error(`ProGAN: phaseSteps must be an integer >= 1, got ${s.phaseSteps}`);
  if (!(s.fadeFraction >= 0 && s.fadeFraction <= 1)) throw new Error(`ProGAN: fadeFraction must lie in [0, 1], got ${s.fadeFraction}`);
}

/** The phase of step `step` (from 1) of a run growing to `target`. */
export function proganPhase(step: number, target: number, s: ProganSchedule): ProganPhase {
  const stages = stagesOf(target);
  const phase = Math.floor((Math.max(step, 1) - 1) / s.phaseSteps);
  if (phase >= stages.length) return { resolution: target, alpha: 1 };
  const intoPhase = Math.max(step, 1) - 1 - phase * s.phaseSteps;
  const fadeSteps = s.fadeFraction * s.phaseSteps;
  const alpha = phase === 0 || intoPhase >= fadeSteps ? 1 : intoPhase / fadeSteps;
  return { resolution: stages[phase], alpha };
}

const up2 = new NearestUpsampling2D({ scale: 2, name: 'progan_up2' });
const upsample2x = (x: tf.Tensor) => up2.apply(x) as tf.Tensor;
const pool = (x: tf.Tensor, factor: number) => (factor === 1 ? x : tf.avgPool(x as tf.Tensor4D, factor, factor, 'valid'));
/** The fade-in: `from` at alpha 0, `to` at alpha 1. */
export const lerp = (from: tf.Tensor, to: tf.Tensor, alpha: number) => tf.add(from, tf.mul(tf.sub(to, from), alpha));

/** The layers of one stage, apart from its RGB head (and any `skip`ped), in the order they apply. */
function stageLayers(model: tfl.LayersModel, stage: number, head: string, skip?: string): tfl.layers.Layer[] {
  const layers = model.layers.filter((l) => l.name.startsWith(`s${stage}_`) && l.name !== `s${stage}_${head}` && l.name !== skip);
  if (layers.length === 0) throw new Error(`ProGAN: ${model.name} has no stage ${stage}`);
  return layers;
}

function runStage(model: tfl.LayersModel, stage: number, head: string, x: tf.Tensor, training: boolean, skip?: string): tf.Tensor {
  return stageLayers(model, stage, head, skip).reduce((h, layer) => layer.apply(h, { training }) as tf.Tensor, x);
}

const rgbHead = (model: tfl.LayersModel, stage: number, head: string, x: tf.Tensor) => model.getLayer(`s${stage}_${head}`).apply(x) as tf.Tensor;

function checkPhase(model: tfl.LayersModel, phase: ProganPhase): void {
  const top = model.outputs[0].shape.length === 4 ? model.outputs.at(-1)!.shape[1]! : model.inputs.at(-1)!.shape[1]!;
  if (!stagesOf(top).includes(phase.resolution)) throw new Error(`ProGAN: ${model.name} grows 4..${top} px, not to ${phase.resolution}`);
  if (!(phase.alpha >= 0 && phase.alpha <= 1)) throw new Error(`ProGAN: alpha must lie in [0, 1], got ${phase.alpha}`);
}

/** A conditional model must be given classes (one-hot [N, K]); an unconditional one must not. */
function checkClasses(model: tfl.LayersModel, classes: tf.Tensor | undefined): void {
  const numClasses = numClassesOf(model);
  if (!numClasses !== !classes) throw new Error(`ProGAN: ${model.name} is ${numClasses ? 'conditional: give a class' : 'unconditional: it takes no class'}`);
}

/** G's images at a phase: [N, r, r, 3]; `classes` one-hot [N, K] for a conditional G. */
export function generateAt(g: tfl.LayersModel, z: tf.Tensor, phase: ProganPhase, training = false, classes?: tf.Tensor): tf.Tensor4D {
  checkPhase(g, phase);
  checkClasses(g, classes);
  return tf.tidy(() => {
    let h = classes ? tf.concat([z, g.getLayer(CLASS_EMBEDDING).apply(classes) as tf.Tensor], 1) : z;
    let previous = z;
    for (const stage of stagesOf(phase.resolution)) {
      previous = h;
      h = runStage(g, stage, 'to_rgb', h, training);
    }
    const image = rgbHead(g, phase.resolution, 'to_rgb', h);
    if (phase.resolution === 4 || phase.alpha === 1) return image as tf.Tensor4D;
    const skip = upsample2x(rgbHead(g, phase.resolution / 2, 'to_rgb', previous));
    return lerp(skip, image, phase.alpha) as tf.Tensor4D;
  });
}

/** D's scores of images [N, r, r, 3] at a phase: [N, 1]; `classes` one-hot [N, K] for a conditional D. */
export function discriminateAt(d: tfl.LayersModel, x: tf.Tensor, phase: ProganPhase, training = false, classes?: tf.Tensor): tf.Tensor {
  checkPhase(d, phase);
  checkClasses(d, classes);
  if (x.shape[1] !== phase.resolution) throw new Error(`ProGAN: the discriminator at ${phase.resolution} px got [${x.shape}] images`);
  return tf.tidy(() => {
    const r = phase.resolution;
    let h = rgbHead(d, r, 'from_rgb', x);
    if (r > 4) {
      h = runStage(d, r, 'from_rgb', h, training);
      if (phase.alpha < 1) h = lerp(rgbHead(d, r / 2, 'from_rgb', pool(x, 2)), h, phase.alpha);
    }
    for (let s = r > 4 ? r / 2 : 4; s > 4; s /= 2) h = runStage(d, s, 'from_rgb', h, training);
    const features = runStage(d, 4, 'from_rgb', h, training, 's4_logit');
    const logit = d.getLayer('s4_logit').apply(features) as tf.Tensor;
    return classes ? projectLogit(logit, features, d.getLayer(CLASS_PROJECTION).apply(classes) as tf.Tensor) : logit;
  });
}

/** Training images [N, S, S, 3] (S a power-of-2 multiple of r) as D sees them at a phase: pooled to r, faded. */
export function realAt(x: tf.Tensor, phase: ProganPhase): tf.Tensor4D {
  return tf.tidy(() => {
    const r = phase.resolution;
    const atR = pool(x, x.shape[1]! / r);
    if (r === 4 || phase.alpha === 1) return tf.clone(atR) as tf.Tensor4D;
    return lerp(upsample2x(pool(atR, 2)), atR, phase.alpha) as tf.Tensor4D;
  });
}

/** Images at a phase's resolution shown at the target side (nearest upsampling), as previews and samples are. */
export function showAt(images: tf.Tensor, target: number): tf.Tensor4D {
  const factor = target / images.shape[1]!;
  if (factor === 1) return tf.clone(images) as tf.Tensor4D;
  return new NearestUpsampling2D({ scale: factor, name: 'progan_show' }).apply(images) as tf.Tensor4D;
}
