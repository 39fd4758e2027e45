// The two HTML shells; everything else is drawn by the bundled scripts.
import { LOSS_NAMES } from '@gantry/core';

// core's list of losses, the non-saturating one (the playground's default) first
const lossOptions = ['nonsaturating', ...LOSS_NAMES.filter((n) => n !== 'nonsaturating')].map((n) => `<option>${n}</option>`).join('');
const style = `
  body { font: 14px system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
  header { background: #263238; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: baseline; }
  header a { color: #b2dfdb; } h1 { font-size: 18px; margin: 0; }
  main { display: flex; gap: 16px; padding: 16px; }
  #runs { min-width: 260px; } #runs li { cursor: pointer; padding: 6px; border-radius: 4px; list-style: none; }
  #runs li.active, #runs li:hover { background: #e0f2f1; } #runs ul { padding: 0; margin: 0; }
  .small { color: #666; font-size: 12px; } pre { background: #fff; border: 1px solid #ddd; padding: 8px; max-height: 260px; overflow: auto; }
  canvas { background: #fff; border: 1px solid #ddd; } button, select, input { font: inherit; margin: 2px; }
  .row { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; } .panel { margin-bottom: 12px; }
  #grids img { image-rendering: pixelated; max-width: 320px; border: 1px solid #ddd; }
  label { display: inline-block; margin-right: 8px; }`;

function page(title: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${style}</style></head>
<body><header><h1>gantry studio</h1><a href="/">runs</a><a href="/playground">2D playground</a></header>${body}
<script type="module" src="/assets/${script}"></script></body></html>`;
}

// A run's page, cloned by the client for each run it opens; values from the run's files are then set as
// text, never as HTML.
const runDetail = `<template id="run-detail"><h2 id="run-name"></h2><p id="live" class="small"></p><p id="phase"></p>
<div class="row"><canvas id="loss-chart" width="520" height="260"></canvas><canvas id="metric-chart" width="420" height="260"></canvas></div>
<div class="row"><div class="panel" id="grids"><h3>samples over time</h3><input id="grid-step" type="range" min="0" max="0" value="0" style="width:320px"><br>
  <span id="grid-label" class="small">no sample grids yet</span><br><img id="grid-img" alt=""><audio id="grid-audio" controls style="display:none"></audio></div>
<div class="panel"><h3>sample now</h3><button id="sample-now">sample from the latest checkpoint</button>
  <span id="truncation" style="display:none"><label>truncation psi <input id="psi" type="range" min="0.05" max="1" step="0.05" value="1"></label><span id="psi-label">1.00</span></span>
  <span id="class-picker" style="display:none"><label>class <select id="class"><option value="">all, one per image</option></select></label></span><br>
  <span id="sample-label" class="small"></span><br><img id="sample-img" alt="" style="display:none;image-rendering:pixelated;max-width:320px">
  <canvas id="sample-plot" width="320" height="320" style="display:none"></canvas>
  <table id="sample-table" class="small" style="display:none"></table></div></div>
<h3>config</h3><pre id="run-config"></pre></template>`;

export function appPage(): string {
  return page('gantry studio: runs', `<main><section id="runs"><h2>Runs</h2><ul id="run-list"><li class="small">loading...</li></ul></section>
<section id="detail"><p class="small">Pick a run.</p></section></main>${runDetail}`, 'app.js');
}

export function playgroundPage(): string {
  return page('gantry studio: 2D playground', `<main class="row"><div>
<canvas id="plot" width="480" height="480"></canvas>
<p class="small">grey: real points, orange: generated, background: D's output (green = "real", purple = "fake"), lines: G's image of a grid of z. In "draw" mode click or drag to add points.</p></div>
<div><div class="panel"><label>data <select id="dist"><option>ring</option><option>grid</option><option>moons</option><option>draw</option></select></label>
<button id="clear">clear drawing</button></div>
<div class="panel"><label>loss <select id="loss">${lossOptions}</select></label>
<label>penalty <select id="penalty"><option>none</option><option>gp</option><option>r1</option></select></label></div>
<div class="panel"><label>lr G <input id="lrg" size="6" value="0.002"></label><label>lr D <input id="lrd" size="6" value="0.002"></label>
<label>batch <input id="batch" size="4" value="128"></label></div>
<div class="panel"><button id="play">play</button><button id="pause">pause</button><button id="step">step</button><button id="reset">reset</button></div>
<pre id="status">starting...</pre></div></main>`, 'playground.js');
}
