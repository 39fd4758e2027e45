// A model's own JSON file in its run directory (progan.json, ...): the data spec and options a fresh `gantry
// train --model M` writes, and what --resume and the sampling tools read back. Models whose flags are their own
// (not the classic GAN's config.json) share this handling.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@gantry/core/node';
import { integerFlag, stringFlag, UsageError, type Parsed } from './args.js';

export interface RunFileKind {
  /** the file's name, e.g. progan.json */
  file: string;
  /** its format tag, e.g. gantry-progan-1 */
  format: string;
  /** the --model that writes it, e.g. progan */
  model: string;
  /** the model's name in messages, e.g. ProGAN */
  title: string;
  /** the article before the title in messages (default 'a'; 'an SRGAN run') */
  article?: 'a' | 'an';
}

export interface SavedRun { format: string; steps: number }

export function holdsRunFile(runDir: string, kind: RunFileKind): boolean {
  return existsSync(join(runDir, kind.file));
}

export function readRunFile<T extends { format: string }>(runDir: string, kind: RunFileKind): T {
  const path = join(runDir, kind.file);
  if (!existsSync(path)) throw new UsageError(`${runDir} is not ${kind.article ?? 'a'} ${kind.title} run (no ${kind.file}; train one with gantry train --model ${kind.model})`);
  const run = JSON.parse(readFileSync(path, 'utf8')) as T;
  if (run.format !== kind.format) throw new Error(`${path}: unknown format ${JSON.stringify(run.format)}`);
  return run;
}

/** --resume RUN [--steps N] [--progress p]: the saved run with --steps (written back when it changed); other flags are refused. */
export function resumedRun<T extends SavedRun>(v: Parsed['values'], kind: RunFileKind): { runDir: string; run: T } {
  const runDir = v.resume as string;
  const extra = Object.keys(v).filter((k) => v[k] !== undefined && !['resume', 'steps', 'progress'].includes(k));
  if (extra.length) throw new UsageError(`--resume takes only --steps and --progress (the rest comes from ${runDir}/${kind.file}); got --${extra[0]}`);
  const saved = readRunFile<T>(runDir, kind);
  const run = { ...saved, steps: integerFlag(v.steps, 'steps', 1) ?? saved.steps };
  if (run.steps !== saved.steps) writeFileAtomic(join(runDir, kind.file), `${JSON.stringify(run, null, 2)}\n`, runDir);
  return { runDir, run };
}

/** A fresh run's directory (--out, default runs/<model>-<time>) with its run file written; a directory holding a run is refused. */
export function startRunDir(out: unknown, kind: RunFileKind, run: SavedRun): string {
  const dir = stringFlag(out, 'out') ?? join('runs', `${kind.model}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(join(dir, 'latest.json')) || holdsRunFile(dir, kind)) throw new UsageError(`${dir} already holds a run; continue it with --resume ${dir}, or choose another --out`);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, kind.file), `${JSON.stringify(run, null, 2)}\n`, dir);
  return dir;
}
