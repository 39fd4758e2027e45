// The run browser: run list, live loss/metric curves (polling metrics.jsonl), sample grids (or, for audio
// runs, preview speech) over time, a progressive run's growing phase, the config, and "sample now" from the
// newest checkpoint (with a truncation slider for StyleGAN runs).
import { drawChart, drawPoints, type Series } from './charts.js';
import { growthPhase } from './growth.js';

interface RunListing { name: string; data?: string; kind?: string; loss?: string; model?: string; step: number; totalSteps?: number }
type Rec = Record<string, unknown>;

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

// seed: the first of the seeds a StyleGAN or ProGAN run's "sample now" draws, fixed per opened run so that moving psi or the class shows the same seeds
const state = { run: '' as string, kind: '' as string, records: [] as Rec[], next: 0, samplesShown: 0, timer: 0 as number | undefined, seed: 0 };
// read by the browser tests
(window as unknown as { __studio: unknown }).__studio = state;

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  return (await r.json()) as T;
}

/** Creates an element; string children become text nodes, so values from run files are never parsed as HTML. */
function el(tag: string, className: string, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.append(...children);
  return e;
}

function runItem(r: RunListing): HTMLElement {
  const summary = `${r.data ?? '?'} · ${r.model ?? '?'} · ${r.loss ?? '?'} · step ${r.step}/${r.totalSteps ?? '?'}`;
  const li = el('li', r.name === state.run ? 'active' : '', el('b', '', r.name), el('br', ''), el('span', 'small', summary));
  li.dataset.run = r.name;
  li.onclick = () => { void openRun(r.name); };
  return li;
}

async function refreshList(): Promise<void> {
  const runs = await getJson<RunListing[]>('/api/runs');
  $('#run-list').replaceChildren(...(runs.length === 0 ? [el('li', 'small', 'no runs yet: gantry train --out runs/NAME')] : runs.map(runItem)));
}

function lossSeries(records: Rec[]): Series[] {
  const steps = records.filter((r) => r.event === undefined && typeof r.step === 'number');
  const names = [...new Set(steps.flatMap((r) => Object.keys(r).filter((k) => k.includes('/'))))];
  return names.map((name) => ({ name, points: steps.filter((r) => typeof r[name] === 'number').map((r) => [r.step as number, r[name] as number]) }));
}

function metricSeries(records: Rec[]): Series[] {
  const evals = records.filter((r) => r.event === 'eval');
  // fd: the emoji runs' Frechet distance (gantry eval of translation, StyleGAN, ProGAN, StackGAN runs); the last two are StackGAN's
  const names = ['fid', 'fd', 'kid', 'precision', 'recall', 'coverage', 'categoryAccuracy', 'retrieval'].filter((k) => evals.some((e) => typeof e[k] === 'number'));
  return names.map((name) => ({ name, points: evals.filter((e) => typeof e[name] === 'number').map((e) => [e.step as number, e[name] as number]) }));
}

function redraw(): void {
  drawChart($<HTMLCanvasElement>('#loss-chart'), 'losses', lossSeries(state.records));
  drawChart($<HTMLCanvasElement>('#metric-chart'), 'evaluations (gantry eval)', metricSeries(state.records));
  const last = [...state.records].reverse().find((r) => r.event === undefined);
  const err = [...state.records].reverse().find((r) => r.event === 'error');
  $('#phase').textContent = growthPhase(state.records) ?? '';
  $('#live').textContent = `${state.records.length} records${last ? `, step ${String(last.step)}, ${Number(last.stepsPerSecond ?? 0).toFixed(2)} steps/s` : ''}${err ? ` — error: ${String(err.message)}` : ''}`;
}

async function poll(): Promise<void> {
  const run = state.run;
  const m = await getJson<{ records: Rec[]; next: number }>(`/api/runs/${encodeURIComponent(run)}/metrics?from=${state.next}`);
  if (run !== state.run) return;
  if (m.next < state.next) { state.records = []; state.next = 0; return; }
  state.records.push(...m.records);
  state.next = m.next;
  if (m.records.length) redraw();
  const detail = await getJson<{ samples: { file: string; step: number }[] }>(`/api/runs/${encodeURIComponent(run)}`);
  if (detail.samples.length !== state.samplesShown) showSamples(detail.samples);
}

function showSamples(samples: { file: string; step: number }[]): void {
  state.samplesShown = samples.length;
  const slider = $<HTMLInputElement>('#grid-step');
  slider.max = String(Math.max(0, samples.length - 1));
  const atEnd = Number(slider.value) >= samples.length - 2;
  if (atEnd) slider.value = slider.max;
  const show = () => {
    const s = samples[Number(slider.value)];
    if (!s) return;
    const src = `/api/runs/${encodeURIComponent(state.run)}/samples/${encodeURIComponent(s.file)}`;
    const img = $<HTMLImageElement>('#grid-img'); const audio = $<HTMLAudioElement>('#grid-audio');
    const isAudio = s.file.endsWith('.wav');
    img.style.display = isAudio ? 'none' : '';
    audio.style.display = isAudio ? '' : 'none';
    if (isAudio) audio.src = src; else img.src = src;
    $('#grid-label').textContent = `step ${s.step} (${Number(slider.value) + 1} of ${samples.length})`;
  };
  slider.oninput = show;
  show();
}

