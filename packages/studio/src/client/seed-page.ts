// What the pages `gantry export` writes beside a seed-drawing generator (StyleGAN, ProGAN) share: stock
// TensorFlow.js (webgl where the browser has it) loads the exported models named in gantry.json, and a seed (and,
// where the page has the slider, a truncation psi; for a conditional generator, a class from the menu the page
// adds from gantry.json's classNames) draws an image, the one `gantry sample --seed [--class]` draws in Node.
// The page's last drawing is on window.__gantryExport for the browser test (packages/cli/test/export-page.test.ts).
import * as tf from '@tensorflow/tfjs';

export interface SeedPage<Info, Generator> {
  /** the exported models of `info`, loaded with tf.loadLayersModel */
  load(info: Info): Promise<Generator>;
  title(info: Info): string;
  /** the image [1, R, R, 3] in [-1, 1] of a seed; psi is 1 where the page has no truncation slider; classIndex of a conditional generator */
  sample(generator: Generator, seed: number, psi: number, classIndex?: number): tf.Tensor4D;
}

/** What every seed page's gantry.json may hold: the classes of a conditional generator. */
interface ClassInfo { classNames?: string[] }

/** A "class" menu after the seed input, for a conditional generator's classes; null for an unconditional one. */
function classMenu(classNames: readonly string[] | undefined): HTMLSelectElement | null {
  if (!classNames?.length) return null;
  const select = document.createElement('select');
  select.id = 'class';
  classNames.forEach((name, i) => select.add(new Option(`${i} ${name}`, String(i))));
  const label = document.createElement('label');
  label.append(' class ', select);
  $('seed').parentElement!.after(label);
  return select;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function status(text: string): void {
  $('status').textContent = text;
}

export function startSeedPage<Info extends ClassInfo, Generator>(page: SeedPage<Info, Generator>): void {
  const state: { generator?: Generator; info?: Info; last?: { seed: number; psi?: number; classIndex?: number; output: number[] } } = {};
  (window as unknown as { __gantryExport: unknown }).__gantryExport = state;
  const psiInput = document.getElementById('psi') as HTMLInputElement | null;
  let classInput: HTMLSelectElement | null = null;

  async function draw(generator: Generator): Promise<void> {
    const seed = Number($<HTMLInputElement>('seed').value);
    if (!Number.isInteger(seed) || seed < 0) return status(`the seed is a whole number >= 0, got ${$<HTMLInputElement>('seed').value}`);
    const psi = psiInput ? Number(psiInput.value) : undefined;
    if (psi !== undefined) $('psi-value').textContent = psi.toFixed(2);
    // read once, before any await: the menu may change while this image is drawn, and the status must name this image's class
    const classIndex = classInput ? Number(classInput.value) : undefined;
    const ofClass = classInput ? ` of class ${classInput.selectedOptions[0]?.text ?? classIndex}` : '';
    const images = page.sample(generator, seed, psi ?? 1, classIndex);
    const image = tf.tidy(() => images.squeeze([0]) as tf.Tensor3D);
    state.last = { seed, psi, classIndex, output: Array.from(await image.data()) };
    const shown = tf.tidy(() => tf.clipByValue(tf.div(tf.add(image, 1), 2), 0, 1) as tf.Tensor3D);
    await tf.browser.toPixels(shown, $<HTMLCanvasElement>('output'));
    tf.dispose([images, image, shown]);
    status(`drew seed ${seed}${psi === undefined ? '' : ` at psi ${psi}`}${ofClass} on ${tf.getBackend()}`);
  }

  async function start(): Promise<void> {
    await tf.ready();
    const info = (await (await fetch('gantry.json')).json()) as Info;
    state.info = info;
    const generator = await page.load(info);
    state.generator = generator;
    $('title').textContent = page.title(info);
    // one drawing at a time, in the order asked, so that the last image shown is the last one asked for
    let drawing = Promise.resolve();
    const redraw = () => { drawing = drawing.then(() => draw(generator)).catch((err: Error) => status(`error: ${err.message}`)); };
    $<HTMLInputElement>('seed').oninput = redraw;
    if (psiInput) psiInput.oninput = redraw;
    classInput = classMenu(info.classNames);
    if (classInput) classInput.onchange = redraw;
    status(`ready on ${tf.getBackend()}: choose a seed${psiInput ? ' and a truncation' : ''}${classInput ? ' and a class' : ''}`);
    redraw();
  }

  start().catch((err: Error) => status(`error: ${err.message}`));
}
