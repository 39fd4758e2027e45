// A tiny ProGAN run directory as `gantry train --model progan` writes it (progan.json + the loop's files), trained
// on noise for the tools' tests: 16 px target, 2 steps per phase fading in over the whole phase, so that after 4
// steps the newest checkpoint is halfway through 8 px's fade-in (8 px, alpha 0.5) and the tools must blend two
// RGB heads and upsample to 16 px. A fast EMA makes the averaged G differ from both the initial and trained one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, trainProgan, writeFileAtomic, type ProganOptions } from '@gantry/core/node';
import { selectBackend } from '../src/backend.js';
import type { ProganRun } from '../src/train-progan.js';

export const TINY_PROGAN = { side: 16, latentDim: 8, phase: { resolution: 8, alpha: 0.5 } } as const;

/** `conditional`: two classes, 'round' and 'square', alternating over the four noise images. */
export async function tinyProganRun(dir: string, conditional = false): Promise<string> {
  // torch where built, as the CLI trains: WGAN-GP needs second derivatives that tfjs's cpu backend lacks (AvgPoolGrad's)
  await selectBackend();
  mkdirSync(dir, { recursive: true });
  const { side, latentDim } = TINY_PROGAN;
  const options: ProganOptions = { seed: 0, resolution: side, latentDim, maxChannels: 4, batchSize: 2, phaseSteps: 2, fadeFraction: 1, emaDecay: 0.5, conditional };
  const run: ProganRun = { format: 'gantry-progan-1', data: 'emoji:google:16', steps: 4, options, createdAt: new Date().toISOString() };
  writeFileAtomic(join(dir, 'progan.json'), `${JSON.stringify(run)}\n`, dir);
  const rng = createRng(3);
  const values = Float32Array.from({ length: 4 * side * side * 3 }, () => rng.next() * 2 - 1);
  const classes = conditional ? { labels: Int32Array.from([0, 1, 0, 1]), numClasses: 2, classNames: ['round', 'square'] } : {};
  const data = { name: 'noise', itemShape: [side, side, 3], count: 4, values, ...classes };
  const r = await trainProgan(data, { ...options, steps: 4 }, { runDir: dir, progress: 'off' });
  for (const m of [r.generator, r.averaged, r.discriminator]) m.dispose();
  return dir;
}
