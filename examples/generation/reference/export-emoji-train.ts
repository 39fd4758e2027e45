// Writes the training split StyleGAN trains on in docs/generation.md (emoji:google at 32 px, gantry's own loader:
// alpha compositing, area averaging, the fixed split) as raw little-endian float32 [N, 32, 32, 3] in [-1, 1], for the
// PyTorch twin (stylegan_twin.py), so that the twin does not re-implement the loader. index.json beside it holds the
// shape and the trainable parameter counts of gantry's StyleGAN at the comparison's settings, which the twin checks
// its own networks against (layer for layer means as many parameters in each player).
//   node --conditions=gantry-source --import tsx examples/generation/reference/export-emoji-train.ts runs/helperC/data
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadEmoji, styleganDiscriminator, styleganGenerator } from '@gantry/core/node';
import { TWIN_NETWORKS } from './twin-settings.js';

const out = process.argv[2];
if (!out) throw new Error('usage: export-emoji-train.ts OUT_DIR');
mkdirSync(out, { recursive: true });
await import('@gantry/tfjs-backend-torch').then(() => tf.setBackend('torch'), () => tf.setBackend('cpu'));

const { dataset } = loadEmoji({ style: 'google', size: TWIN_NETWORKS.resolution, split: 'train' });
const file = `emoji-google-train-${TWIN_NETWORKS.resolution}.f32`;
writeFileSync(join(out, file), new Uint8Array(dataset.values.buffer, dataset.values.byteOffset, dataset.values.byteLength));

const trainable = (models: { trainableWeights: { shape: (number | null)[] }[] }[]) =>
  models.reduce((sum, m) => sum + m.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0), 0);
const g = styleganGenerator({ ...TWIN_NETWORKS, seed: 0 });
const d = styleganDiscriminator({ ...TWIN_NETWORKS, seed: 0 });
const index = {
  file, shape: [dataset.count, ...dataset.itemShape], networks: TWIN_NETWORKS,
  parameters: { generator: trainable([g.mapping, g.synthesis]), discriminator: trainable([d]) },
};
writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 1));
console.log(JSON.stringify(index));