async function openRun(name: string): Promise<void> {
  window.clearInterval(state.timer);
  Object.assign(state, { run: name, records: [], next: 0, samplesShown: 0, seed: Math.floor(Math.random() * 100000) });
  const detail = await getJson<{ config: unknown; kind: string | null; classes: string[] | null }>(`/api/runs/${encodeURIComponent(name)}`);
  state.kind = detail.kind ?? '';
  $('#detail').replaceChildren($<HTMLTemplateElement>('#run-detail').content.cloneNode(true));
  $('#run-name').textContent = name;
  $('#run-config').textContent = JSON.stringify(detail.config, null, 2);
  $<HTMLButtonElement>('#sample-now').onclick = () => { void sampleNow(); };
  if (state.kind === 'stylegan') {
    $('#truncation').style.display = '';
    const psi = $<HTMLInputElement>('#psi');
    psi.oninput = () => { $('#psi-label').textContent = Number(psi.value).toFixed(2); };
    psi.onchange = () => { void sampleNow(); };
  }
  if (detail.classes) {
    const select = $<HTMLSelectElement>('#class');
    detail.classes.forEach((name, i) => select.add(new Option(`${i} ${name}`, String(i))));
    $('#class-picker').style.display = '';
    select.onchange = () => { void sampleNow(); };
  }
  redraw();
  await refreshList();
  await poll();
  state.timer = window.setInterval(() => { void poll().catch(() => undefined); }, 1000);
}

/** Generated table rows under the CSV's column names, as text (cells come from the run's own categories). */
function fillTable(table: HTMLTableElement, columns: string[], rows: string[][]): void {
  table.replaceChildren();
  for (const [cells, tag] of [[columns, 'th'], ...rows.map((r) => [r, 'td'] as const)] as const) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement(tag);
      td.textContent = cell;
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
}

const SHOWN_ROWS = 20;
// StyleGAN and ProGAN images are larger and slower to draw than a small GAN's: a 4 x 4 grid
const MODEL_SAMPLES = 16;
const drawsSeeds = () => state.kind === 'stylegan' || state.kind === 'progan';

function sampleQuery(): string {
  if (!drawsSeeds()) return 'n=256';
  const query = new URLSearchParams({ n: String(MODEL_SAMPLES), seed: String(state.seed) });
  if (state.kind === 'stylegan') query.set('psi', $<HTMLInputElement>('#psi').value);
  const picked = $<HTMLSelectElement>('#class').value;
  if (picked !== '') query.set('class', picked);
  return query.toString();
}

/** What "sample now" drew: the truncation, the class and the seeds of a StyleGAN or ProGAN run. */
function sampleDescription(): string {
  if (!drawsSeeds()) return '';
  const select = $<HTMLSelectElement>('#class');
  const picked = select.value === '' ? '' : `, class ${select.selectedOptions[0]?.text ?? select.value}`;
  const psi = state.kind === 'stylegan' ? `, psi ${$<HTMLInputElement>('#psi').value}` : '';
  return `${psi}${picked}, seeds ${state.seed}..${state.seed + MODEL_SAMPLES - 1}`;
}

async function sampleNow(): Promise<void> {
  // what is asked for, read before the request: the slider or menu may move while it runs
  const query = sampleQuery();
  const description = sampleDescription();
  $('#sample-label').textContent = 'sampling...';
  const r = await getJson<{
    error?: string; kind?: string; step?: number; png?: string; points?: number[]; range?: { lo: number; hi: number };
    columns?: string[]; rows?: string[][];
  }>(`/api/runs/${encodeURIComponent(state.run)}/sample?${query}`, { method: 'POST' });
  if (r.error) { $('#sample-label').textContent = r.error; return; }
  $('#sample-label').textContent = `from the checkpoint at step ${r.step}${description}`;
  const img = $<HTMLImageElement>('#sample-img'); const plot = $<HTMLCanvasElement>('#sample-plot');
  const table = $<HTMLTableElement>('#sample-table');
  for (const el of [img, plot, table]) el.style.display = 'none';
  if (r.kind === 'image' && r.png) { img.src = `data:image/png;base64,${r.png}`; img.style.display = ''; }
  else if (r.kind === 'table' && r.columns && r.rows) { fillTable(table, r.columns, r.rows.slice(0, SHOWN_ROWS)); table.style.display = ''; }
  else if (r.points) { drawPoints(plot, r.points, r.range); plot.style.display = ''; }
}

void refreshList();
window.setInterval(() => { void refreshList().catch(() => undefined); }, 3000);
const first = new URLSearchParams(location.search).get('run');
if (first) void openRun(first);
