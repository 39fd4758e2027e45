// The static page `gantry export` writes beside a translation run's generator: index.html and translate.js
// (client/translate-page.ts bundled with stock tfjs and core's layer registrations). Served by any static
// server (browsers do not fetch model.json from file:// URLs), it translates a PNG in the browser.
import { bundleClient } from './bundle.js';

const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gantry: translate in the browser</title>
<style>body { font: 14px system-ui, sans-serif; margin: 16px; } canvas { width: 256px; height: 256px; image-rendering: pixelated;
border: 1px solid #ccc; margin-right: 8px; } .small { color: #666; }</style></head>
<body><h1 id="title">loading the model...</h1><p><input id="file" type="file" accept="image/png,image/*"> or drop an image on the page</p>
<p><canvas id="input"></canvas><canvas id="output"></canvas></p><p id="status" class="small">loading...</p>
<script type="module" src="translate.js"></script></body></html>
`;

/** File name -> contents of the page. */
export async function translatePageFiles(): Promise<Map<string, string | Buffer>> {
  const scripts = await bundleClient({ translate: 'translate-page' });
  const script = scripts.get('translate.js');
  if (!script) throw new Error('bundling the translate page produced no translate.js');
  return new Map<string, string | Buffer>([['index.html', INDEX], ['translate.js', script]]);
}
