// The 2D playground: trains a small GAN in the page with the same @gantry/core code that runs in Node,
// drawing real and generated points, D's decision surface and G's image of a grid of z.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  createRng, ganTrainable, grid25, mlpDiscriminator, mlpGenerator,
  moons, optimizerSpecsForLoss, ring8, SINGLE_PROCESS, type DataSource, type LossName, type Rng, type Trainable,
} from '@gantry/core';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('plot');
const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
const SIZE = canvas.width;
const HEAT = 40;
const ZGRID = 11;

let drawn: Array<[number, number]> = [];

function drawnSource(): DataSource {
  return {
    size: drawn.length,
    sampleBatch(rng: Rng, n: number) {
      const v = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const [x, y] = drawn[rng.int(drawn.length)];
        v[2 * i] = x + 0.04 * rng.normal(); v[2 * i + 1] = y + 0.04 * rng.normal();
      }
      return { x: tf.tensor2d(v, [n, 2]) };
    },
  };
}

function dataSource(kind: string): DataSource {
  if (kind === 'grid') return grid25({ spacing: 1, std: 0.05 });
  if (kind === 'moons') return moons({ noise: 0.05 });
  if (kind === 'draw') return drawnSource();
  return ring8({ radius: 1.5, std: 0.05 });
}

interface Session {
  /** the classic GAN variant of core's training loop; the page takes its steps one frame at a time */
  gan: Trainable;
  rng: Rng;
  source: DataSource;
  real: Float32Array;
  fixedZ: tf.Tensor2D;
  zGrid: tf.Tensor2D;
  range: number;
  steps: number;
  losses: Record<string, number>;
  wasserstein: boolean;
}

let session: Session | undefined;
let playing = false;

