// "Sample now" in the studio: draws from the newest checkpoint of a run, server-side with core, and
// returns it as the run's data looks: an image grid, 2D points, or table rows decoded to the CSV's own
// columns and categories (core's run format and table coding, the same the CLI's sample uses).
// the cpu backend for server-side sampling (tfjs-core alone has none)
import '@tensorflow/tfjs-backend-cpu';
import {
  checkpointModel, decodeRows, encodePng, fileRunStore, modelFromBlob, readRunConfig, sample, tileImages,
} from '@gantry/core/node';
import { runDescription, runDir } from './runs.js';

export type SampleResult =
  | { kind: 'image'; step: number; png: string }
  | { kind: 'points'; step: number; points: number[]; range?: { lo: number; hi: number } }
  | { kind: 'table'; step: number; columns: string[]; rows: string[][] };

export async function sampleRun(root: string, run: string, o: { n: number; seed: number }): Promise<SampleResult> {
  const dir = runDir(root, run);
  if (dir === undefined) throw new Error('this run has no readable config.json');
  if (runDescription(root, run) === 'translation.json') {
    throw new Error('sample now draws from GAN runs; a translation run shows input | output | target grids under "samples over time" (gantry translate translates more)');
  }
  // checked against core's schema: a damaged config is an error naming the file and field
  const config = readRunConfig(dir);
  const checkpoint = await fileRunStore(dir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error('this run has no checkpoint yet');
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
      const raster = tileImages({ data: values, shape: [o.n, ...config.data.itemShape] }, { columns: numClasses, scale: (config.data.itemShape[0] ?? 0) < 32 ? 2 : 1 });
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
