// Builds the LibTorch addon with node-gyp when its sources are newer than the binary.
// LIBTORCH=/path/to/libtorch (official zip layout: include/, lib/) overrides Debian's copy.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'packages/tfjs-backend-torch/native');
const binary = join(nativeDir, 'build/Release/gantry_torch.node');

function newestSourceTime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'build') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const force = process.argv.includes('--force');
const stamp = join(nativeDir, 'build/libtorch-path.txt');
const libtorch = process.env.LIBTORCH ?? '';
const upToDate = existsSync(binary) && statSync(binary).mtimeMs >= newestSourceTime(nativeDir) &&
  existsSync(stamp) && readFileSync(stamp, 'utf8') === libtorch;
if (upToDate && !force) {
  process.exit(0);
}
const require = createRequire(import.meta.url);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
console.log(`build-native: compiling the LibTorch addon${libtorch ? ` against ${libtorch}` : ''} (a few minutes the first time)`);
const jobs = process.env.JOBS ?? 'max';
// Offline machines: use the headers installed next to this node binary (Debian: /usr/include/node)
// instead of letting node-gyp download them.
const localNodeDir = dirname(dirname(process.execPath));
const nodeDirArgs = existsSync(join(localNodeDir, 'include/node/node_api.h')) ? [`--nodedir=${localNodeDir}`] : [];
// configure re-lists native/src/*.cc; make then recompiles only what changed, unless the LibTorch
// location changed or --force asks for a clean rebuild.
const sameLibtorch = existsSync(stamp) && readFileSync(stamp, 'utf8') === libtorch;
const steps = force || !sameLibtorch ? [['rebuild']] : [['configure'], ['build']];
for (const step of steps) {
  execFileSync(process.execPath, [nodeGyp, ...step, `--jobs=${jobs}`, ...nodeDirArgs], {
    cwd: nativeDir,
    stdio: 'inherit',
    env: { ...process.env, LIBTORCH: libtorch },
  });
}
writeFileSync(stamp, libtorch);
