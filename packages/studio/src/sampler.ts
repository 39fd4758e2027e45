// "Sample now" in the studio: draws from the newest checkpoint of a run, server-side with core, and
// returns it as the run's data looks: an image grid, 2D points, or table rows decoded to the CSV's own
// columns and categories (core's run format and table coding, the same the CLI's sample uses). A StyleGAN
// run draws seeds seed .. seed + n - 1 from its averaged generator at a truncation psi, as gantry sample.
// the cpu backend for server-side sampling (tfjs-core alone has none)
import '@tensorflow/tfjs-backend-cpu';
import {
  checkpointModel, decodeRows, encodePng, fileRunStore, modelFromBlob, readRunConfig, sample, styleganSample, styleGeneratorFromCheckpoint, tileImages,
  type Checkpoint,
} from '@gantry/core/node';
import { runDescription, runDir, type RunDescription } from './runs.js';

export type SampleResult =
  | { kind: 'image'; step: number; png: string }
  | { kind: 'points'; step: number; points: number[]; range?: { lo: number; hi: number } }
  | { kind: 'table'; step: number; columns: string[]; rows: string[][] };

// runs whose "sample now" does not apply, and what to do instead
const NOT_SAMPLED: Partial<Record<RunDescription, string>> = {
  'translation.json': 'sample now draws from GAN runs; a translation run shows input | output | target grids under "samples over time" (gantry translate translates more)',
  'gantts.json': 'sample now draws images; a GAN-TTS run plays its preview speech under "samples over time" (gantry speak RUN --text "..." says more)',
  'progan.json': 'sample now does not read ProGAN runs yet; gantry sample RUN --out x.png samples one',
  'stackgan.json': 'sample now draws from noise alone; a StackGAN run draws images of a text, and shows stage II\'s images of held-out names under "samples over time" (gantry sample RUN --text "..." draws more)',
};

async function newestCheckpoint(dir: string): Promise<Checkpoint> {
  const checkpoint = await fileRunStore(dir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error('this run has no checkpoint yet');
  return checkpoint;
}

const gridScale = (side: number | undefined) => ((side ?? 0) < 32 ? 2 : 1);

/** A StyleGAN run's images for seeds seed .. seed + n - 1 at truncation psi (1: none), from the EMA generator. */
async function sampleStylegan(dir: string, o: { n: number; seed: number; psi?: number }): Promise<SampleResult> {
  const checkpoint = await newestCheckpoint(dir);
  const generator = await styleGeneratorFromCheckpoint(checkpoint, { where: dir });
  try {
    const images = styleganSample(generator, Array.from({ length: o.n }, (_, i) => o.seed + i), { psi: o.psi ?? 1 });
    const batch = { data: (await images.data()) as Float32Array, shape: images.shape };
    images.dispose();
    const png = encodePng(tileImages(batch, { scale: gridScale(batch.shape[1]) }));
    return { kind: 'image', step: checkpoint.state.step, png: png.toString('base64') };
  } finally {
    generator.mapping.dispose();
    generator.synthesis.dispose();
  }
}

/** Draws n samples (seed: the noise; psi: a StyleGAN run's truncation, ignored by others) from a run's newest checkpoint. */
export async function sampleRun(root: string, run: string, o: { n: number; seed: number; psi?: number }): Promise<SampleResult> {
  const dir = runDir(root, run);
  const description = runDescription(root, run);
  if (dir === undefined || description === undefined) throw new Error('this run has no readable config.json');
  const refusal = NOT_SAMPLED[description];
  if (refusal) throw new Error(refusal);
  if (description === 'stylegan.json') return sampleStylegan(dir, o);
  // checked against core's schema: a damaged config is an error naming the file and field
  const config = readRunConfig(dir);
  const checkpoint = await newestCheckpoint(dir);
  const generator = await modelFromBlob(checkpointModel(checkpoint, 'generator'));
  try {
    const numClasses = config.model.conditional ? config.data.numClasses : undefined;
    const labels = numClasses ? Array.from({ length: o.n }, (_, i) => i % numClasses) : undefined;
    const out = sample(generator, o.n, { seed: o.seed, labels });
    const values = (await out.data()) as Float32Array;
    const features = out.size / o.n;
    out.dispose();
    const step = checkpoint.state.step;
    if (config.data.kind === 'image') {
      const raster = tileImages({ data: values, shape: [o.n, ...config.data.itemShape] }, { columns: numClasses, scale: gridScale(config.data.itemShape[0]) });
      return { kind: 'image', step, png: encodePng(raster).toString('base64') };
    }
    const { coding } = config.data;
    if (coding) return { kind: 'table', step, columns: coding.map((c) => c.name), rows: decodeRows(coding, values, o.n) };
    const points = features === 2 ? Array.from(values) : Array.from(values).filter((_, i) => i % features < 2);
    return { kind: 'points', step, points, range: config.plot };
  } finally {
    generator.dispose();
  }
}
