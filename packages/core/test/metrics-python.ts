// Test helper: run numpy/scipy code on arrays written to a temp file (an independent computation).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/random.js';
import type { FeatureMatrix } from '../src/metrics/index.js';

export const PYTHON = '/usr/bin/python3';

/** Why the scipy checks must be skipped, or false when they can run. */
export const scipyMissing: string | false = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy.linalg'], { encoding: 'utf8' });
  return r.status === 0 ? false : `${PYTHON} lacks numpy/scipy: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
})();

/** Runs `code` with `data` (a dict of arrays, JSON) bound to the variable D; the code must print JSON. */
export function python<T>(code: string, data: Record<string, unknown>): T {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-metrics-'));
  const path = join(dir, 'data.json');
  writeFileSync(path, JSON.stringify(data, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));
  const prelude = 'import json, sys\nimport numpy as np\nD = json.load(open(sys.argv[1]))\n';
  return JSON.parse(execFileSync(PYTHON, ['-c', prelude + code, path], { encoding: 'utf8', maxBuffer: 1 << 28 })) as T;
}

/**
 * Seeded correlated Gaussian features: z -> (0.5 I + M) z * scale + shift, where the mixing M depends only
 * on mixSeed, so sets with different seeds but equal shift/scale come from the same distribution.
 */
export function randomFeatures(seed: number, rows: number, cols: number, shift = 0, scale = 1, mixSeed = 1234): FeatureMatrix {
  const mixRng = createRng(mixSeed);
  const mix = Float64Array.from({ length: cols * cols }, () => mixRng.normal() / Math.sqrt(cols));
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  const z = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) z[k] = rng.normal();
    for (let j = 0; j < cols; j++) {
      let s = z[j] * 0.5;
      for (let k = 0; k < cols; k++) s += mix[j * cols + k] * z[k];
      data[i * cols + j] = scale * s + shift;
    }
  }
  return { rows, cols, data };
}

export function asRows(m: FeatureMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

export function assertRelClose(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
  if (!(err <= rel)) throw new Error(`${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)} > ${rel})`);
}
