// "Sample now" in the studio: draws from the newest checkpoint of a run, server-side with core.
// the cpu backend for server-side sampling (tfjs-core alone has none)
import '@tensorflow/tfjs-backend-cpu';
import { checkpointModel, encodePng, fileRunStore, modelFromBlob, sample, tileImages } from '@gantry/core/node';
import { readRunJson, runDir } from './runs.js';

interface RunConfigLike {
  data: { kind: 'points' | 'image' | 'table'; itemShape: number[]; numClasses?: number };
  model: { conditional?: boolean };
  plot?: { lo: number; hi: number };
}

export type SampleResult =
  | { kind: 'image'; step: number; png: string }
  | { kind: 'points'; step: number; points: number[]; range?: { lo: number; hi: number } };

export async function sampleRun(root: string, run: string, o: { n: number; seed: number }): Promise<SampleResult> {
  const dir = runDir(root, run);
  const config = readRunJson(root, run, 'config.json') as RunConfigLike | undefined;
  if (dir === undefined || config?.data === undefined || config.model === undefined) throw new Error('this run has no readable config.json');
  const checkpoint = await fileRunStore(dir).loadLatestCheckpoint();
  if (!checkpoint) throw new Error('this run has no checkpoint yet');
  const generator = await modelFromBlob(checkpointModel(checkpoint, 'generator'));
  try {
    const numClasses = config.model.conditional ? config.data.numClasses : undefined;
    const labels = numClasses ? Array.from({ length: o.n }, (_, i) => i % numClasses) : undefined;
    const out = sample(generator, o.n, { seed: o.seed, labels });
    const values = Array.from((await out.data()) as Float32Array);
    const features = out.size / o.n;
    out.dispose();
    const step = checkpoint.state.step;
    if (config.data.kind === 'image') {
      const raster = tileImages({ data: values, shape: [o.n, ...config.data.itemShape] }, { columns: numClasses, scale: (config.data.itemShape[0] ?? 0) < 32 ? 2 : 1 });
      return { kind: 'image', step, png: encodePng(raster).toString('base64') };
    }
    // tables: the first two (standardised) columns
    const points = features === 2 ? values : values.flatMap((_, i) => (i % features < 2 ? [values[i]] : []));
    return { kind: 'points', step, points, range: config.plot };
  } finally {
    generator.dispose();
  }
}
