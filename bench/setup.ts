// What the bench tools share before they measure: reading a flag, and making one tfjs backend current
// with a given thread count.
import * as tf from '@tensorflow/tfjs-core';

/** The value after `flag` on the command line, or `fallback`. */
export function arg(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] != null ? process.argv[i + 1] : fallback;
}

/** Registers and selects backend `name` (torch, wasm or cpu) with `threads` threads; returns the count it reports. */
export async function setUpBackend(name: string, threads: number): Promise<number> {
  if (name === 'torch') {
    const torch = await import('@gantry/tfjs-backend-torch') as { setNumThreads?(n: number): void; numThreads?(): number };
    torch.setNumThreads?.(threads);
    await tf.setBackend('torch');
    return torch.numThreads?.() ?? threads;
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
    return wasm.getThreadsCount();
  }
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    return 1; // the cpu backend is single-threaded JavaScript
  }
  throw new Error(`unknown backend ${name}: expected torch, wasm or cpu`);
}
