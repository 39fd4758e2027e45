// Read-only access to the run directories under the studio's root. Every path is built from names
// checked against a strict pattern and then verified to resolve inside the root (symlinks included).
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const RUN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;
const SAMPLE_FILE = /^step-\d{1,9}\.png$/;

export function isRunName(name: string): boolean {
  return RUN_NAME.test(name) && !name.includes('..');
}

/** The run directory for a name, or undefined if the name is bad, missing, or resolves outside root. */
export function runDir(root: string, name: string): string | undefined {
  if (!isRunName(name)) return undefined;
  const dir = join(root, name);
  if (!existsSync(join(dir, 'config.json'))) return undefined;
  return inside(root, dir) ? dir : undefined;
}

function inside(root: string, path: string): boolean {
  try {
    const r = realpathSync(root);
    const p = realpathSync(path);
    return p === r || p.startsWith(r + sep);
  } catch {
    return false;
  }
}

/** A sample grid file of a run, or undefined. */
export function sampleFile(root: string, name: string, file: string): string | undefined {
  const dir = runDir(root, name);
  if (!dir || !SAMPLE_FILE.test(file)) return undefined;
  const path = join(dir, 'samples', file);
  return existsSync(path) && inside(dir, path) && statSync(path).isFile() ? path : undefined;
}

export function readJson(path: string): unknown {
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch { return undefined; }
}

export interface RunListing {
  name: string;
  data?: string;
  kind?: string;
  loss?: string;
  model?: string;
  step: number;
  totalSteps?: number;
  updated: number;
}

export function listRuns(root: string): RunListing[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((n) => runDir(root, n) !== undefined).map((name) => {
    const dir = join(root, name);
    const config = readJson(join(dir, 'config.json')) as { data?: { spec?: string; kind?: string }; train?: { loss?: string; steps?: number }; model?: { preset?: string } } | undefined;
    const latest = readJson(join(dir, 'latest.json')) as { step?: number } | undefined;
    const metrics = join(dir, 'metrics.jsonl');
    const updated = existsSync(metrics) ? statSync(metrics).mtimeMs : statSync(join(dir, 'config.json')).mtimeMs;
    return {
      name, data: config?.data?.spec, kind: config?.data?.kind, loss: config?.train?.loss, model: config?.model?.preset,
      step: latest?.step ?? 0, totalSteps: config?.train?.steps, updated,
    };
  }).sort((a, b) => b.updated - a.updated);
}

/** metrics.jsonl records from line `from` on (complete lines only), and the next line number. */
export function readMetricsFrom(dir: string, from: number): { records: unknown[]; next: number } {
  const path = join(dir, 'metrics.jsonl');
  if (!existsSync(path)) return { records: [], next: 0 };
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
  const records: unknown[] = [];
  for (const line of complete.slice(from)) {
    try { records.push(JSON.parse(line)); } catch { records.push({ event: 'unreadable' }); }
  }
  return { records, next: complete.length };
}

export function sampleList(root: string, name: string): { file: string; step: number }[] {
  const dir = runDir(root, name);
  if (!dir || !existsSync(join(dir, 'samples'))) return [];
  return readdirSync(join(dir, 'samples')).filter((f) => SAMPLE_FILE.test(f)).sort()
    .map((file) => ({ file, step: Number(file.slice(5, -4)) }));
}
