// The static pages `gantry export` writes beside a generator: index.html and a script (a client/ page bundled
// with stock tfjs and core's layer registrations). Served by any static server (browsers do not fetch
// model.json from file:// URLs), a translation run's page translates a PNG in the browser (translate.js), a
// StyleGAN run's draws the image of a seed at a truncation psi, a ProGAN run's the image of a seed (sample.js).
import { bundleClient } from './bundle.js';

const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gantry: translate in the browser</title>
<style>body { font: 14px system-ui, sans-serif; margin: 16px; } canvas { width: 256px; height: 256px; image-rendering: pixelated;
border: 1px solid #ccc; margin-right: 8px; } .small { color: #666; }</style></head>
<body><h1 id="title">loading the model...</h1><p><input id="file" type="file" accept="image/png,image/*"> or drop an image on the page</p>
<p><canvas id="input"></canvas><canvas id="output"></canvas></p><p id="status" class="small">loading...</p>
<script type="module" src="translate.js"></script></body></html>
`;

/** The page of a seed-drawing export: a seed, and for StyleGAN a truncation psi slider (client/seed-page.ts). */
const seedIndex = (model: string, truncation: boolean) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gantry: ${model} in the browser</title>
<style>body { font: 14px system-ui, sans-serif; margin: 16px; } canvas { width: 256px; height: 256px; image-rendering: pixelated;
border: 1px solid #ccc; } .small { color: #666; }</style></head>
<body><h1 id="title">loading the model...</h1>
<p><label>seed <input id="seed" type="number" min="0" step="1" value="0"></label>${truncation ? `
<label>truncation psi <input id="psi" type="range" min="0.05" max="1" step="0.05" value="1"> <span id="psi-value">1.00</span></label>` : ''}</p>
<p><canvas id="output"></canvas></p><p id="status" class="small">loading...</p>
<script type="module" src="sample.js"></script></body></html>
`;

/** index.html and the bundled client/<entry>.ts as <script>. */
async function pageFiles(index: string, script: string, entry: string): Promise<Map<string, string | Buffer>> {
  const bundled = (await bundleClient({ [script.replace(/\.js$/, '')]: entry })).get(script);
  if (!bundled) throw new Error(`bundling the ${entry} page produced no ${script}`);
  return new Map<string, string | Buffer>([['index.html', index], [script, bundled]]);
}

/** File name -> contents of a translation run's page. */
export async function translatePageFiles(): Promise<Map<string, string | Buffer>> {
  return pageFiles(INDEX, 'translate.js', 'translate-page');
}

/** File name -> contents of a StyleGAN run's page (next to mapping/ and synthesis/). */
export async function styleganPageFiles(): Promise<Map<string, string | Buffer>> {
  return pageFiles(seedIndex('StyleGAN', true), 'sample.js', 'stylegan-page');
}

/** File name -> contents of a ProGAN run's page (next to generator/). */
export async function proganPageFiles(): Promise<Map<string, string | Buffer>> {
  return pageFiles(seedIndex('ProGAN', false), 'sample.js', 'progan-page');
}
