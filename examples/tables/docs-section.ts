// Replaces the text between <!-- name:start --> and <!-- name:end --> in docs/tables.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const runsDir = join(repoRoot, 'runs', 'tables');

export function writeDocsSection(name: string, body: string): void {
  const path = join(repoRoot, 'docs', 'tables.md');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path}: missing the ${start} ... ${end} markers`);
  writeFileSync(path, text.slice(0, a + start.length) + '\n' + body + '\n' + text.slice(b));
}

/** "mean ± sample std"; one value alone has no spread to show. */
export function meanStd(xs: number[], digits = 4): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return m.toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${m.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}

/**
 * The fastest tfjs backend here: the LibTorch one when its addon is built (GANTRY_BACKEND=cpu forces cpu).
 * Same rule as the CLI's backend choice.
 */
export async function useFastestBackend(): Promise<string> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  if (process.env.GANTRY_BACKEND !== 'cpu') {
    try {
      await import('@gantry/tfjs-backend-torch');
      if (await tf.setBackend('torch')) return 'torch';
    } catch (e) {
      if (process.env.GANTRY_BACKEND === 'torch') throw e;
    }
  }
  tf.env().set('IS_TEST', true); // silences tfjs-backend-cpu's "install tfjs-node" banner
  await tf.setBackend('cpu');
  return 'cpu';
}
