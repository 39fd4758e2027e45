// The one check every command runs before writing a file derived from input files: the output may not be one
// of the inputs. Comparing the texts of the paths is not enough: './in.csv', an absolute path, a symbolic link
// and a hard link all name the same file, and writing to any of them destroys the input.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './args.js';

export interface OutputPath {
  /** how the user gave it, e.g. '--out' */
  flag: string;
  path: string;
}

// The path with every symbolic link in it resolved; for a file yet to be written, its folder's real path.
function realPath(path: string): string | undefined {
  try { return realpathSync(path); } catch { /* not there (yet) */ }
  try { return join(realpathSync(dirname(path)), basename(path)); } catch { return undefined; }
}

function sameFile(a: string, b: string): boolean {
  const ra = realPath(a);
  if (ra !== undefined && ra === realPath(b)) return true;
  try {
    // hard links have different real paths but one device and inode
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // one of them does not exist, so writing one cannot overwrite the other
  }
}

/** Throws a UsageError (exit code 2) when an output is one of the inputs, naming both paths. */
export function refuseToOverwriteInputs(outputs: readonly OutputPath[], inputs: readonly string[]): void {
  for (const out of outputs) {
    const input = inputs.find((i) => sameFile(out.path, i));
    if (input !== undefined) {
      throw new UsageError(`${out.flag} ${out.path} is the input file ${input} (the same file under another name); ` +
        'the input is never overwritten: write somewhere else');
    }
  }
}
