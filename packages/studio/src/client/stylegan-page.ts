// The page `gantry export` writes next to a StyleGAN run's averaged generator (mapping/ and synthesis/, two
// tfjs layers models): stock TensorFlow.js (webgl where the browser has it) loads both, and a seed and a
// truncation psi draw an image in the browser. The image of a seed is the one `gantry sample --seed` draws:
// its z and per-layer noise come from core's seeded RNG, and core's styleganSample runs the two models.
// Importing @gantry/core also registers StyleGAN's layers with tfjs's serialization, which is all a plain
// tfjs page lacks to load these models.
import * as tf from '@tensorflow/tfjs';
import { styleganSample, type StyleGenerator } from '@gantry/core';

interface ExportInfo { kind: 'stylegan'; step: number; resolution: number; latentDim: number; mode: string; data: string }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const state: { generator?: StyleGenerator; info?: ExportInfo; last?: { seed: number; psi: number; output: number[] } } = {};
// read by the browser test (packages/cli/test/export-page.test.ts)
(window as unknown as { __gantryExport: unknown }).__gantryExport = state;

function status(text: string): void {
  $('status').textContent = text;
}

async function draw(): Promise<void> {
  const { generator } = state;
  if (!generator) return;
  const seed = Number($<HTMLInputElement>('seed').value);
  const psi = Number($<HTMLInputElement>('psi').value);
  if (!Number.isInteger(seed) || seed < 0) return status(`the seed is a whole number >= 0, got ${$<HTMLInputElement>('seed').value}`);
  $('psi-value').textContent = psi.toFixed(2);
  const images = styleganSample(generator, [seed], { psi });
  const image = tf.tidy(() => images.squeeze([0]) as tf.Tensor3D);
  state.last = { seed, psi, output: Array.from(await image.data()) };
  const shown = tf.tidy(() => tf.clipByValue(tf.div(tf.add(image, 1), 2), 0, 1) as tf.Tensor3D);
  await tf.browser.toPixels(shown, $<HTMLCanvasElement>('output'));
  tf.dispose([images, image, shown]);
  status(`drew seed ${seed} at psi ${psi} on ${tf.getBackend()}`);
}

async function start(): Promise<void> {
  await tf.ready();
  const info = (await (await fetch('gantry.json')).json()) as ExportInfo;
  state.info = info;
  const [mapping, synthesis] = await Promise.all([tf.loadLayersModel('mapping/model.json'), tf.loadLayersModel('synthesis/model.json')]);
  state.generator = { mapping, synthesis };
  $('title').textContent = `StyleGAN (${info.mode}) on ${info.data}: ${info.resolution} x ${info.resolution}, step ${info.step}`;
  // one drawing at a time, in the order asked, so that the last image shown is the last one asked for
  let drawing = Promise.resolve();
  const redraw = () => { drawing = drawing.then(draw).catch((err: Error) => status(`error: ${err.message}`)); };
  for (const id of ['seed', 'psi']) $<HTMLInputElement>(id).oninput = redraw;
  status(`ready on ${tf.getBackend()}: choose a seed and a truncation`);
  redraw();
}

start().catch((err: Error) => status(`error: ${err.message}`));
