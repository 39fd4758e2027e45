// The generator a StyleGAN checkpoint holds, for the tools that sample from a finished or running run (the
// CLI's sample/mix/interpolate and the studio): by default the EMA copies of mapping and synthesis, which
// give the cleaner images, else the trained ones. Browser-safe: the caller loads the checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import { blobToTensors, checkpointModel, modelFromBlob, type Checkpoint } from '../../train/checkpoint.js';
import type { StyleGenerator } from './generate.js';

export async function styleGeneratorFromCheckpoint(checkpoint: Checkpoint, o: { averaged?: boolean; where?: string } = {}): Promise<StyleGenerator> {
  const averaged = o.averaged ?? true;
  const load = async (name: 'mapping' | 'synthesis') => {
    const model = await modelFromBlob(checkpointModel(checkpoint, name));
    const ema = checkpoint.ema[name];
    if (averaged && ema) {
      const tensors = blobToTensors(ema, `${o.where ?? 'the checkpoint'} EMA of ${name}`).map((t) => t.tensor);
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    return model;
  };
  return { mapping: await load('mapping'), synthesis: await load('synthesis') };
}
