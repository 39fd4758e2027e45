// Read-only access to the run directories under the studio's root. Every file is read through
// readRunFile: names are checked against strict patterns, and the real path (symlinks followed) must be a
// regular file inside the root, so a run file that links out of the root is treated as absent.
import { closeSync, constants, fstatSync, openSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { classLabels } from '@gantry/core';

const RUN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;
// sample grids (PNG) and, for audio runs, preview speech (WAV), served with these types
const SAMPLE_FILE = /^step-\d{1,9}\.(png|wav)$/;
const SAMPLE_TYPES: Record<string, string> = { png: 'image/png', wav: 'audio/wav' };

export function isRunName(name: string): boolean {
  return RUN_NAME.test(name) && !name.includes('..');
}

/** The real path of root/run/...parts if it resolves inside root and passes `accept`; else undefined. */
function realPathInRun(root: string, run: string, parts: string[], accept: (real: string) => boolean): string | undefined {
  if (!isRunName(run)) return undefined;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(join(root, run, ...parts));
    return real.startsWith(realRoot + sep) && accept(real) ? real : undefined;
  } catch {
    return undefined;
  }
}

const isFile = (path: string) => statSync(path).isFile();
const isDirectory = (path: string) => statSync(path).isDirectory();

/** A regular file of a run, by its real path, or undefined (bad name, missing, not a file, outside root). */
export function runFile(root: string, run: string, ...parts: string[]): string | undefined {
  return realPathInRun(root, run, parts, isFile);
}

/**
 * The bytes of a run file, or undefined. The checked real path is opened without following a final
 * symlink and without blocking, so a link or a FIFO swapped in after the check is not read either.
 */
