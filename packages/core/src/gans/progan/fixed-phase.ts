// A ProGAN generator with its phase baked in, for `gantry export`: one tfjs layers model z [N, Z] -> images
// [N, R, R, 3] (R the target side) that computes what generateAt + showAt compute at that phase, so that a
// plain tfjs page needs neither grow.ts's stage walk nor the phase. The stages above the phase drop out of the
// graph; during a fade the previous stage's RGB head, upsampled, is blended with the new one's by FadeIn.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NearestUpsampling2D } from '../../layers/upsample.js';
import type { Shape } from '../../layers/common.js';
import { lerp, type ProganPhase } from './grow.js';
import { stagesOf } from './networks.js';
import { proganResolutionOf } from './tools.js';

/** [previous stage's image upsampled, new stage's image] -> their blend at a fixed alpha (grow.ts's lerp). */
export class FadeIn extends tfl.layers.Layer {
  static className = 'ProganFadeIn';
  readonly alpha: number;

  constructor(args: { alpha: number; name?: string }) {
    super({ name: args.name });
    if (!(args.alpha >= 0 && args.alpha <= 1)) throw new Error(`FadeIn: alpha must lie in [0, 1], got ${args.alpha}`);
    this.alpha = args.alpha;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [skip, image] = inputs as tf.Tensor[];
    return tf.tidy(() => lerp(skip, image, this.alpha));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

tf.serialization.registerClass(FadeIn);

/** `g`'s images at `phase` shown at the target side, as one single-output model sharing g's weights (unclipped). */
export function proganFixedPhaseModel(g: tfl.LayersModel, phase: ProganPhase): tfl.LayersModel {
  const target = proganResolutionOf(g);
  const stages = stagesOf(target);
  const at = stages.indexOf(phase.resolution);
  if (at < 0) throw new Error(`ProGAN: ${g.name} grows 4..${target} px, not to ${phase.resolution}`);
  const rgb = g.outputs as tfl.SymbolicTensor[];
  let image = rgb[at];
  if (at > 0 && phase.alpha < 1) {
    const skip = new NearestUpsampling2D({ scale: 2, name: 'export_skip_up' }).apply(rgb[at - 1]) as tfl.SymbolicTensor;
    image = new FadeIn({ alpha: phase.alpha, name: 'export_fade_in' }).apply([skip, image]) as tfl.SymbolicTensor;
  }
  if (phase.resolution < target) {
    image = new NearestUpsampling2D({ scale: target / phase.resolution, name: 'export_show' }).apply(image) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: g.inputs, outputs: image, name: `${g.name}_fixed_phase` });
}
