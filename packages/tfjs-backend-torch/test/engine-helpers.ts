// Test helpers: a seeded generator and running one computation on the torch and cpu backends.
import * as tf from '@tensorflow/tfjs-core';
import '@gantry/tfjs-backend-torch';

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Values = number[] | Float32Array | Int32Array | Uint8Array;

/** Runs fn on a backend with fresh tensors; returns each output's values, shape and dtype. */
export async function runOn(backend: string, fn: () => tf.Tensor | tf.Tensor[]):
  Promise<Array<{ values: number[]; shape: number[]; dtype: string }>> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(fn);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const result = list.map((t) => ({ values: Array.from(t.dataSync() as ArrayLike<number>), shape: t.shape, dtype: t.dtype }));
  tf.dispose(list);
  return result;
}

/** Asserts torch and cpu agree on fn (shape, dtype, values within a relative tolerance). */
export async function assertSameAsCpu(label: string, fn: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5): Promise<void> {
  const expected = await runOn('cpu', fn);
  const actual = await runOn('torch', fn);
  if (actual.length !== expected.length) throw new Error(`${label}: ${actual.length} outputs, cpu gives ${expected.length}`);
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k], a = actual[k];
    if (a.dtype !== e.dtype) throw new Error(`${label}: dtype ${a.dtype}, cpu gives ${e.dtype}`);
    if (a.shape.join(',') !== e.shape.join(',')) throw new Error(`${label}: shape [${a.shape}], cpu gives [${e.shape}]`);
    for (let i = 0; i < e.values.length; i++) {
      const x = a.values[i], y = e.values[i];
      if (Number.isNaN(y) && Number.isNaN(x)) continue;
      if (x === y) continue;
      if (!(Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(y)))) {
        throw new Error(`${label}: output ${k} element ${i} is ${x}, cpu gives ${y}`);
      }
    }
  }
}

export function randomShape(rand: () => number, rank: number, maxDim = 5): number[] {
  return Array.from({ length: rank }, () => 1 + Math.floor(rand() * maxDim));
}

export function randomValues(rand: () => number, size: number, scale = 2): number[] {
  return Array.from({ length: size }, () => (rand() * 2 - 1) * scale);
}
