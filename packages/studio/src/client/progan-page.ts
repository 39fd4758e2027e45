// The page `gantry export` writes next to a ProGAN run's averaged generator (generator/, one tfjs layers model
// z -> image with the checkpoint's phase baked in): a seed draws an image in the browser (seed-page.ts), the one
// `gantry sample --seed` draws, since its z comes from core's proganLatents and the model computes what
// generateAt and showAt do at that phase (a conditional one takes [z, one-hot class], the order ProGAN's
// generator declares its inputs). Importing @gantry/core registers ProGAN's layers with tfjs.
import * as tf from '@tensorflow/tfjs';
import { classRows, proganLatents, type ProganPhase } from '@gantry/core';
import { startSeedPage } from './seed-page.js';

interface ExportInfo { kind: 'progan'; step: number; resolution: number; latentDim: number; phase: ProganPhase; data: string; classNames?: string[] }

startSeedPage<ExportInfo, { model: tf.LayersModel; latentDim: number }>({
  load: async (info) => ({ model: await tf.loadLayersModel('generator/model.json'), latentDim: info.latentDim }),
  title: (info) => `ProGAN on ${info.data}: ${info.resolution} x ${info.resolution}, step ${info.step} ` +
    `(grown to ${info.phase.resolution} px, alpha ${info.phase.alpha})`,
  sample: ({ model, latentDim }, seed, _psi, classIndex) => tf.tidy(() => {
    const z = proganLatents(latentDim, [seed]);
    const inputs = classIndex === undefined ? z : [z, classRows(model, classIndex, 1)!];
    return tf.clipByValue(model.predict(inputs) as tf.Tensor, -1, 1) as tf.Tensor4D;
  }),
});
