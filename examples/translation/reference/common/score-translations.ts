// Shared by the pix2pix (pix2pix-*) and CycleGAN (cyclegan-*) reference comparisons of issue 16: scores a folder
// of translated PNGs, one per emoji test pair, against the true target-style images, with gantry's own metrics,
// so that gantry's outputs, the authors' outputs and the copied input are all measured by the same code from
// the same 8-bit files: L1, PSNR, SSIM (docs/translation.md, Metrics) and Frechet / kernel distance in the emoji
// classifier's features (emojiScoring: the images and the test split resized bilinearly to the classifier's 64 px).
//   node --conditions=gantry-source --import tsx examples/translation/reference/common/score-translations.ts \
//     --outputs DIR [--to twitter|google] [--size 16] [--suffix _fake_B] [--label NAME] [--json FILE] [--backend torch|cpu]
// DIR holds <name><suffix>.png for every test pair's name (as gantry translate and export-emoji-folders.ts name
// them); --to is the true style (twitter: google -> twitter). A missing or wrongly sized file is an error naming
// it. Scoring the exported inputs (runs/reference-data/emoji16/unaligned/testA --to twitter) gives the floor.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { emojiScoring, loadEmojiPair, pairedImageMetrics, readImageRaster } from '@gantry/core/node';

const { values } = parseArgs({
  options: {
    outputs: { type: 'string' }, to: { type: 'string', default: 'twitter' }, size: { type: 'string', default: '16' },
    suffix: { type: 'string', default: '' }, backend: { type: 'string', default: 'torch' }, label: { type: 'string' }, json: { type: 'string' },
  },
});
if (!values.outputs) throw new Error('usage: score-translations.ts --outputs DIR [--to twitter|google] [--size 16] [--suffix S] [--label L] [--json FILE]');
const size = Number(values.size) as 16 | 32 | 64;
if (![16, 32, 64].includes(size)) throw new Error(`--size must be 16, 32 or 64, got ${values.size}`);
const to = values.to === 'google' ? 'google' : values.to === 'twitter' ? 'twitter' : undefined;
if (!to) throw new Error(`--to must be twitter or google, got ${values.to}`);
const from = to === 'twitter' ? 'google' : 'twitter';

// gantry's torch backend by default (the extractor on 742 images is slow on tfjs's cpu backend)
if (values.backend === 'torch') await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend(values.backend!))) throw new Error(`the ${values.backend} backend did not initialise`);

const pairs = loadEmojiPair({ source: from, target: to, size, split: 'test' });
const pixels = size * size * 3;
const outputs = new Float32Array(pairs.target.count * pixels);
pairs.names.forEach((name, i) => {
  const path = join(values.outputs!, `${name.replace(/\.[^.]*$/, '')}${values.suffix}.png`);
  const image = readImageRaster(path, 3);
  if (image.width !== size || image.height !== size) throw new Error(`${path} is ${image.width} x ${image.height}, expected ${size} x ${size}`);
  // bytes to gantry's [-1, 1], as its loaders map them
  image.raster.forEach((v, k) => { outputs[i * pixels + k] = v / 127.5 - 1; });
});
const shape: [number, number, number, number] = [pairs.target.count, size, size, 3];
const paired = pairedImageMetrics({ values: outputs, shape }, { values: pairs.target.values, shape });
const scoring = emojiScoring({ style: to, size });
const images = tf.tensor4d(outputs, shape);
const features = scoring.score(images);
images.dispose();
scoring.dispose();
const record = {
  label: values.label ?? values.outputs, outputs: values.outputs, from, to, size, n: pairs.target.count,
  l1: paired.l1.mean, psnr: paired.psnr.mean, ssim: paired.ssim.mean, fd: features.fd, kid: features.kid,
};
console.log(`${record.label}: ${from} -> ${to}, ${record.n} test pairs at ${size} px: L1 ${record.l1.toFixed(4)}  PSNR ${record.psnr.toFixed(2)} dB  ` +
  `SSIM ${record.ssim.toFixed(4)}  FD ${record.fd.toFixed(3)}  KID ${record.kid.toFixed(4)}`);
if (values.json) appendFileSync(values.json, `${JSON.stringify(record)}\n`);
