// The page `gantry export` writes next to a translation run's generator (pix2pix, CycleGAN, DiscoGAN): stock
// TensorFlow.js (webgl where the browser has it) loads model.json, and a PNG dropped or chosen is translated
// in the browser. Importing @gantry/core registers its layers (instance norm, reflection padding, ...) with
// tfjs's serialization, which is all a plain tfjs page lacks to load these models.
import * as tf from '@tensorflow/tfjs';
import '@gantry/core';

interface ExportInfo { model: string; direction: string; from: string; to: string; inputShape: [number, number, number] }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const state: { model?: tf.LayersModel; info?: ExportInfo; last?: { input: number[]; output: number[] } } = {};
// read by the browser test (packages/cli/test/export-page.test.ts)
(window as unknown as { __gantryExport: unknown }).__gantryExport = state;

function status(text: string): void {
  $('status').textContent = text;
}

/** RGB in [-1, 1] of an image drawn at the model's size, [1, H, W, 3]. */
function pixelsOf(image: CanvasImageSource, [h, w]: [number, number, number]): tf.Tensor4D {
  const canvas = $<HTMLCanvasElement>('input');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  // the models were trained on emoji composited onto white
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(image, 0, 0, w, h);
  return tf.tidy(() => tf.sub(tf.div(tf.browser.fromPixels(ctx.getImageData(0, 0, w, h), 3).toFloat(), 127.5), 1).expandDims(0) as tf.Tensor4D);
}

async function translate(image: CanvasImageSource): Promise<void> {
  const { model, info } = state;
  if (!model || !info) return;
  const x = pixelsOf(image, info.inputShape);
  // training mode, as `gantry translate` and the authors' test.py: batch norm on the image's own statistics
  // (and pix2pix's dropout on, as its noise)
  const y = tf.tidy(() => (model.apply(x, { training: true }) as tf.Tensor).squeeze([0]) as tf.Tensor3D);
  state.last = { input: Array.from(await x.data()), output: Array.from(await y.data()) };
  const shown = tf.tidy(() => tf.clipByValue(tf.div(tf.add(y, 1), 2), 0, 1) as tf.Tensor3D);
  await tf.browser.toPixels(shown, $<HTMLCanvasElement>('output'));
  tf.dispose([x, y, shown]);
  status(`translated ${info.from} -> ${info.to} on ${tf.getBackend()}`);
}

async function fromFile(file: File): Promise<void> {
  const bitmap = await createImageBitmap(file);
  try {
    await translate(bitmap);
  } finally {
    bitmap.close();
  }
}

async function start(): Promise<void> {
  await tf.ready();
  state.info = (await (await fetch('gantry.json')).json()) as ExportInfo;
  state.model = await tf.loadLayersModel('model.json');
  const { info } = state;
  $('title').textContent = `${info.model}: ${info.from} -> ${info.to} (${info.inputShape[0]} x ${info.inputShape[1]})`;
  status(`ready on ${tf.getBackend()}: choose or drop a PNG`);
  $<HTMLInputElement>('file').onchange = (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void fromFile(file).catch((err: Error) => status(`error: ${err.message}`));
  };
  document.body.ondragover = (e) => e.preventDefault();
  document.body.ondrop = (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void fromFile(file).catch((err: Error) => status(`error: ${err.message}`));
  };
}

start().catch((err: Error) => status(`error: ${err.message}`));
