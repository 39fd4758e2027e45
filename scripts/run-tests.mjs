// Runs every package's node:test files (TypeScript through tsx), then tfjs-core's
// conformance suite on the torch backend. Extra arguments are passed as file filters.
// --conditions=gantry-source makes @gantry/* imports resolve to the TypeScript sources, not dist/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
function findTests(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'build') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}
const filters = process.argv.slice(2);
const files = ['packages', 'bench', 'examples']
  .filter((d) => { try { return statSync(join(root, d)).isDirectory(); } catch { return false; } })
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const result = spawnSync(process.execPath,
  ['--conditions=gantry-source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
