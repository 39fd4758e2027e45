// Durable, named file operations for run directories (Node). Every write is fsynced; an atomic write
// goes through a temporary name that is removed again when the write fails (a full disk leaves nothing
// behind); every error names the file it was about.
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RunFileError } from './schema.js';

/** Marks temporaries so that a later writer can tell them from real files and clean them up. */
export const TEMP_MARK = '.tmp-';

function named<T>(path: string, verb: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RunFileError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new RunFileError(path, `cannot ${verb}: ${err.code === 'ENOSPC' ? 'no space left on the device' : err.message}`);
  }
}

export function fsyncPath(path: string): void {
  named(path, 'sync', () => {
    const fd = openSync(path, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  });
}

export function writeSynced(path: string, data: string | Uint8Array): void {
  named(path, 'write', () => writeFileSync(path, data));
  fsyncPath(path);
}

/** Temp file, fsync, rename, fsync the directory: readers see the old content or the new, never half. */
export function writeFileAtomic(path: string, data: string | Uint8Array, dir: string): void {
  const tmp = `${path}${TEMP_MARK}${process.pid}`;
  try {
    writeSynced(tmp, data);
    named(path, 'replace', () => renameSync(tmp, path));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncPath(dir);
}

/** Removes what interrupted writes left in a directory (only a writer of that directory may call this). */
export function removeTemporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((name) => name.includes(TEMP_MARK));
  for (const name of stale) rmSync(join(dir, name), { recursive: true, force: true });
  return stale;
}

export function readBytes(path: string): Buffer {
  return named(path, 'read', () => readFileSync(path));
}

/** Reads a JSON file and checks it with a parser that names the file (parseRunConfig and the like). */
export function readJsonFile<T>(path: string, parse: (value: unknown, file: string) => T): T {
  const text = named(path, 'read', () => readFileSync(path, 'utf8'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(path, `not valid JSON (${(e as Error).message})`);
  }
  return parse(value, path);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** True when `path`, followed through every symlink, stays inside `root` (itself resolved). */
export function resolvesInside(root: string, path: string): boolean {
  try {
    const r = realpathSync(root);
    const p = realpathSync(path);
    return p === r || p.startsWith(r + sep);
  } catch {
    return false;
  }
}

/** A run file may be a link only to somewhere inside its own run directory. */
export function assertInsideRun(runDir: string, path: string): void {
  if (existsSync(path) && !resolvesInside(runDir, path)) {
    throw new RunFileError(path, `resolves outside the run directory ${runDir}; refusing to read it`);
  }
}

export function relativeTo(dir: string, path: string): string {
  return relative(dir, path).split(sep).join('/');
}