export function readRunFile(root: string, run: string, ...parts: string[]): Buffer | undefined {
  const path = runFile(root, run, ...parts);
  if (path === undefined) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A run file parsed as JSON, or undefined when it is absent or not JSON. */
export function readRunJson(root: string, run: string, ...parts: string[]): unknown {
  const bytes = readRunFile(root, run, ...parts);
  if (bytes === undefined) return undefined;
  try { return JSON.parse(bytes.toString('utf8')); } catch { return undefined; }
}

/**
 * What describes a run: a GAN run's config.json, a translation run's translation.json (pix2pix, CycleGAN,
 * DiscoGAN), or the file a model with flags of its own writes, named after it (stylegan.json, gantts.json,
 * progan.json, stackgan.json: each holds at least the data spec and the steps).
 */
const DESCRIPTIONS = ['config.json', 'translation.json', 'stylegan.json', 'gantts.json', 'progan.json', 'stackgan.json'] as const;
export type RunDescription = (typeof DESCRIPTIONS)[number];

/** The file that describes a run (the first of DESCRIPTIONS it has), or undefined when it has none. */
export function runDescription(root: string, name: string): RunDescription | undefined {
  return DESCRIPTIONS.find((file) => runFile(root, name, file) !== undefined);
}

/** The run directory for a name (a directory inside root with its own file of DESCRIPTIONS), or undefined. */
export function runDir(root: string, name: string): string | undefined {
  return runDescription(root, name) === undefined ? undefined : realPathInRun(root, name, [], isDirectory);
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

interface ConfigLike { data?: { spec?: string; kind?: string }; train?: { loss?: string; steps?: number }; model?: { preset?: string } }
interface TranslationLike { model?: string; data?: string; target?: string }
interface ModelRunLike { data?: string; steps?: number }

/** What the run list shows of a run, from the file that describes it. */
function describe(root: string, name: string, file: RunDescription): Pick<RunListing, 'data' | 'kind' | 'loss' | 'model' | 'totalSteps'> {
  if (file === 'stylegan.json' || file === 'gantts.json' || file === 'progan.json' || file === 'stackgan.json') {
    const model = file.slice(0, -'.json'.length);
    const r = readRunJson(root, name, file) as ModelRunLike | undefined;
    return { data: r?.data, kind: model, model, totalSteps: r?.steps };
  }
  if (file === 'translation.json') {
    const t = readRunJson(root, name, file) as TranslationLike | undefined;
    return { data: t?.data !== undefined ? `${t.data} -> ${String(t.target)}` : undefined, kind: 'translation', model: t?.model };
  }
  const config = readRunJson(root, name, file) as ConfigLike | undefined;
  return { data: config?.data?.spec, kind: config?.data?.kind, loss: config?.train?.loss, model: config?.model?.preset, totalSteps: config?.train?.steps };
}

/**
 * A run's latest.json (its newest checkpoint's step). A StackGAN run trains its matcher, stage I and stage II as
 * runs of their own in matcher/, stage1/ and stage2/; its step is stage II's (its steps are stage II's too).
 */
export function readLatest(root: string, name: string): unknown {
  return runDescription(root, name) === 'stackgan.json' ? readRunJson(root, name, 'stage2', 'latest.json') : readRunJson(root, name, 'latest.json');
}

export function listRuns(root: string): RunListing[] {
  let names: string[];
  try { names = readdirSync(root); } catch { return []; }
  return names.flatMap((name) => {
    const file = runDescription(root, name);
    if (file === undefined || runDir(root, name) === undefined) return [];
    const latest = readLatest(root, name) as { step?: number } | undefined;
    const changed = runFile(root, name, 'metrics.jsonl') ?? runFile(root, name, file);
    return [{ name, ...describe(root, name, file), step: latest?.step ?? 0, updated: changed === undefined ? 0 : statSync(changed).mtimeMs }];
  }).sort((a, b) => b.updated - a.updated);
}

/** metrics.jsonl records from line `from` on (complete lines only), and the next line number. */
export function readMetricsFrom(root: string, run: string, from: number): { records: unknown[]; next: number } {
  const bytes = readRunFile(root, run, 'metrics.jsonl');
  if (bytes === undefined) return { records: [], next: 0 };
  const text = bytes.toString('utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
  const records: unknown[] = [];
  for (const line of complete.slice(from)) {
    try { records.push(JSON.parse(line)); } catch { records.push({ event: 'unreadable' }); }
  }
  return { records, next: complete.length };
}

/** The kind of run (the data kind of a config.json run, 'translation', or the model of a model's own file). */
export function runKind(root: string, name: string): string | undefined {
  const file = runDescription(root, name);
  return file === undefined ? undefined : describe(root, name, file).kind;
}

/**
 * The class names of a conditional StyleGAN or ProGAN run, from its newest checkpoint's config (the data's
 * names, or "0", "1", ... where the data named none); undefined for any other run, or before a checkpoint.
 */
export function runClasses(root: string, name: string): string[] | undefined {
  const file = runDescription(root, name);
  if (file !== 'stylegan.json' && file !== 'progan.json') return undefined;
  const latest = readRunJson(root, name, 'latest.json') as { checkpoint?: unknown } | undefined;
  if (typeof latest?.checkpoint !== 'string') return undefined;
  const state = readRunJson(root, name, ...latest.checkpoint.split('/'), 'state.json') as { config?: { numClasses?: unknown; classNames?: unknown } } | undefined;
  const { numClasses, classNames } = state?.config ?? {};
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1) return undefined;
  const named = Array.isArray(classNames) && classNames.every((c) => typeof c === 'string');
  return classLabels(numClasses, named ? classNames as string[] : undefined);
}

/** A sample file's bytes and content type (a grid's PNG, a preview's WAV), or undefined. */
export function readSample(root: string, run: string, file: string): { body: Buffer; type: string } | undefined {
  const match = SAMPLE_FILE.exec(file);
  const body = match ? readRunFile(root, run, 'samples', file) : undefined;
  return match && body ? { body, type: SAMPLE_TYPES[match[1]] } : undefined;
}

export function sampleList(root: string, name: string): { file: string; step: number }[] {
  const dir = realPathInRun(root, name, ['samples'], isDirectory);
  if (dir === undefined) return [];
  return readdirSync(dir).filter((f) => SAMPLE_FILE.test(f) && runFile(root, name, 'samples', f) !== undefined).sort()
    .map((file) => ({ file, step: Number(file.slice('step-'.length, file.indexOf('.'))) }));
}
