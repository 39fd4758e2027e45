// Builds the LibTorch addon with node-gyp when a source is newer than its object (or the binary).
// LIBTORCH=/path/to/libtorch (official zip layout: include/, lib/) overrides Debian's copy.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'packages/tfjs-backend-torch/native');
const binary = join(nativeDir, 'build/Release/gantry_torch.node');

const force = process.argv.includes('--force');
const stamp = join(nativeDir, 'build/libtorch-path.txt');
const libtorch = process.env.LIBTORCH ?? '';
const objectDir = join(nativeDir, 'build/Release/obj.target/gantry_torch/src');
// Up to date when every .cc has an object at least as new as itself and no header is newer than
// the binary. (Comparing sources with the binary alone races with a build already under way: its
// binary can land after a source edited meanwhile.)
function upToDate() {
  if (!existsSync(binary) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== libtorch) return false;
  const binaryTime = statSync(binary).mtimeMs;
  if (statSync(join(nativeDir, 'binding.gyp')).mtimeMs > binaryTime) return false;
  for (const name of readdirSync(join(nativeDir, 'src'))) {
    const sourceTime = statSync(join(nativeDir, 'src', name)).mtimeMs;
    if (name.endsWith('.cc')) {
      const object = join(objectDir, name.replace(/\.cc$/, '.o'));
      if (!existsSync(object) || statSync(object).mtimeMs < sourceTime || statSync(object).mtimeMs > binaryTime) return false;
    } else if (sourceTime > binaryTime) {
      return false;
    }
  }
  return true;
}
if (upToDate() && !force) {
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
