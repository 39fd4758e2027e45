// The page `gantry export` writes next to a StyleGAN run's averaged generator (mapping/ and synthesis/, two
// tfjs layers models): a seed and a truncation psi draw an image in the browser (seed-page.ts). The image of a
// seed is the one `gantry sample --seed` draws: its z and per-layer noise come from core's seeded RNG, and
// core's styleganSample runs the two models. Importing @gantry/core also registers StyleGAN's layers with
// tfjs's serialization, which is all a plain tfjs page lacks to load these models.
import * as tf from '@tensorflow/tfjs';
import { styleganSample, type StyleGenerator } from '@gantry/core';
import { startSeedPage } from './seed-page.js';

interface ExportInfo { kind: 'stylegan'; step: number; resolution: number; latentDim: number; mode: string; data: string; classNames?: string[] }

startSeedPage<ExportInfo, StyleGenerator>({
  async load() {
    const [mapping, synthesis] = await Promise.all([tf.loadLayersModel('mapping/model.json'), tf.loadLayersModel('synthesis/model.json')]);
    return { mapping, synthesis };
  },
  title: (info) => `StyleGAN (${info.mode}) on ${info.data}: ${info.resolution} x ${info.resolution}, step ${info.step}`,
  sample: (generator, seed, psi, classIndex) => styleganSample(generator, [seed], { psi, classIndex }),
});
