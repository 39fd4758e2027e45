// "Sample now" in the studio: draws from the newest checkpoint of a run, server-side with core, and
// returns it as the run's data looks: an image grid, 2D points, or table rows decoded to the CSV's own
// columns and categories (core's run format and table coding, the same the CLI's sample uses). A StyleGAN
// run draws seeds seed .. seed + n - 1 from its averaged generator at a truncation psi, and a ProGAN run from
// its averaged generator at the newest checkpoint's phase, as gantry sample; a conditional one draws one
// class, or cycles through its classes, one per image.
// the cpu backend for server-side sampling (tfjs-core alone has none)
import '@tensorflow/tfjs-backend-cpu';
import {
  averagedCheckpointModel, decodeRows, encodePng, fileRunStore, proganGeneratorFromCheckpoint, proganSample, readRunConfig, sample, styleganSample,
  styleGeneratorFromCheckpoint, tileImages,
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
  'stackgan.json': 'sample now draws from noise alone; a StackGAN run draws images of a text, and shows stage II\'s images of held-out names under "samples over time" (gantry sample RUN --text "..." draws more)',
};

async function newestCheckpoint(dir: string): Promise<Checkpoint> {
  const checkpoint = await fileRunStore(dir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error('this run has no checkpoint yet');
  return checkpoint;
}

const gridScale = (side: number | undefined) => ((side ?? 0) < 32 ? 2 : 1);

export interface SampleOptions {
  n: number;
  seed: number;
  /** a StyleGAN run's truncation (1: none) */
  psi?: number;
  /** a conditional StyleGAN or ProGAN run's class index; absent: image i has class i mod the class count */
  classIndex?: number;
}

/** The class of each image of a conditional run (one class, or cycling through them), undefined for others. */
function classesOf(o: SampleOptions, numClasses: number | undefined): number | number[] | undefined {
  if (!numClasses) return undefined;
  return o.classIndex ?? Array.from({ length: o.n }, (_, i) => i % numClasses);
}

const seedsOf = (o: SampleOptions) => Array.from({ length: o.n }, (_, i) => o.seed + i);

/** Seeds seed .. seed + n - 1 of a StyleGAN or ProGAN run's averaged generator, as one grid (a row per class cycle). */
async function sampleModelRun(dir: string, model: 'stylegan' | 'progan', o: SampleOptions): Promise<SampleResult> {
  const checkpoint = await newestCheckpoint(dir);
  const { numClasses } = checkpoint.state.config as { numClasses?: number };
  const classIndex = classesOf(o, numClasses);
  let images;
  if (model === 'stylegan') {
    const generator = await styleGeneratorFromCheckpoint(checkpoint, { where: dir });
    try {
      images = styleganSample(generator, seedsOf(o), { psi: o.psi ?? 1, classIndex });
    } finally {
      generator.mapping.dispose();
      generator.synthesis.dispose();
    }
  } else {
    const { generator, phase } = await proganGeneratorFromCheckpoint(checkpoint, { where: dir });
    try {
      images = proganSample(generator, seedsOf(o), phase, classIndex);
    } finally {
      generator.dispose();
    }
  }
  const batch = { data: (await images.data()) as Float32Array, shape: images.shape };
  images.dispose();
  const columns = Array.isArray(classIndex) ? Math.min(o.n, numClasses!) : undefined;
  const png = encodePng(tileImages(batch, { columns, scale: gridScale(batch.shape[1]) }));
  return { kind: 'image', step: checkpoint.state.step, png: png.toString('base64') };
}

/** Draws n samples (seed: the noise; psi, classIndex: as SampleOptions, ignored by other runs) from a run's newest checkpoint. */
export async function sampleRun(root: string, run: string, o: SampleOptions): Promise<SampleResult> {
  const dir = runDir(root, run);
  const description = runDescription(root, run);
  if (dir === undefined || description === undefined) throw new Error('this run has no readable config.json');
  const refusal = NOT_SAMPLED[description];
  if (refusal) throw new Error(refusal);
  if (description === 'stylegan.json') return sampleModelRun(dir, 'stylegan', o);
  if (description === 'progan.json') return sampleModelRun(dir, 'progan', o);
  // checked against core's schema: a damaged config is an error naming the file and field
  const config = readRunConfig(dir);
  const checkpoint = await newestCheckpoint(dir);
  // the averaged generator where the run keeps one (gantry train --ema), as gantry sample draws
  const generator = await averagedCheckpointModel(checkpoint, 'generator', { where: dir });
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
