// Reading and writing a run directory's own files (Node): config.json, latest.json, metrics.jsonl and the
// sample grids. Every file is checked against its schema and must resolve inside the run directory.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertInsideRun, readJsonFile, writeFileAtomic } from './files.node.js';
import { parseLatestManifest, parseRunConfig, RUN_FILES, SAMPLE_FILE, type LatestManifest, type RunConfig } from './format.js';

/** The directory holds no run: a mistake in what the user typed rather than damage on disk. */
export class NotARunError extends Error {
  constructor(readonly runDir: string) {
    super(`${runDir} is not a gantry run directory (no ${RUN_FILES.config}; create one with gantry train --out ${runDir})`);
    this.name = 'NotARunError';
  }
}

/** A file of the run, refused when it is a link that leads out of the run directory. */
export function runFile(runDir: string, name: string): string {
  const path = join(runDir, name);
  assertInsideRun(runDir, path);
  return path;
}

export function readRunConfig(runDir: string): RunConfig {
  const path = runFile(runDir, RUN_FILES.config);
  if (!existsSync(path)) throw new NotARunError(runDir);
  return readJsonFile(path, parseRunConfig);
}

/** Replaces config.json atomically: a crash leaves the old config or the new one. */
export function writeRunConfig(runDir: string, config: RunConfig): void {
  parseRunConfig(config, join(runDir, RUN_FILES.config));
  mkdirSync(runDir, { recursive: true });
  writeFileAtomic(runFile(runDir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`, runDir);
}

/** latest.json, or undefined before the first checkpoint. */
export function readLatestManifest(runDir: string): LatestManifest | undefined {
  const path = runFile(runDir, RUN_FILES.latest);
  return existsSync(path) ? readJsonFile(path, parseLatestManifest) : undefined;
}

/** metrics.jsonl's complete records (a line being written, or cut by a crash, is skipped). */
export function readMetrics(runDir: string): Record<string, unknown>[] {
  const path = runFile(runDir, RUN_FILES.metrics);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').flatMap((line) => {
    try {
      const record: unknown = JSON.parse(line);
      return record !== null && typeof record === 'object' && !Array.isArray(record) ? [record as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/** Sample grid file names, oldest first. */
export function sampleFiles(runDir: string): string[] {
  const dir = join(runDir, RUN_FILES.samples);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => SAMPLE_FILE.test(f)).sort((a, b) => Number(SAMPLE_FILE.exec(a)?.[1]) - Number(SAMPLE_FILE.exec(b)?.[1]));
}