function readNumber(id: string, fallback: number): number {
  const v = Number($<HTMLInputElement>(id).value);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function newSession(): Session {
  if (session) {
    tf.dispose([session.fixedZ, session.zGrid]);
    for (const model of Object.values(session.gan.models)) model.dispose();
    for (const optimizer of Object.values(session.gan.optimizers)) optimizer.dispose();
  }
  const kind = $<HTMLSelectElement>('dist').value;
  if (kind === 'draw' && drawn.length === 0) {
    // something to start from until the user draws
    for (let k = 0; k < 3; k++) drawn.push([Math.cos(k * 2.1) * 1.2, Math.sin(k * 2.1) * 1.2]);
  }
  const loss = $<HTMLSelectElement>('loss').value as LossName;
  const penaltyKind = $<HTMLSelectElement>('penalty').value;
  const lrG = readNumber('lrg', 0.002); const lrD = readNumber('lrd', 0.002);
  const batchSize = Math.round(readNumber('batch', 128));
  const seed = 1;
  const wasserstein = loss === 'wgan' || loss === 'wgan-gp';
  const source = dataSource(kind);
  const gan = ganTrainable({
    generator: mlpGenerator({ latentDim: 2, outputDim: 2, hidden: [64, 64], seed }),
    discriminator: mlpDiscriminator({ inputDim: 2, hidden: [64, 64], seed: seed + 1, hiddenActivation: 'leakyRelu' }),
    data: source,
    config: {
      loss, latentDim: 2, seed, batchSize,
      penalty: penaltyKind === 'gp' ? { kind: 'gp', weight: 1 } : penaltyKind === 'r1' ? { kind: 'r1', weight: 1 } : undefined,
      // core's policy (the loss's preset), at the rates set on the page
      optimizers: optimizerSpecsForLoss(loss, { generator: lrG, discriminator: lrD }),
    },
  });
  const realBatch = source.sampleBatch(createRng(99), 512).x;
  const real = realBatch.dataSync() as Float32Array;
  realBatch.dispose();
  let m = 0;
  for (const v of real) m = Math.max(m, Math.abs(v));
  const zs: number[] = [];
  for (let i = 0; i < ZGRID; i++) for (let j = 0; j < ZGRID; j++) zs.push(-2 + (4 * j) / (ZGRID - 1), -2 + (4 * i) / (ZGRID - 1));
  const zRng = createRng(7);
  const fixedZ = tf.tensor2d(Float32Array.from({ length: 1024 }, () => zRng.normal()), [512, 2]);
  return {
    gan, rng: createRng(seed),
    source, real, fixedZ, zGrid: tf.tensor2d(zs, [ZGRID * ZGRID, 2]), range: Math.max(1, m * 1.25), steps: 0, losses: {}, wasserstein,
  };
}

function trainSteps(s: Session, n: number): void {
  for (let k = 0; k < n; k++) {
    s.losses = s.gan.step({ step: s.steps + 1, totalSteps: Infinity, rng: s.rng, replicas: SINGLE_PROCESS });
    s.steps++;
  }
}

function generated(s: Session, z: tf.Tensor2D): Float32Array {
  return tf.tidy(() => s.gan.models.generator.predict(z) as tf.Tensor).dataSync() as Float32Array;
}

/** Symmetric mean nearest-neighbour distance between generated (fixed z) and real points. */
function chamfer(s: Session): number {
  const fake = generated(s, s.fixedZ);
  const nearest = (a: Float32Array, b: Float32Array) => {
    let total = 0;
    for (let i = 0; i < a.length; i += 2) {
      let best = Infinity;
      for (let j = 0; j < b.length; j += 2) best = Math.min(best, (a[i] - b[j]) ** 2 + (a[i + 1] - b[j + 1]) ** 2);
      total += Math.sqrt(best);
    }
    return total / (a.length / 2);
  };
  return (nearest(fake, s.real) + nearest(s.real, fake)) / 2;
}

function render(s: Session): void {
  const r = s.range;
  const toPx = (x: number, y: number): [number, number] => [((x + r) / (2 * r)) * SIZE, SIZE - ((y + r) / (2 * r)) * SIZE];
  // D's decision surface
  const cells: number[] = [];
  for (let i = 0; i < HEAT; i++) for (let j = 0; j < HEAT; j++) cells.push(-r + (2 * r * (j + 0.5)) / HEAT, r - (2 * r * (i + 0.5)) / HEAT);
  const logits = tf.tidy(() => {
    const out = s.gan.models.discriminator.predict(tf.tensor2d(cells, [HEAT * HEAT, 2]));
    return (Array.isArray(out) ? out[0] : out).dataSync() as Float32Array;
  });
  let lo = Infinity; let hi = -Infinity;
  for (const v of logits) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const cw = SIZE / HEAT;
  for (let k = 0; k < logits.length; k++) {
    const p = s.wasserstein ? (logits[k] - lo) / (hi - lo || 1) : 1 / (1 + Math.exp(-logits[k]));
    // white at p = 0.5, green towards "real" (1), purple towards "fake" (0)
    const t = Math.min(1, Math.abs(p - 0.5) * 2);
    const [cr, cg, cb] = p >= 0.5 ? [129, 199, 132] : [206, 147, 216];
    ctx.fillStyle = `rgb(${Math.round(255 + (cr - 255) * t)},${Math.round(255 + (cg - 255) * t)},${Math.round(255 + (cb - 255) * t)})`;
    ctx.fillRect((k % HEAT) * cw, Math.floor(k / HEAT) * cw, cw + 1, cw + 1);
  }
  // G's image of a grid of z
  const grid = generated(s, s.zGrid);
  ctx.strokeStyle = 'rgba(90,90,160,0.45)'; ctx.lineWidth = 1;
  for (let i = 0; i < ZGRID; i++) {
    for (const along of [true, false]) {
      ctx.beginPath();
      for (let j = 0; j < ZGRID; j++) {
        const idx = along ? i * ZGRID + j : j * ZGRID + i;
        const [x, y] = toPx(grid[2 * idx], grid[2 * idx + 1]);
        if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
  }
  const dots = (pts: ArrayLike<number>, color: string) => {
    ctx.fillStyle = color;
    for (let i = 0; i + 1 < pts.length; i += 2) { const [x, y] = toPx(pts[i], pts[i + 1]); ctx.fillRect(x - 2, y - 2, 4, 4); }
  };
  dots(s.real, 'rgba(70,70,70,0.75)');
  dots(generated(s, s.fixedZ), 'rgba(230,110,20,0.85)');
  $('status').textContent = `backend ${tf.getBackend()}  step ${s.steps}\n` +
    Object.entries(s.losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('\n');
}

function loop(): void {
  if (!playing || !session) return;
  try {
    trainSteps(session, 5);
    render(session);
  } catch (e) {
    playing = false;
    $('status').textContent = `stopped: ${(e as Error).message}`;
    return;
  }
  requestAnimationFrame(loop);
}

async function pickBackend(): Promise<string> {
  const wanted = new URLSearchParams(location.search).get('backend');
  const order = wanted ? [wanted] : ['webgl', 'wasm', 'cpu'];
  setWasmPaths('/assets/');
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
        return name;
      }
    } catch { /* next */ }
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

function restart(): void {
  playing = false;
  session = newSession();
  render(session);
}

canvas.addEventListener('pointerdown', (ev) => {
  if ($<HTMLSelectElement>('dist').value !== 'draw' || !session) return;
  const add = (e: PointerEvent) => {
    const rect = canvas.getBoundingClientRect(); const r = session ? session.range : 2;
    drawn.push([((e.clientX - rect.left) / rect.width) * 2 * r - r, r - ((e.clientY - rect.top) / rect.height) * 2 * r]);
  };
  if (drawn.length <= 3 && session.steps === 0) drawn = [];
  add(ev);
  const move = (e: PointerEvent) => add(e);
  canvas.addEventListener('pointermove', move);
  window.addEventListener('pointerup', () => { canvas.removeEventListener('pointermove', move); restart(); }, { once: true });
});

$('play').onclick = () => { if (!playing) { playing = true; requestAnimationFrame(loop); } };
$('pause').onclick = () => { playing = false; };
$('step').onclick = () => { if (session) { playing = false; trainSteps(session, 1); render(session); } };
$('reset').onclick = restart;
$('clear').onclick = () => { drawn = []; restart(); };
for (const id of ['dist', 'loss', 'penalty', 'lrg', 'lrd', 'batch']) $(id).onchange = restart;

// read by the browser tests
(window as unknown as { __playground: unknown }).__playground = {
  get steps() { return session?.steps ?? 0; },
  get playing() { return playing; },
  get losses() { return session?.losses ?? {}; },
  backend: () => tf.getBackend(),
  distance: () => (session ? chamfer(session) : NaN),
};

void pickBackend().then(() => { restart(); (window as unknown as { __ready: boolean }).__ready = true; });
