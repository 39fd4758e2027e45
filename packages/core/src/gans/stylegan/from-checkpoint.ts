// The generator a StyleGAN checkpoint holds, for the tools that sample from a finished or running run (the
// CLI's sample/mix/interpolate and the studio): by default the EMA copies of mapping and synthesis, which
// give the cleaner images, else the trained ones. Browser-safe: the caller loads the checkpoint.
import { averagedCheckpointModel, type Checkpoint } from '../../train/checkpoint.js';
import type { StyleGenerator } from './generate.js';

export async function styleGeneratorFromCheckpoint(checkpoint: Checkpoint, o: { averaged?: boolean; where?: string } = {}): Promise<StyleGenerator> {
  return { mapping: await averagedCheckpointModel(checkpoint, 'mapping', o), synthesis: await averagedCheckpointModel(checkpoint, 'synthesis', o) };
}
